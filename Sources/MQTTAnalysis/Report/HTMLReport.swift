import MQTTCapture

/// The report as one self-contained HTML file: inline CSS and SVG, no script, no network, no external
/// fonts, printable. Everything a capture holds (topics, payloads, event names, file names) is made visible
/// (`VisibleText`) and escaped (`Markup`) before it is written.
public struct HTMLReport {
  /// The page's title and heading.
  public var title = "MQTT capture report"
  /// What `info` shows, per file.
  public var summaries: [CaptureSummary] = []
  /// The filters applied (`-t 'octoPrint/#' --since 10m`), shown under the summary; nil for none.
  public var filters: String?
  /// Sentences about the input (a file cut off), shown at the top.
  public var warnings: [String] = []
  /// The topic tree as rows (depth-first), for the topic tree section.
  public var topicTree: [TopicTreeRow] = []
  /// Levels of the topic tree not shown (beyond its first rows).
  public var treeRowsLeftOut = 0
  /// The inferred JSON Schema per topic, shown with the topic's sample.
  public var schemas: [String: TopicSchema] = [:]
  /// Who wrote it: `mqtt-dumper 0.1.0`.
  public var generator = "mqtt-dumper \(MQTTDumperVersion.string)"

  /// An empty report page.
  public init() {}

  /// The page for what `report` gathered, with `charts` (from `ReportCharts.charts`).
  public func render(_ report: ReportBuilder, charts: [RenderedChart]) -> String {
    var h = ""
    h.reserveCapacity(charts.reduce(64 * 1024) { $0 + $1.svg.utf8.count })
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    h += "<meta name=\"generator\" content=\"\(Markup.escape(generator))\">\n"
    h += "<title>\(Markup.escape(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n<main>\n"
    h += "<h1>\(Markup.escape(title))</h1>\n"
    h += "<p class=\"lead\">\(Markup.escape(formatCount(report.messages, "message")))"
    if let first = report.first, let last = report.last {
      h += " from \(ChartAxes.tooltipTime(first)) to \(ChartAxes.tooltipTime(last))"
    }
    if let filters { h += ", selected by <code>\(Markup.name(filters))</code>" }
    h += ".</p>\n"
    for warning in warnings { h += "<p class=\"warning\">\(Markup.name(warning))</p>\n" }
    h += "<nav><a href=\"#summary\">Summary</a> · <a href=\"#tree\">Topic tree</a> · <a href=\"#timeline\">Timeline</a>"
    h +=
      " · <a href=\"#charts\">Charts</a> · <a href=\"#rate\">Message rate</a> · <a href=\"#topics\">Topics</a></nav>\n"
    summarySection(&h)
    let anchors = Dictionary(
      report.samples.sorted { $0.topic < $1.topic }.enumerated().map { ($1.topic, "topic-\($0 + 1)") },
      uniquingKeysWith: { a, _ in a })
    treeSection(anchors, &h)
    let timeline = charts.filter { $0.name == "timeline" }
    let rate = charts.filter { $0.name == "rate" }
    let others = charts.filter { $0.name != "timeline" && $0.name != "rate" }
    h += "<section id=\"timeline\">\n<h2>Timeline</h2>\n"
    if timeline.isEmpty { h += "<p class=\"none\">No event messages (topics with an <code>event</code> level).</p>\n" }
    for chart in timeline { h += "<figure>\(chart.svg)</figure>\n" }
    h += "</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n"
    if others.isEmpty { h += "<p class=\"none\">No numeric field with more than one value.</p>\n" }
    for chart in others { h += "<figure>\(chart.svg)</figure>\n" }
    leftOutNote(report, &h)
    h += "</section>\n<section id=\"rate\">\n<h2>Message rate</h2>\n"
    for chart in rate { h += "<figure>\(chart.svg)</figure>\n" }
    h += "</section>\n"
    topicsSection(report, &h)
    h +=
      "<footer>Written by \(Markup.escape(generator)). Times are UTC. Charts keep each pixel column's smallest and largest value.</footer>\n"
    h += "</main>\n</body>\n</html>\n"
    return h
  }

  // MARK: - Sections

