/// What a topic is, for the sample document: the family it is listed under and a one-line description.
public struct TopicDescription: Sendable, Equatable {
  /// The section the topic is listed under.
  public var family: String
  /// One line saying what the topic carries.
  public var description: String

  /// A description as given.
  public init(family: String, description: String) {
    self.family = family
    self.description = description
  }

  /// What the name alone says: the family is the first two levels of a topic with three or more
  /// (`home/printer/power` → `home/printer`), else the first level; the description is the last level in
  /// words (`Power`).
  public static func derived(from topic: String) -> TopicDescription {
    let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
    let family = levels.count > 2 ? levels.prefix(2).joined(separator: "/") : (levels.first.map(String.init) ?? topic)
    return TopicDescription(family: family, description: humanize(levels.last ?? Substring(topic)))
  }

  /// A name in words: `PrinterStateChanged` → `Printer state changed`, `plugin_achievements_x` →
  /// `Plugin achievements x`; all-capital words (`MQTT`) are kept.
  public static func humanize(_ name: Substring) -> String {
    var words: [String] = []
    var current = ""
    var previous: Character?
    for c in name {
      if c == "_" || c == "-" || c == " " {
        if !current.isEmpty { words.append(current) }
        current = ""
      } else if c.isUppercase, let p = previous, p.isLowercase || p.isNumber {
        words.append(current)
        current = String(c)
      } else {
        current.append(c)
      }
      previous = c
    }
    if !current.isEmpty { words.append(current) }
    guard !words.isEmpty else { return String(name) }
    let lowered = words.enumerated().map { i, w in
      i == 0 ? w.prefix(1).uppercased() + w.dropFirst() : (w.allSatisfy(\.isUppercase) ? w : w.lowercased())
    }
    return lowered.joined(separator: " ")
  }
}
