import MQTTCapture

/// When each message of a replay is due, pass after pass: the one schedule that `replay` publishes by and
/// `replay --dry-run` prints.
///
/// Message k of a pass is due at (ts_k − ts_0) after the pass starts, at speed 1. The next pass starts one
/// mean gap after the last message of this one, so time keeps running forward across loops.
public struct ReplaySchedule {
  /// A message with its place in the schedule.
  public struct Entry {
    /// The message as read.
    public var message: CapturedMessage
    /// When it is due after the start of the replay, at speed 1.
    public var offset: Duration
    /// The pass it belongs to, from 1.
    public var pass: Int
  }

  private let loops: Int?
  private let makeSource: () throws -> any MessageSource
  private var source: (any MessageSource)?
  private var pass = 0
  private var passOffset: Duration = .zero
  private var first: Timestamp?
  private var last: Timestamp?
  private var count = 0
  /// The length of the first pass (first to last message), once it has been read.
  public private(set) var passSpan: Duration?

  /// A schedule over `loops` passes (nil: forever) of what `makeSource` yields; it is called once per pass.
  public init(loops: Int?, makeSource: @escaping () throws -> any MessageSource) {
    self.loops = loops
    self.makeSource = makeSource
  }

  /// The next message and when it is due, or nil when the last pass has ended (or a pass was empty).
  /// - Throws: what the source throws (a corrupt capture, for example).
  public mutating func next() throws -> Entry? {
    while true {
      if source == nil {
        guard loops.map({ pass < $0 }) ?? true else { return nil }
        pass += 1
        source = try makeSource()
        (first, last, count) = (nil, nil, 0)
      }
      if let m = try source!.next() {
        if first == nil { first = m.timestamp }
        last = m.timestamp
        count += 1
        let offset = passOffset + .microseconds(m.timestamp.microseconds - first!.microseconds)
        return Entry(message: m, offset: offset, pass: pass)
      }
      source = nil
      guard count > 0, let first, let last else { return nil }
      let span = Duration.microseconds(last.microseconds - first.microseconds)
      passOffset += span + (count > 1 ? span / (count - 1) : .seconds(1))
      if passSpan == nil { passSpan = span }
    }
  }
}
