/// One direction of a TCP connection put back in order: retransmitted and duplicate bytes dropped,
/// segments that came early held until the bytes before them arrive, and bytes the recorder never saw
/// reported as a gap instead of waited for forever.
struct TCPStream {
  /// What the stream hands on.
  enum Event {
    /// The next bytes, in order.
    case data(ArraySlice<UInt8>)
    /// About `count` bytes the capture does not hold; the stream goes on after them.
    case gap(count: Int)
  }

  /// The sequence number of the next byte expected; nil until the first segment is seen.
  private(set) var next: UInt32?
  /// True when the stream's first segment was not a SYN: it began before the capture did.
  private(set) var beganBeforeCapture = false
  private(set) var finished = false
  /// Segments that came early, by sequence number.
  private var early: [UInt32: ArraySlice<UInt8>] = [:]
  private(set) var earlyBytes = 0
  /// More early bytes than this and the bytes before them are given up as never captured.
  static let earlyLimit = 1 << 20

  /// Takes in one segment of this direction.
  mutating func receive(_ segment: TCPSegment) -> [Event] {
    if segment.syn {
      next = segment.sequence &+ 1
      return segment.payload.isEmpty ? [] : accept(segment.sequence &+ 1, segment.payload, missing: segment.missing)
    }
    if next == nil {
      if segment.reset { return [] }
      next = segment.sequence
      beganBeforeCapture = true
    }
    var events: [Event] = []
    if !segment.payload.isEmpty || segment.missing > 0 {
      events = accept(segment.sequence, segment.payload, missing: segment.missing)
    }
    if segment.fin || segment.reset { finished = true }
    return events
  }

  /// The connection was reset: nothing more comes this way.
  mutating func end() { finished = true }

  /// The other side acknowledged everything before `acknowledgement`: bytes before it that were never
  /// seen were lost by the recorder (on the wire they arrived), so stop waiting for them.
  mutating func acknowledged(_ acknowledgement: UInt32) -> [Event] {
    guard let expected = next, !finished else { return [] }
    let ahead = Int(Int32(bitPattern: acknowledgement &- expected))
    guard ahead > 0 else { return [] }
    return skipGap(upTo: acknowledgement)
  }

  /// At the end of the capture: the early bytes still waiting for what came before them.
  mutating func flush() -> [Event] {
    var events: [Event] = []
    while let first = earliest() { events += skipGap(upTo: first) }
    return events
  }

  // MARK: - Ordering

  private mutating func accept(_ sequence: UInt32, _ payload: ArraySlice<UInt8>, missing: Int) -> [Event] {
    guard let expected = next else { return [] }
    let offset = Int(Int32(bitPattern: sequence &- expected))
    if offset > 0 {
      // Early: keep it (a longer copy of the same start wins) until the bytes before it arrive.
      if missing > 0 { return [] }  // a cut-off early segment is no use: the gap is reported when reached
      if let held = early[sequence], held.count >= payload.count { return [] }
      earlyBytes += payload.count - (early[sequence]?.count ?? 0)
      early[sequence] = payload
      if earlyBytes > Self.earlyLimit, let first = earliest() { return skipGap(upTo: first) }
      return []
    }
    var events: [Event] = []
    let fresh = payload.dropFirst(-offset)
    if !fresh.isEmpty {
      events.append(.data(fresh))
      next = expected &+ UInt32(payload.count + offset)
    }
    if missing > 0, -offset <= payload.count {
      events.append(.gap(count: missing))
      next = sequence &+ UInt32(payload.count + missing)
    }
    return events + drainEarly()
  }

  private mutating func drainEarly() -> [Event] {
    var events: [Event] = []
    var progressed = true
    while progressed, let expected = next, !early.isEmpty {
      progressed = false
      for (sequence, payload) in early where Int32(bitPattern: sequence &- expected) <= 0 {
        early[sequence] = nil
        earlyBytes -= payload.count
        let offset = Int(Int32(bitPattern: expected &- sequence))
        if offset < payload.count {
          events.append(.data(payload.dropFirst(offset)))
          next = sequence &+ UInt32(payload.count)
        }
        progressed = true
        break
      }
    }
    return events
  }

  private func earliest() -> UInt32? {
    guard let expected = next else { return nil }
    return early.keys.min { Int32(bitPattern: $0 &- expected) < Int32(bitPattern: $1 &- expected) }
  }

  /// Gives up the bytes from `next` to `target` (or to the first early segment, if that is sooner).
  private mutating func skipGap(upTo target: UInt32) -> [Event] {
    guard let expected = next else { return [] }
    var end = target
    if let first = earliest(), Int32(bitPattern: first &- expected) < Int32(bitPattern: target &- expected) {
      end = first
    }
    let count = Int(Int32(bitPattern: end &- expected))
    guard count > 0 else { return drainEarly() }
    next = end
    return [.gap(count: count)] + drainEarly()
  }
}
