/// Rewrites topics for replay: `--map 'octoPrint/#=lab/printer-2/#'` rules, then an optional prefix.
///
/// In a rule, `+` in the source captures one level and `#` the rest; in the target they are filled
/// in with what was captured, in order. The first matching rule wins; topics no rule matches keep
/// their name. The prefix (`--prefix sim/`) is added last.
public struct TopicMap: Sendable, Equatable {
  /// One `--map SOURCE=TARGET` rule.
  public struct Rule: Sendable, Equatable {
    /// The topics the rule applies to; its `+` and `#` capture levels.
    public let source: TopicFilter
    /// The levels of the new topic: literal, or `+`/`#` to fill in with what the source captured.
    public let target: [Substring]

    /// Parses `SOURCE=TARGET`. Nil when it is not of that form, the source is not a valid filter, or
    /// the target uses a wildcard the source does not capture.
    public init?(_ text: String) {
      guard let eq = text.firstIndex(of: "=") else { return nil }
      let src = String(text[..<eq])
      let dst = text[text.index(after: eq)...]
      guard let filter = TopicFilter(src), !dst.isEmpty else { return nil }
      let srcLevels = src.split(separator: "/", omittingEmptySubsequences: false)
      let dstLevels = dst.split(separator: "/", omittingEmptySubsequences: false)
      let plusIn = srcLevels.filter { $0 == "+" }.count
      let plusOut = dstLevels.filter { $0 == "+" }.count
      let hashIn = srcLevels.last == "#"
      let hashOut = dstLevels.contains("#")
      guard plusOut <= plusIn, !hashOut || (hashIn && dstLevels.last == "#") else { return nil }
      guard
        dstLevels.allSatisfy({ !$0.contains("+") || $0 == "+" })
          && dstLevels.allSatisfy({ !$0.contains("#") || $0 == "#" })
      else { return nil }
      source = filter
      target = dstLevels
    }

    /// The rewritten topic, or nil when the rule does not match.
    public func apply(_ topic: String) -> String? {
      guard source.matches(topic) else { return nil }
      let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
      let srcLevels = source.text.split(separator: "/", omittingEmptySubsequences: false)
      var plus: [Substring] = []
      var rest: [Substring] = []
      for (i, level) in srcLevels.enumerated() {
        if level == "+" { plus.append(levels[i]) }
        if level == "#" { rest = Array(levels[i...]) }
      }
      var out: [Substring] = []
      var nextPlus = 0
      for level in target {
        if level == "+" {
          out.append(plus[nextPlus])
          nextPlus += 1
        } else if level == "#" {
          out.append(contentsOf: rest)
        } else {
          out.append(level)
        }
      }
      return out.joined(separator: "/")
    }
  }

  /// The rules, tried in order; the first that matches rewrites the topic.
  public var rules: [Rule] = []
  /// Put in front of every topic after the rules (`sim/`, slash included); nil for none.
  public var prefix: String?

  /// A map of `rules` and `prefix`; with neither, topics stay as they are.
  public init(rules: [Rule] = [], prefix: String? = nil) {
    self.rules = rules
    self.prefix = prefix
  }

  /// Whether the map leaves every topic as it is (no rule, no prefix).
  public var isIdentity: Bool { rules.isEmpty && prefix == nil }

  /// The topic a message recorded on `topic` is replayed to.
  public func rewrite(_ topic: String) -> String {
    var result = topic
    for rule in rules {
      if let mapped = rule.apply(topic) {
        result = mapped
        break
      }
    }
    if let prefix { result = prefix + result }
    return result
  }
}
