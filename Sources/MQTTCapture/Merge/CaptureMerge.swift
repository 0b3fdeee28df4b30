#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Merges captures into one by time: a k-way merge that holds one record per input, so captures of any
/// size merge in constant memory (`mqtt-dumper merge`).
///
/// Ties keep the inputs' order, then each file's line order. With `dedupWindow`, a message identical in
/// topic, payload, QoS, retain flag and properties to one from another input no more than the window apart
/// is dropped (recorders running side by side record the same traffic), and the offsets between such
/// copies tell whether the recorders' clocks disagree.
public struct CaptureMerge {
  /// The inputs, in the order given (`-` for standard input once).
  public let paths: [String]
  /// Drop a copy of a message another input recorded within this many microseconds; nil keeps every message.
  public var dedupWindow: Int64?

  /// A merge of `paths`.
  public init(paths: [String], dedupWindow: Int64? = nil) {
    self.paths = paths
    self.dedupWindow = dedupWindow
  }

  /// What one input held.
  public struct Source: Sendable {
    /// The path as given.
    public var path: String
    /// Messages read from it.
    public var messages = 0
    /// Its first record's time.
    public var first: Timestamp?
    /// Its last record's time.
    public var last: Timestamp?
    /// Its messages that were copies of another input's, or had a copy in another input (with `dedupWindow`).
    public var copies = 0
    /// Where its own records' times go backwards (merged where their times put them, so out of its order).
    public var stepsBack = StepsBack()
  }

  /// What a merge did.
  public struct Summary: Sendable {
    /// Per input, in the order given.
    public var sources: [Source]
    /// Records written (messages and connection events).
    public var written = 0
    /// Messages dropped as copies (with `dedupWindow`).
    public var duplicates = 0
    /// One sentence per input that was cut off or is corrupt or unreadable from some line on (its records
    /// up to the damage were merged, and the other inputs in full).
    public var truncations: [String] = []
    /// For each two inputs that share copies (a copy is matched with the earliest copy another input
    /// recorded within the window), in the inputs' order: the median of (`path`'s time − `reference`'s
    /// time) over those copies, in microseconds, where `reference` was given before `path`. Worked out
    /// from at most `ClockOffsetSample.capacity` of them, drawn evenly, so memory stays constant.
    public var clockOffsets: [(reference: String, path: String, microseconds: Int64, copies: Int)] = []
  }

  /// The groups (`capture --share`) the inputs' headers name, each once, in the inputs' order: more than
  /// one means the merged header names none.
  public static func groups(of headers: [CaptureHeader]) -> [String] {
    var groups: [String] = []
    for group in headers.compactMap(\.group) where !groups.contains(group) { groups.append(group) }
    return groups
  }

  /// The header the merged capture gets: the earliest start, every broker and subscription, the sources
  /// and the instance each was recorded by; the group when every input that names one names the same.
  public static func header(for headers: [CaptureHeader], paths: [String], tool: String) -> CaptureHeader {
    var brokers: [String] = []
    var subscriptions: [CaptureSubscription] = []
    for h in headers {
      if !brokers.contains(h.broker) { brokers.append(h.broker) }
      for s in h.subscriptions where !subscriptions.contains(s) { subscriptions.append(s) }
    }
    let protocols = Set(headers.map(\.protocolName))
    let groups = groups(of: headers)
    return CaptureHeader(
      created: headers.map(\.created).min() ?? "", tool: tool, broker: brokers.joined(separator: ", "),
      protocolName: protocols.count == 1 ? protocols.first! : headers.first?.protocolName ?? "",
      subscriptions: subscriptions, sources: paths, group: groups.count == 1 ? groups.first : nil,
      sourceInstances: headers.contains { $0.instance != nil } ? headers.map(\.instance) : [])
  }

  /// The first input that is the same file as an earlier one however it is spelt (another path, a symlink,
  /// a hard link: the device and inode decide), with that earlier one; nil when every input is its own
  /// file. Merging a file with itself would double every record. Paths that cannot be examined (and `-`)
  /// are left to `open()`.
  public static func repeatedInput(in paths: [String]) -> (path: String, earlier: String)? {
    var seen: [(dev: UInt64, ino: UInt64, path: String)] = []
    for path in paths where path != "-" {
      var st = stat()
      guard stat(path, &st) == 0 else { continue }
      let (dev, ino) = (UInt64(st.st_dev), UInt64(st.st_ino))
      if let earlier = seen.first(where: { $0.dev == dev && $0.ino == ino }) { return (path, earlier.path) }
      seen.append((dev, ino, path))
    }
    return nil
  }

