/// An MQTT topic filter (`+` one level, `#` the rest), matched the way a broker matches it.
public struct TopicFilter: Equatable, Sendable, CustomStringConvertible {
  /// The filter as written: `octoPrint/event/#`.
  public let text: String
  private let levels: [Substring]

  /// Parses a topic filter.
  /// - Returns: nil when `text` is empty or not a valid filter (`#` not last, wildcards not filling a level).
  public init?(_ text: String) {
    guard !text.isEmpty else { return nil }
    let levels = text.split(separator: "/", omittingEmptySubsequences: false)
    for (i, level) in levels.enumerated() {
      if level.contains("#") && (level != "#" || i != levels.count - 1) { return nil }
      if level.contains("+") && level != "+" { return nil }
    }
    self.text = text
    self.levels = levels
  }

  /// The filter as written.
  public var description: String { text }

  /// Whether a message published to `topic` matches. Wildcards at the first level do not match
  /// topics that start with `$` (such as `$SYS/…`), as in MQTT.
  public func matches(_ topic: String) -> Bool {
    if topic.hasPrefix("$"), let first = levels.first, first == "+" || first == "#" { return false }
    var topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)[...]
    for level in levels {
      if level == "#" { return true }
      guard let next = topicLevels.popFirst() else { return false }
      if level != "+" && level != next { return false }
    }
    return topicLevels.isEmpty
  }
}
