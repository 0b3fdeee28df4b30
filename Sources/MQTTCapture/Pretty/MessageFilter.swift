/// Which messages `print`, `samples`, `replay` and `diff` keep: topic filters, exclusions, a time window, a
/// limit and a pattern on the payload.
public struct MessageFilter {
  /// A point in time: absolute, or an offset from the first message of the capture.
  public enum TimeBound: Sendable, Equatable {
    /// This wall-clock time (`--since 2025-11-25T11:07:36Z`).
    case absolute(Timestamp)
    /// This long after the first message the filter is shown (`--since 10m`).
    case offset(Duration)
  }

  /// Keep only messages on topics that match one of these; empty keeps every topic.
  public var topics: [TopicFilter] = []
  /// Leave out messages on topics that match any of these, even where `topics` keeps them.
  public var excludes: [TopicFilter] = []
  /// Leave out messages before this; nil for no lower bound.
  public var since: TimeBound?
  /// Leave out messages after this, and stop at the first; nil for no upper bound.
  public var until: TimeBound?
  /// Keep at most this many messages.
  public var limit: Int?
  /// Keep only messages whose payload (as UTF-8 text) contains a match.
  public var grep: Regex<AnyRegexOutput>?

  private var start: Timestamp?
  /// How many messages were kept so far.
  public private(set) var accepted = 0

  /// A filter that keeps every message.
  public init() {}

  /// Whether the filter can leave messages out for what they are (topic, time, payload), not only by `limit`.
  public var narrows: Bool {
    !topics.isEmpty || !excludes.isEmpty || since != nil || until != nil || grep != nil
  }

  /// True once `limit` messages were accepted, or a message came after `until` (captures are in time
  /// order, so reading can stop).
  public private(set) var isExhausted = false

  /// Whether to keep `m`. Call in capture order: the first message sets the origin of offsets.
  public mutating func accept(_ m: CapturedMessage) -> Bool {
    if start == nil { start = m.timestamp }
    if isExhausted { return false }
    if let since, m.timestamp < resolve(since) { return false }
    if let until, m.timestamp > resolve(until) {
      isExhausted = true
      return false
    }
    if !topics.isEmpty && !topics.contains(where: { $0.matches(m.topic) }) { return false }
    if excludes.contains(where: { $0.matches(m.topic) }) { return false }
    if let grep {
      let text = String(decoding: m.payload, as: UTF8.self)
      guard (try? grep.firstMatch(in: text)) != nil else { return false }
    }
    accepted += 1
    if let limit, accepted >= limit { isExhausted = true }
    return true
  }

  private func resolve(_ bound: TimeBound) -> Timestamp {
    switch bound {
    case .absolute(let t): return t
    case .offset(let d):
      let (s, atto) = d.components
      return Timestamp(microseconds: (start?.microseconds ?? 0) + s * 1_000_000 + atto / 1_000_000_000_000)
    }
  }
}
