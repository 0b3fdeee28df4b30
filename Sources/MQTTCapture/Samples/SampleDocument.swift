/// Turns a capture into a document of every topic with a description and sample payloads, formatted
/// like the 2017 OctoPrint MQTT events document. What the topics are comes from the catalog it is given.
public struct SampleDocument {
  /// What was seen on one topic.
  public struct TopicSamples {
    /// The topic.
    public var topic: String
    /// Its family and description, from the catalog.
    public var info: TopicDescription
    /// Messages seen on it.
    public var messages = 0
    /// Distinct payloads in the order first seen (at most `SampleDocument.maxDistinct`).
    public var distinct: [[UInt8]] = []
    fileprivate var seen: Set<[UInt8]> = []
  }

  /// How many distinct payloads are kept per topic to choose variants from: bounds the memory.
  public static let maxDistinct = 200

  /// Every topic seen, in order of first appearance.
  public var topics: [TopicSamples] = []
  private var byTopic: [String: Int] = [:]
  /// Messages added, all topics together.
  public private(set) var messages = 0
  /// The first message's time; nil until a message is added.
  public private(set) var first: Timestamp?
  /// The last message's time; nil until a message is added.
  public private(set) var last: Timestamp?
  /// Families, descriptions and order of the topics.
  public let catalog: any TopicCatalog

  /// An empty document.
  /// - Parameter catalog: what the topics are; by default, what their names say.
  public init(catalog: any TopicCatalog = DerivedTopicCatalog()) {
    self.catalog = catalog
  }

  /// Adds a message.
  public mutating func add(_ m: CapturedMessage) {
    messages += 1
    if first == nil { first = m.timestamp }
    last = m.timestamp
    let i: Int
    if let existing = byTopic[m.topic] {
      i = existing
    } else {
      i = topics.count
      byTopic[m.topic] = i
      topics.append(TopicSamples(topic: m.topic, info: catalog.describe(m.topic)))
    }
    topics[i].messages += 1
    if topics[i].distinct.count < Self.maxDistinct, !topics[i].seen.contains(m.payload) {
      topics[i].seen.insert(m.payload)
      topics[i].distinct.append(m.payload)
    }
  }

  /// Topics grouped by family: the catalog's families first, in its order, then others as first seen.
  public func families() -> [(family: String, topics: [TopicSamples])] {
    var order: [String] = []
    var groups: [String: [TopicSamples]] = [:]
    for t in topics {
      if groups[t.info.family] == nil { order.append(t.info.family) }
      groups[t.info.family, default: []].append(t)
    }
    let familyOrder = catalog.familyOrder
    let known = familyOrder.filter { groups[$0] != nil }
    let others = order.filter { !familyOrder.contains($0) }
    return (known + others).map { family in
      let members = groups[family]!.enumerated().sorted { a, b in
        let ra = catalog.rank(a.element.topic) ?? Int.max
        let rb = catalog.rank(b.element.topic) ?? Int.max
        return ra != rb ? ra < rb : a.offset < b.offset
      }.map(\.element)
      return (family, members)
    }
  }

  /// Up to `count` payloads of a topic that show how it varies: the first one seen, then each time the
  /// one that differs most from those chosen, in the top-level fields of JSON objects that take several
  /// values. Fields with a different value in every payload kept (timestamps, counters) do not count, so
  /// they don't decide.
  public static func variants(of samples: TopicSamples, count: Int) -> [[UInt8]] {
    let candidates = samples.distinct
    guard count > 1, candidates.count > 1 else { return Array(candidates.prefix(1)) }
    // Top-level fields of each JSON object payload, as compact text.
    let fields: [[String: String]?] = candidates.map { payload in
      guard let value = payload.withUnsafeBytes({ try? JSONParser.parse($0, maxDepth: 64) }),
        case .object(let members) = value
      else { return nil }
      var d: [String: String] = [:]
      for m in members where d[m.key] == nil {
        var out: [UInt8] = []
        JSONWriter.append(m.value, to: &out)
        d[m.key] = String(decoding: out, as: UTF8.self)
      }
      return d
    }
    var distinctValues: [String: Set<String>] = [:]
    for f in fields.compactMap({ $0 }) {
      for (k, v) in f { distinctValues[k, default: []].insert(v) }
    }
    let objects = fields.compactMap { $0 }.count
    // Weight: how many values a field takes, unless every JSON object payload has a value of its own.
    let weight: [String: Int] = distinctValues.mapValues { values in
      values.count >= max(2, objects) ? 0 : values.count - 1
    }
    var chosen = [0]
    while chosen.count < min(count, candidates.count) {
      var best: (index: Int, score: Int)?
      for i in candidates.indices where !chosen.contains(i) {
        var score = 0
        if let f = fields[i] {
          for (k, v) in f {
            let w = weight[k] ?? 0
            if w > 0, !chosen.contains(where: { fields[$0]?[k] == v }) { score += w }
          }
        } else {
          score = 1
        }
        if best == nil || score > best!.score { best = (i, score) }
      }
      guard let pick = best else { break }
      chosen.append(pick.index)
    }
    return chosen.map { candidates[$0] }
  }