  /// The sentence naming an input that could not be read to its end.
  static func damageSentence(_ error: Error) -> String {
    let what = (error as? CaptureError)?.problem ?? "\(error)"
    return what + "; its records before that were merged."
  }

  // MARK: - Merging

  /// An input's next record in the heap: small and trivially copied (the record itself waits in `held`).
  private struct Head: Comparable {
    var time: Timestamp
    var input: Int
    var line: Int
    static func < (a: Head, b: Head) -> Bool {
      (a.time, a.input, a.line) < (b.time, b.input, b.line)
    }
    static func == (a: Head, b: Head) -> Bool { a.time == b.time && a.input == b.input && a.line == b.line }
  }

  /// Opens every input and reads its header.
  /// - Throws: `CaptureError` for an input that cannot be read or is not a capture.
  public func open() throws -> [CaptureReader] {
    // Every input is open at once: past 256 of them, their buffers share 64 MiB (a day of rotated files
    // took 0.5 MB each, 816 MB for 1,500).
    let bufferSize = min(256 * 1024, (64 << 20) / max(1, paths.count))
    return try paths.map { try CaptureReader(path: $0, bufferSize: bufferSize) }
  }

  /// Merges what `readers` (from `open()`) hold into `writer`, in time order. A message line is checked as
  /// every reader checks it and copied unchanged, not decoded and encoded again; other records (events,
  /// messages with properties) are written as decoded.
  /// An input that is damaged from some line on (corrupt, cut off, unreadable) stops there and is named in
  /// the summary's `truncations`; the others are merged to their ends, so the output can still be finished.
  /// - Throws: `CaptureError` for a failed write.
  public func run(_ readers: [CaptureReader], into writer: CaptureWriter) throws -> Summary {
    try merge(readers, passLine: { try writer.writeMessageLine($0) }, write: { try writer.write($0) })
  }

  /// Merges what `readers` (from `open()`) hold into `write`, in time order, every record decoded.
  /// A damaged input is named in the summary's `truncations`, as for `run(_:into:)`.
  /// - Throws: what `write` throws.
  public func run(_ readers: [CaptureReader], write: (CaptureRecord) throws -> Void) throws -> Summary {
    try merge(readers, passLine: nil, write: write)
  }