  private func summarySection(_ h: inout String) {
    h += "<section id=\"summary\">\n<h2>Summary</h2>\n"
    if summaries.isEmpty { h += "<p class=\"none\">No file read.</p>\n" }
    for s in summaries {
      let hd = s.header
      let name = s.path == "-" ? "standard input" : Markup.name(s.path)
      h += "<h3 class=\"file\">\(name)</h3>\n<table class=\"summary\">\n"
      func row(_ key: String, _ value: String) { h += "<tr><th>\(key)</th><td>\(value)</td></tr>\n" }
      row("format", "mqtt-dumper capture v\(hd.version), created \(Markup.name(hd.created)) by \(Markup.name(hd.tool))")
      let subs = hd.subscriptions.map { "<code>\(Markup.name($0.filter))</code> (QoS \($0.qos.rawValue))" }
      row(
        "broker",
        "\(Markup.name(hd.broker)), \(Markup.name(hd.protocolName)), subscribed to \(subs.isEmpty ? "nothing" : subs.joined(separator: ", "))"
      )
      if s.sessions > 1 { row("sessions", "\(s.sessions) (appended)") }
      row("messages", "\(formatCount(s.messages)) on \(formatCount(s.topics.count, "topic"))")
      if let first = s.first, let last = s.last {
        row(
          "time",
          "\(first.rfc3339) → \(last.rfc3339) (\(ReportCharts.duration(last.microseconds - first.microseconds)))")
      }
      row(
        "payloads",
        "\(formatBytes(s.payloadBytes)): \(formatCount(s.messages - s.binaryMessages)) UTF-8, \(formatCount(s.binaryMessages)) binary"
      )
      row(
        "flags",
        "QoS 0/1/2: \(s.messagesByQoS.map { formatCount($0) }.joined(separator: "/")), retained \(formatCount(s.retainedMessages)), with v5 properties \(formatCount(s.withProperties))"
      )
      if s.disconnections > 0 { row("connection", "lost \(formatCount(s.disconnections, "time")) during the capture") }
      row(
        "size",
        s.isCompressed
          ? "\(formatBytes(s.fileBytes)) gzip, \(formatBytes(s.uncompressedBytes)) of JSON Lines"
          : "\(formatBytes(s.fileBytes)) plain JSON Lines")
      row("complete", s.truncation == nil ? "yes" : "no, cut off")
      h += "</table>\n"
    }
    h += "</section>\n"
  }

  private func treeSection(_ anchors: [String: String], _ h: inout String) {
    h += "<section id=\"tree\">\n<h2>Topic tree</h2>\n"
    if topicTree.isEmpty {
      h += "<p class=\"none\">No topics.</p>\n"
    } else {
      h += "<table class=\"tree\">\n<tr><th>topic level</th><th>messages</th><th>topics</th><th>mean/s</th></tr>\n"
      for row in topicTree {
        let pad = String(repeating: "\u{2003}", count: min(row.depth, 24))
        let name = row.name.isEmpty ? "(empty)" : Markup.name(row.name)
        let label = row.isTopic ? "<code>\(name)</code>" : name
        let linked = anchors[row.path].map { "<a href=\"#\($0)\">\(label)</a>" } ?? label
        h += "<tr><td>\(pad)\(linked)</td>"
        h += "<td class=\"num\">\(formatCount(row.messages))</td><td class=\"num\">\(formatCount(row.topics))</td>"
        h += "<td class=\"num\">\(Markup.escape(row.rate))</td></tr>\n"
      }
      h += "</table>\n"
      if treeRowsLeftOut > 0 {
        h +=
          "<p class=\"note\">\(formatCount(treeRowsLeftOut, "more level")) not shown (<code>mqtt-dumper stats --tree</code> lists them all).</p>\n"
      }
      h +=
        "<p class=\"note\">Messages and topics at and below each level; mean/s over the whole capture's span. Topics in <code>code</code> had messages of their own; a link leads to the sample.</p>\n"
    }
    h += "</section>\n"
  }

  private func leftOutNote(_ report: ReportBuilder, _ h: inout String) {
    guard !report.seriesLeftOut.isEmpty else { return }
    let shown = report.seriesLeftOut.prefix(20).map { "<code>\(Markup.name($0))</code>" }
    let more = report.seriesLeftOut.count - shown.count
    h += "<p class=\"note\">Not charted (at most \(report.limits.seriesPerTopic) fields per topic and "
    h += "\(report.limits.series) in all; fields that never changed give their place up first): "
    h += shown.joined(separator: ", ")
    if report.seriesLeftOutOverflow {
      h += " and more than \(formatCount(more)) others"
    } else if more > 0 {
      h += " and \(formatCount(more, "other"))"
    }
    h += ".</p>\n"
  }