  /// Options for `markdown`.
  public struct Style {
    /// A level-1 heading at the top; nil for none.
    public var title: String?
    /// A paragraph under the title; nil for none.
    public var intro: String?
    /// Each topic's description before its name; false for the name alone.
    public var descriptions = true
    /// Up to how many distinct payloads to show per topic (see `variants(of:count:)`); 1 by default.
    public var variants = 1
    /// Rewrite absolute paths in JSON strings as `"/.../name.gcode"`, as the 2017 document does.
    public var redactPaths = false
    /// Show at most this many bytes of a payload; nil for all.
    public var maxBytes: Int? = 4096
    /// Said after the count of bytes left out of a payload (see `PayloadRenderer.cutHint`).
    public var cutHint = ""
    /// The default style: no title, descriptions, one sample per topic, paths as they are.
    public init() {}
  }

  /// The Markdown document: `## Family`, then per topic `Description: \`topic\`` and a fenced block.
  ///
  /// What the capture holds cannot change the document's structure: topics are code spans with enough
  /// backticks, payloads sit in fences longer than any run of backticks in them, families and descriptions
  /// have Markdown's and HTML's special characters escaped, and controls are made visible (`VisibleText`).
  public func markdown(_ style: Style) -> String {
    var out = ""
    if let title = style.title { out += "# \(title)\n\n" }
    if let intro = style.intro { out += "\(intro)\n\n" }
    let formatter = JSONFormatter(redactPaths: style.redactPaths)
    var renderer = PayloadRenderer(formatter: formatter, maxBytes: style.maxBytes)
    renderer.cutHint = style.cutHint
    for (family, members) in families() {
      out += "## \(Self.markdownText(family))\n"
      for t in members {
        let topic = Self.codeSpan(t.topic)
        out += style.descriptions ? "\(Self.markdownText(t.info.description)): \(topic)\n\n" : "\(topic)\n\n"
        let chosen = Self.variants(of: t, count: style.variants)
        var blocks: [String] = []
        var allJSON = true
        for payload in chosen {
          var bytes: [UInt8] = []
          let kind = payload.withUnsafeBytes { renderer.render($0, into: &bytes) }
          if kind != .json { allJSON = false }
          blocks.append(String(decoding: bytes, as: UTF8.self))
        }
        let content = blocks.joined(separator: "\n\n")
        let fence = String(repeating: "`", count: max(3, Self.longestBacktickRun(content) + 1))
        out += "\(fence)\(allJSON ? "json" : "")\n" + content + "\n\(fence)\n\n"
      }
    }
    return out
  }

  /// `text` as a Markdown code span, shown exactly: delimited by more backticks than it holds in a row, and
  /// padded with a space where it starts or ends with a backtick (or with a space at both ends).
  public static func codeSpan(_ text: String) -> String {
    let visible = VisibleText.escape(text)
    let delimiter = String(repeating: "`", count: longestBacktickRun(visible) + 1)
    let pad =
      visible.hasPrefix("`") || visible.hasSuffix("`")
        || (visible.hasPrefix(" ") && visible.hasSuffix(" ") && visible.contains { $0 != " " })
      ? " " : ""
    return delimiter + pad + visible + pad + delimiter
  }

  /// `text` as Markdown text that shows exactly that: HTML's special characters as entities, and Markdown's
  /// inline syntax (code, emphasis, links) escaped with backslashes.
  public static func markdownText(_ text: String) -> String {
    var out = ""
    for c in VisibleText.escape(text) {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\\", "`", "*", "_", "[", "]": out += "\\\(c)"
      default: out.append(c)
      }
    }
    return out
  }

  private static func longestBacktickRun(_ text: String) -> Int {
    var longest = 0
    var run = 0
    for b in text.utf8 {
      run = b == UInt8(ascii: "`") ? run + 1 : 0
      longest = max(longest, run)
    }
    return longest
  }

  /// The same content for tools: `[{"topic","family","description","messages","samples":[…]}]`, where a
  /// JSON payload is embedded as its JSON value (literals untouched) and any other as a string or base64.
  /// DEL, C1 controls and the characters that reorder or hide text are written as `\u` escapes (`VisibleText`).
  public func json(variants: Int, descriptions: Bool = true) -> String {
    var out: [UInt8] = Array("[".utf8)
    var firstTopic = true
    for (_, members) in families() {
      for t in members {
        out.append(contentsOf: (firstTopic ? "\n  " : ",\n  ").utf8)
        firstTopic = false
        out.append(contentsOf: #"{"topic":"#.utf8)
        JSONWriter.appendString(t.topic, to: &out)
        out.append(contentsOf: #","family":"#.utf8)
        JSONWriter.appendString(t.info.family, to: &out)
        if descriptions {
          out.append(contentsOf: #","description":"#.utf8)
          JSONWriter.appendString(t.info.description, to: &out)
        }
        out.append(contentsOf: #","messages":\#(t.messages),"samples":["#.utf8)
        for (i, payload) in Self.variants(of: t, count: variants).enumerated() {
          if i > 0 { out.append(UInt8(ascii: ",")) }
          if let value = payload.withUnsafeBytes({ try? JSONParser.parse($0, maxDepth: 512) }) {
            JSONWriter.append(value, to: &out)
          } else if isValidUTF8(payload) {
            payload.withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
          } else {
            out.append(contentsOf: #"{"base64":""#.utf8)
            payload.withUnsafeBytes { Base64.encode($0, to: &out) }
            out.append(contentsOf: #""}"#.utf8)
          }
        }
        out.append(contentsOf: "]}".utf8)
      }
    }
    out.append(contentsOf: "\n]\n".utf8)
    VisibleText.escapeControlsInJSON(&out, hidden: true)
    return String(decoding: out, as: UTF8.self)
  }
}
