import MQTTCapture

/// `mqtt-dumper stats` as text: a summary of all the traffic, a table with a line per topic and the topic
/// tree. Topics go through `VisibleText` (a capture cannot drive the terminal) and are cut after
/// `nameLimit` characters; they come last on each line, so the numbers line up whatever their length.
public struct StatisticsText {
  /// Longer names are cut, saying how much was left out.
  public var nameLimit: Int
  /// Whether every time is shown with its date: when the traffic spans more than one UTC day.
  private let withDate: Bool

  /// A renderer for `statistics`' times.
  public init(_ statistics: TrafficStatistics, nameLimit: Int = 200) {
    self.nameLimit = nameLimit
    let first = statistics.totals.first?.rfc3339.prefix(10)
    withDate = first != statistics.totals.last?.rfc3339.prefix(10)
  }

  /// The summary of all the traffic, a few lines (no final newline).
  public func summary(_ statistics: TrafficStatistics) -> String {
    let t = statistics.totals
    guard let first = t.first, let last = t.last else { return "No messages." }
    var lines = [
      "\(formatCount(t.messages, "message")) on \(formatCount(statistics.topicCount, "topic")), "
        + "\(first.rfc3339) → \(last.rfc3339) (\(Self.duration(t.span)))"
    ]
    let peak = t.peakSecond.map { " (the second from \(time($0)))" } ?? ""
    lines.append("  rate             mean \(Self.rate(t.meanRate))/s, peak \(formatCount(t.peakRate))/s\(peak)")
    lines.append(
      "  payload bytes    \(formatCount(t.payloadBytes)) in all; min \(count(t.minBytes)), "
        + "median \(count(t.medianBytes)), max \(count(t.maxBytes))")
    lines.append("  longest silence  \(silence(t.longestSilence, to: true))")
    lines.append(
      "  QoS 0/1/2        \(t.messagesByQoS.map { formatCount($0) }.joined(separator: "/")), "
        + "retained \(formatCount(t.retained))")
    return lines.joined(separator: "\n")
  }

  /// The table of `topics`, a header line and a line per topic (no final newline).
  public func table(_ topics: [TopicStatistics]) -> String {
    let header = [
      "messages", "mean/s", "peak/s", "min B", "median B", "max B", "longest silence", "QoS 0/1/2", "retained",
      "first", "last",
    ]
    let leftAligned: Set = [6, 9, 10]
    let rows = topics.map { t in
      [
        formatCount(t.messages), Self.rate(t.meanRate), formatCount(t.peakRate), count(t.minBytes),
        count(t.medianBytes), count(t.maxBytes), silence(t.longestSilence, to: false),
        t.messagesByQoS.map { formatCount($0) }.joined(separator: "/"), formatCount(t.retained),
        t.first.map(time) ?? "–", t.last.map(time) ?? "–",
      ]
    }
    let names = topics.map { VisibleText.name($0.topic, limit: nameLimit) }
    return Self.align([header] + rows, names: ["topic"] + names, leftAligned: leftAligned)
  }

  /// The topic tree, a header line and a line per level, indented by depth (no final newline). Past 32
  /// levels the indentation stops growing and the line says its level.
  public func tree(_ tree: TopicTree) -> String {
    let header = ["messages", "own", "topics", "mean/s"]
    var rows: [[String]] = [header]
    var names = ["topic level"]
    for node in tree.nodes {
      rows.append([
        formatCount(node.messages), formatCount(node.ownMessages), formatCount(node.topics), Self.rate(node.meanRate),
      ])
      let indent = String(repeating: "  ", count: min(node.depth, 32))
      let deep = node.depth >= 32 ? "[level \(node.depth + 1)] " : ""
      let name = node.name.isEmpty ? "(empty)" : VisibleText.name(node.name, limit: nameLimit)
      names.append(indent + deep + name)
    }
    return Self.align(rows, names: names, leftAligned: [])
  }

  // MARK: - Pieces

  /// Columns padded to their widest cell, then the name: numbers right-aligned, `leftAligned` columns left.
  private static func align(_ rows: [[String]], names: [String], leftAligned: Set<Int>) -> String {
    var widths = [Int](repeating: 0, count: rows.first?.count ?? 0)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    var lines: [String] = []
    for (row, name) in zip(rows, names) {
      var line = ""
      for (i, cell) in row.enumerated() {
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        line += leftAligned.contains(i) ? cell + pad : pad + cell
        line += "  "
      }
      lines.append(line + name)
    }
    return lines.joined(separator: "\n")
  }

  private func count(_ n: Int?) -> String { n.map { formatCount($0) } ?? "–" }

  /// `11:47:36` (UTC), or `2025-11-25 11:47:36` when the traffic spans days.
  private func time(_ t: Timestamp) -> String {
    let text = t.rfc3339  // 2025-11-25T11:47:36.123456Z
    let clock = String(text.dropFirst(11).prefix(8))
    return withDate ? String(text.prefix(10)) + " " + clock : clock
  }

  private func silence(_ s: TopicStatistics.Silence?, to: Bool) -> String {
    guard let s else { return "–" }
    return "\(Self.duration(s.seconds)) from \(time(s.from))" + (to ? " to \(time(s.to))" : "")
  }

  /// A rate with two decimals (`0.05`, `12.00`), `–` when there is none.
  static func rate(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "–" }
    let hundredths = Int64((value * 100).rounded())
    let cents = hundredths % 100
    return "\(formatCount(hundredths / 100)).\(cents < 10 ? "0" : "")\(cents)"
  }

  /// `4.25s`, `12.5s`, `3m 05s`, `1h 02m 03s`, as the rest of the tool writes durations.
  static func duration(_ seconds: Double) -> String {
    if seconds < 60 { return "\(formatDecimal(seconds, places: seconds < 10 ? 2 : 1))s" }
    let total = Int(seconds.rounded())
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return h > 0 ? "\(h)h \(two(m))m \(two(s))s" : "\(m)m \(two(s))s"
  }
}