  private func topicsSection(_ report: ReportBuilder, _ h: inout String) {
    h += "<section id=\"topics\">\n<h2>Topics</h2>\n"
    var renderer = PayloadRenderer(maxBytes: report.limits.sampleBytes)
    renderer.cutHint = ""
    for (i, sample) in report.samples.sorted(by: { $0.topic < $1.topic }).enumerated() {
      h +=
        "<article class=\"topic\" id=\"topic-\(i + 1)\">\n<h3><code>\(Markup.name(sample.topic))</code></h3>\n<div class=\"pair\">\n"
      h +=
        "<div><p class=\"meta\">\(formatCount(sample.messages, "message")); a sample of \(formatCount(sample.totalBytes, "byte")):</p>\n"
      var out: [UInt8] = []
      sample.payload.withUnsafeBytes { _ = renderer.render($0, into: &out) }
      if sample.totalBytes > sample.payload.count {
        out += Array("\n… \(formatCount(sample.totalBytes - sample.payload.count)) more bytes not shown".utf8)
      }
      h +=
        "<pre class=\"payload\">\(Markup.escape(VisibleText.escape(String(decoding: out, as: UTF8.self), mode: .text), quotes: false))</pre></div>\n"
      if let schema = schemas[sample.topic] {
        var json: [UInt8] = []
        JSONWriter.append(schema.schema, to: &json)
        let text = String(decoding: json, as: UTF8.self)
        let pretty = (try? JSONFormatter().format(text)) ?? text
        let channel = schema.channel == sample.topic ? "" : " (channel <code>\(Markup.name(schema.channel))</code>)"
        h += "<div><p class=\"meta\">Inferred JSON Schema\(channel):</p>\n"
        h +=
          "<pre class=\"schema\">\(Markup.escape(VisibleText.escape(pretty, mode: .text), quotes: false))</pre></div>\n"
      }
      h += "</div>\n</article>\n"
    }
    if report.topicsWithoutSample > 0 {
      h +=
        "<p class=\"note\">\(formatCount(report.topicsWithoutSample, "more topic")) without a sample (the first \(formatCount(report.samples.count)) topics have one).</p>\n"
    }
    h += "</section>\n"
  }

  static let css = """
    :root { color-scheme: light; }
    body { margin: 0; background: #f6f7f9; color: #1f2328; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 860px; margin: 0 auto; padding: 24px 28px 40px; background: #fff; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d8dde3; }
    h3 { font-size: 14px; margin: 18px 0 6px; }
    .lead { color: #57606a; margin: 0 0 8px; }
    nav { font-size: 13px; margin: 8px 0 4px; }
    nav a, table.tree a { color: #0969da; text-decoration: none; }
    code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
    code { overflow-wrap: anywhere; }
    pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 4px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 28em; overflow-y: auto; }
    table { border-collapse: collapse; margin: 4px 0 10px; }
    th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid #eef0f2; }
    th { color: #57606a; font-weight: 500; white-space: nowrap; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; padding-left: 16px; }
    table.tree th:not(:first-child) { text-align: right; padding-left: 16px; }
    figure { margin: 10px 0 18px; }
    svg.chart { display: block; max-width: 100%; height: auto; }
    .warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 4px; }
    .note, .meta, .none, footer { color: #57606a; font-size: 13px; }
    .meta { margin: 0 0 4px; }
    .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 0 14px; }
    .pair pre { margin-top: 0; }
    footer { margin-top: 32px; border-top: 1px solid #d8dde3; padding-top: 8px; }
    @media print {
      body { background: #fff; }
      main { max-width: none; padding: 0; }
      nav { display: none; }
      figure, article.topic, table.summary { break-inside: avoid; }
      h2 { break-after: avoid; }
      pre { max-height: none; overflow: visible; }
    }

    """
}

/// One row of the topic tree: a level, how deep it is, and its traffic (itself and below).
public struct TopicTreeRow: Sendable {
  /// 0 for a first level.
  public var depth: Int
  /// The level's name.
  public var name: String
  /// The topic up to and with this level (`octoPrint/temperature`).
  public var path: String
  /// Whether messages were published to exactly this topic.
  public var isTopic: Bool
  /// Messages on it and below.
  public var messages: Int
  /// Topics at and below it.
  public var topics: Int
  /// Its rate, formatted (`0.42`).
  public var rate: String

  /// A row.
  public init(depth: Int, name: String, path: String, isTopic: Bool, messages: Int, topics: Int, rate: String) {
    self.depth = depth
    self.name = name
    self.path = path
    self.isTopic = isTopic
    self.messages = messages
    self.topics = topics
    self.rate = rate
  }
}

/// A topic's inferred schema and the channel it belongs to (`octoPrint/temperature/+`).
public struct TopicSchema: Sendable {
  /// The channel's filter; the topic itself when it is a channel of its own.
  public var channel: String
  /// The JSON Schema.
  public var schema: JSONValue

  /// A topic's schema.
  public init(channel: String, schema: JSONValue) {
    self.channel = channel
    self.schema = schema
  }
}
