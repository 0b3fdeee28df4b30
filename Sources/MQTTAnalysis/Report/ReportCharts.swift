import MQTTCapture

/// A drawn chart: its SVG and the name of its file for `--svg DIR`.
public struct RenderedChart: Sendable {
  /// The file name without `.svg`: `temperatures`, `progress`, `rate`, `timeline`, `topic-1-…`.
  public var name: String
  /// Its heading.
  public var title: String
  /// The SVG document.
  public var svg: String
}

/// Turns what a `ReportBuilder` gathered into charts: temperatures (each heater's actual solid and target
/// dashed, one colour per heater, as the 2017 dashboard), progress, one chart per topic for its other numeric
/// fields, the message rate and the timeline. Series of a single value are not drawn.
public enum ReportCharts {
  /// Colours for lines and markers (Tableau 10).
  public static let palette = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  ]

  /// The charts of `report`, in the order the report shows them (timeline first, rate last); none when it
  /// holds no messages.
  public static func charts(_ report: ReportBuilder) -> [RenderedChart] {
    guard let start = report.first, let end = report.last else { return [] }
    let plotWidth = report.limits.plotWidth
    var out: [RenderedChart] = []
    if report.eventCount > 0 {
      var timeline = Timeline(rows: report.eventRows, states: report.stateChanges, start: start, end: end)
      timeline.plotWidth = Double(plotWidth)
      timeline.note =
        "\(formatCount(report.eventCount, "event")); a marker stands for those of one name close in time (hover: how many)."
      out.append(RenderedChart(name: "timeline", title: "Events and printer states", svg: timeline.svg()))
    }
    let drawn = report.series.filter { $0.data.count >= 2 }

    // Temperatures: one colour per heater.
    let temperatures = drawn.filter { if case .temperatures = $0.chart { true } else { false } }
    if !temperatures.isEmpty {
      var chart = TimeChart(name: "temperatures", title: "Temperatures", unit: "°C", start: start, end: end)
      var heaters: [String] = []
      for s in temperatures {
        guard case .temperatures(let heater, let target) = s.chart else { continue }
        let key = heater + " " + s.topic
        if !heaters.contains(key) { heaters.append(key) }
        let color = palette[heaters.firstIndex(of: key)! % palette.count]
        let sameHeater = temperatures.filter { t in
          if case .temperatures(let h, _) = t.chart { h == heater && t.topic != s.topic } else { false }
        }
        let who = sameHeater.isEmpty ? heater : s.topic
        chart.lines.append(
          TimeChart.Line(
            label: "\(who) \(target ? "target" : "actual")", points: s.data.points, color: color, dashed: target))
      }
      out.append(RenderedChart(name: chart.name, title: chart.title, svg: chart.svg(plotWidth: plotWidth)))
    }

    let progress = drawn.filter { $0.chart == .progress }
    if !progress.isEmpty {
      var chart = TimeChart(name: "progress", title: "Progress", unit: "%", start: start, end: end)
      for (i, s) in progress.enumerated() {
        let levels = s.topic.split(separator: "/")
        let label = (levels.last.map(String.init) ?? s.topic) + (s.path == "progress" ? "" : " " + s.path)
        chart.lines.append(TimeChart.Line(label: label, points: s.data.points, color: palette[i % palette.count]))
      }
      out.append(RenderedChart(name: chart.name, title: chart.title, svg: chart.svg(plotWidth: plotWidth)))
    }

    // The other fields, one chart per topic in order of first appearance.
    var topics: [String] = []
    var byTopic: [String: [NumericSeries]] = [:]
    for s in drawn where s.chart == .topic {
      if byTopic[s.topic] == nil { topics.append(s.topic) }
      byTopic[s.topic, default: []].append(s)
    }
    for (i, topic) in topics.enumerated() {
      let title = VisibleText.escape(topic, mode: .name)
      var chart = TimeChart(name: "topic-\(i + 1)-\(slug(topic))", title: title, unit: "", start: start, end: end)
      for (j, s) in byTopic[topic, default: []].enumerated() {
        chart.lines.append(
          TimeChart.Line(
            label: s.path.isEmpty ? "(value)" : s.path, points: s.data.points, color: palette[j % palette.count]))
      }
      out.append(RenderedChart(name: chart.name, title: title, svg: chart.svg(plotWidth: plotWidth)))
    }

    var rate = TimeChart(name: "rate", title: "Message rate", unit: "msg/s", start: start, end: end)
    let width = report.rate.columnWidth
    rate.bars = report.rate.buckets.map { bucket in
      let seconds = Double(width) / 1_000_000
      return TimeChart.Bar(
        start: bucket.start, end: Timestamp(microseconds: bucket.start.microseconds + width),
        value: Double(bucket.count) / seconds)
    }
    rate.note =
      "Messages per second in columns of \(duration(width)); \(formatCount(report.messages, "message")) in all."
    out.append(RenderedChart(name: "rate", title: "Message rate", svg: rate.svg(plotWidth: plotWidth)))
    return out
  }

  /// A topic as a file name part: letters, digits and `-`, at most 40 characters.
  static func slug(_ topic: String) -> String {
    var out = ""
    for c in topic.unicodeScalars {
      if out.count >= 40 { break }
      if ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) {
        out.unicodeScalars.append(c)
      } else if !out.hasSuffix("-") {
        out += "-"
      }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "topic" : out
  }

  /// `8.4 s`, `2 min 11 s`, `1.2 ms`.
  static func duration(_ microseconds: Int64) -> String {
    let s = Double(microseconds) / 1_000_000
    if s < 1 { return formatDecimal(s * 1000, places: 1) + " ms" }
    if s < 120 { return formatDecimal(s, places: 1) + " s" }
    if s < 7200 { return formatDecimal(s / 60, places: 1) + " min" }
    return formatDecimal(s / 3600, places: 1) + " h"
  }
}