  private func merge(
    _ readers: [CaptureReader], passLine: ((UnsafeRawBufferPointer) throws -> Void)?,
    write: (CaptureRecord) throws -> Void
  ) throws -> Summary {
    var summary = Summary(sources: paths.map { Source(path: $0) })
    var heads = MinHeap<Head>()
    var lines = Array(repeating: 0, count: readers.count)
    var previousTimes = [Int64?](repeating: nil, count: readers.count)
    // Each input's next record; nil for a message line passed on as it stands (`CaptureReader.Line`).
    var held = [CaptureRecord?](repeating: nil, count: readers.count)
    /// Puts input `i`'s next record in the heap. A damaged input stops there like a cut-off one: its
    /// records before the damage are merged, it is named, and the other inputs go on to their ends.
    func advance(_ i: Int) {
      do {
        while let next = try readers[i].nextLineRecord() {
          lines[i] += 1
          // A later session's header (nil time): one header for the merged file.
          guard let time = next.time else { continue }
          summary.sources[i].stepsBack.add(time.microseconds, after: previousTimes[i])
          previousTimes[i] = time.microseconds
          held[i] = next.record
          heads.insert(Head(time: time, input: i, line: lines[i]))
          return
        }
        if let truncation = readers[i].truncation { summary.truncations.append(truncation) }
      } catch {
        summary.truncations.append(Self.damageSentence(error))
      }
    }
    /// The record of a line the reader vouched for without decoding it; nil, with the input named as
    /// damaged and stopped there, should the decoder disagree.
    func decoded(_ i: Int) -> CaptureRecord? {
      let reader = readers[i]
      do {
        return try reader.withLine { try RecordDecoder.decode($0) }
      } catch {
        let corrupt = CaptureError.corrupt(path: reader.path, line: reader.lineNumber, reason: "\(error)")
        summary.truncations.append(Self.damageSentence(corrupt))
        return nil
      }
    }
    for i in readers.indices { advance(i) }
    var window = DuplicateWindow(span: dedupWindow ?? 0)
    // Per two inputs (in the order given) that share copies: (the later one's time − the earlier one's).
    var offsets: [InputPair: ClockOffsetSample] = [:]
    while let head = heads.popMin() {
      var source = summary.sources[head.input]
      if source.first == nil { source.first = head.time }
      source.last = head.time
      var record = held[head.input]
      held[head.input] = nil
      let copyLine = record == nil
      let isMessage: Bool
      if case .message? = record { isMessage = true } else { isMessage = copyLine }
      if isMessage {
        source.messages += 1
        if dedupWindow != nil {
          if record == nil {
            guard let line = decoded(head.input) else { continue }
            record = line
          }
          guard case .message(let m) = record else { preconditionFailure("a message line decoded as another record") }
          if let original = window.copy(of: m, from: head.input) {
            summary.duplicates += 1
            source.copies += 1
            summary.sources[head.input] = source
            summary.sources[original.input].copies += 1
            let offset = m.timestamp.microseconds - original.time.microseconds
            if original.input < head.input {
              offsets[InputPair(earlier: original.input, later: head.input), default: .init()].add(offset)
            } else {
              offsets[InputPair(earlier: head.input, later: original.input), default: .init()].add(-offset)
            }
            advance(head.input)
            continue
          }
          window.add(m, from: head.input)
        }
      }
      summary.sources[head.input] = source
      if copyLine, let passLine {
        try readers[head.input].withLine(passLine)
      } else {
        guard let record = record ?? decoded(head.input) else { continue }
        try write(record)
      }
      summary.written += 1
      // Only now: the line just written lives in the reader's buffer until its next read.
      advance(head.input)
    }
    for (pair, sample) in offsets.sorted(by: { ($0.key.earlier, $0.key.later) < ($1.key.earlier, $1.key.later) }) {
      summary.clockOffsets.append((paths[pair.earlier], paths[pair.later], sample.median, sample.count))
    }
    return summary
  }
}

/// The messages of the last `span` microseconds, to recognise a copy another input recorded.
struct DuplicateWindow {
  let span: Int64
  /// Per message, the kept ones within the span: where and when, and the inputs whose copy each absorbed.
  private var recent: [Key: [(input: Int, time: Timestamp, matched: [Int])]] = [:]
  private var order: [(key: Key, time: Timestamp)] = []
  private var start = 0

  init(span: Int64) { self.span = span }

  /// What makes two messages the same message: everything but the time.
  struct Key: Hashable {
    var topic: String
    var payload: [UInt8]
    var qos: MQTTQoS
    var retain: Bool
    var properties: MQTTProperties
    init(_ m: CapturedMessage) {
      (topic, payload, qos, retain, properties) = (m.topic, m.payload, m.qos, m.retain, m.properties)
    }
  }

  /// The earliest kept message that `m` is a copy of: the same message another input recorded within the span,
  /// not yet matched with a copy from `m`'s input. One copy per input each, so a message repeated within the
  /// span (a heartbeat) is matched one to one and none is dropped for another's copy.
  mutating func copy(of m: CapturedMessage, from input: Int) -> (input: Int, time: Timestamp)? {
    expire(before: m.timestamp)
    let key = Key(m)
    guard
      let i = recent[key]?.firstIndex(where: {
        $0.input != input && m.timestamp.microseconds - $0.time.microseconds <= span && !$0.matched.contains(input)
      })
    else { return nil }
    recent[key]![i].matched.append(input)
    let original = recent[key]![i]
    return (original.input, original.time)
  }

  mutating func add(_ m: CapturedMessage, from input: Int) {
    let key = Key(m)
    recent[key, default: []].append((input, m.timestamp, []))
    order.append((key, m.timestamp))
  }

  private mutating func expire(before now: Timestamp) {
    while start < order.count, now.microseconds - order[start].time.microseconds > span {
      let key = order[start].key
      if var list = recent[key] {
        list.removeFirst()
        recent[key] = list.isEmpty ? nil : list
      }
      start += 1
    }
    if start > 4096 && start * 2 > order.count {
      order.removeFirst(start)
      start = 0
    }
  }
}
