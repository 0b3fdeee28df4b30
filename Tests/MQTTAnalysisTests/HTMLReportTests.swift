import MQTTCapture
import Testing

@testable import MQTTAnalysis

@Suite("HTML report") struct HTMLReportTests {
  private func message(_ second: Int64, _ topic: String, _ payload: String) -> CapturedMessage {
    CapturedMessage(
      timestamp: Timestamp(microseconds: (1_764_064_800 + second) * 1_000_000), topic: topic,
      payload: Array(payload.utf8))
  }

  private func page(_ messages: [CapturedMessage], limits: ReportLimits = ReportLimits()) -> (ReportBuilder, String) {
    var builder = ReportBuilder(limits: limits)
    for m in messages { builder.add(m) }
    let charts = ReportCharts.charts(builder)
    return (builder, HTMLReport().render(builder, charts: charts))
  }

  @Test("fields that never change give their place up: a varying field after 60 constant topics is charted")
  func constantsGiveWay() {
    var messages: [CapturedMessage] = []
    for i in 0..<60 {
      messages.append(message(Int64(i), "const/\(i)", #"{"k": 1}"#))
      messages.append(message(Int64(i) + 100, "const/\(i)", #"{"k": 1}"#))
    }
    for i in 0..<100 { messages.append(message(200 + Int64(i), "zz/real", #"{"temp": \#(20 + i % 7)}"#)) }
    let (builder, html) = page(messages)
    #expect(builder.series.contains { $0.topic == "zz/real" && $0.path == "temp" && $0.varies })
    #expect(builder.series.count == 40)
    #expect(builder.seriesLeftOut.count == 21)  // 60 constants and the real one took 40 places: 21 gave theirs up
    #expect(!builder.seriesLeftOut.contains("zz/real temp"))
    #expect(html.contains("and 1 other."))
  }

  @Test("hostile topics, event names and payloads cannot add markup, scripts or reorder the page")
  func hostileTextIsEscaped() {
    let evil = "x</svg><script>alert(1)</script>\u{1B}[31m\u{202E}gnp.exe\u{7F}\u{9B}'\"&"
    let (_, html) = page([
      message(
        0, "dev/\(evil)/event/\(evil)",
        #"{"_event": "\#(evil.replacingOccurrences(of: "\u{1B}", with: "\\u001b").replacingOccurrences(of: "\"", with: "\\\""))", "n": 1}"#
      ),
      message(1, "dev/\(evil)", "\(evil) 5"),
      message(2, "sensor/\(evil)", "21.5"),
      message(3, "sensor/\(evil)", "22.5"),
      message(
        4, "octoPrint/event/PrinterStateChanged",
        #"{"state_id": "</svg><script>", "state_string": "<b>x</b>", "_event": "PrinterStateChanged"}"#),
    ])
    #expect(!html.contains("<script"))
    #expect(!html.contains("<b>"))
    #expect(!html.contains("\u{1B}"))
    #expect(!html.contains("\u{202E}"))
    #expect(!html.contains("\u{7F}"))
    #expect(!html.contains("\u{9B}"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains(#"\x1b[31m\u{202E}gnp.exe\x7f\u{9B}"#))
    // Every <svg> opened is one chart, closed once: nothing captured closed one early.
    let opened = html.components(separatedBy: "<svg ").count - 1
    let closed = html.components(separatedBy: "</svg>").count - 1
    #expect(opened == closed)
    #expect(opened == 3)  // the timeline, the sensor's chart and the message rate
  }

  @Test("Markup escapes markup, bidi overrides and controls, and keeps other text")
  func markupEscape() {
    #expect(Markup.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(Markup.escape(#"say "hi""#, quotes: false) == #"say "hi""#)
    #expect(Markup.escape("a\u{202E}b\u{2066}c\u{FFFF}") == #"a\u{202E}b\u{2066}c\u{FFFF}"#)
    #expect(Markup.escape("grüße 🙂 \u{200D}") == "grüße 🙂 \u{200D}")
    #expect(Markup.name("a\nb\u{1B}\u{200B}") == #"a\nb\x1b\u{200B}"#)
  }

  @Test("OctoPrint temperatures go on one chart, actual solid and target dashed; progress on its own")
  func octoPrintCharts() {
    var messages: [CapturedMessage] = []
    for s in 0..<10 {
      messages.append(
        message(
          Int64(s), "octoPrint/temperature/tool0", #"{"actual": \#(20 + s * 10), "target": 210.0, "_timestamp": 1}"#))
      messages.append(
        message(Int64(s), "octoPrint/temperature/bed", #"{"actual": \#(20 + s), "target": 60, "_timestamp": 1}"#))
      messages.append(message(Int64(s), "octoPrint/progress/printing", #"{"progress": \#(s * 10), "_timestamp": 1}"#))
    }
    let (builder, html) = page(messages)
    let charts = ReportCharts.charts(builder)
    #expect(charts.map(\.name) == ["temperatures", "progress", "rate"])
    let temperatures = charts[0].svg
    for label in ["tool0 actual", "tool0 target", "bed actual", "bed target"] {
      #expect(temperatures.contains(#"data-series="\#(label)""#))
    }
    #expect(temperatures.components(separatedBy: #"stroke-dasharray="6 4" points="#).count - 1 == 2)
    #expect(!temperatures.contains("_timestamp"))
    #expect(html.contains("<h2>Charts</h2>"))
  }

  @Test("series beyond the limits are named as left out, not drawn")
  func seriesLimits() {
    var limits = ReportLimits()
    limits.seriesPerTopic = 2
    limits.series = 3
    let messages = (0..<2).flatMap { s in
      [
        message(Int64(s), "a", #"{"x": 1, "y": 2, "z": 3}"#),
        message(Int64(s), "b", #"{"p": 1, "q": 2}"#),
      ]
    }
    let (builder, html) = page(messages, limits: limits)
    #expect(builder.series.map { "\($0.topic) \($0.path)" } == ["a x", "a y", "b p"])
    #expect(builder.seriesLeftOut == ["a z", "b q"])
    #expect(html.contains("<code>a z</code>, <code>b q</code>"))
  }

  @Test("events become markers and PrinterStateChanged state bands")
  func timeline() {
    let (builder, _) = page([
      message(
        0, "octoPrint/event/PrinterStateChanged",
        #"{"state_id": "OPERATIONAL", "state_string": "Operational", "_event": "PrinterStateChanged"}"#),
      message(5, "octoPrint/event/PrintStarted", #"{"name": "a.gcode", "_event": "PrintStarted"}"#),
      message(
        6, "octoPrint/event/PrinterStateChanged",
        #"{"state_id": "PRINTING", "state_string": "Printing", "_event": "PrinterStateChanged"}"#),
      message(9, "lab/event/door", "open"),
    ])
    #expect(builder.eventRows.map(\.name) == ["PrinterStateChanged", "PrintStarted", "door"])
    #expect(builder.eventRows.map(\.marks.count) == [2, 1, 1])
    #expect(builder.eventCount == 4)
    #expect(builder.stateChanges.map(\.state) == ["OPERATIONAL", "PRINTING"])
    let svg = ReportCharts.charts(builder)[0].svg
    #expect(svg.components(separatedBy: #"<rect class="state""#).count - 1 == 2)
    #expect(svg.components(separatedBy: #"<circle class="event""#).count - 1 == 4)
    #expect(svg.contains("<title>PrintStarted — 2025-11-25 10:00:05.000 UTC</title>"))
  }

  @Test("a million events on few rows stay a marker per column; names beyond the rows share one")
  func manyEvents() {
    var limits = ReportLimits()
    limits.eventRows = 2
    limits.timelineColumns = 100
    var builder = ReportBuilder(limits: limits)
    for i in 0..<200_000 {
      builder.add(message(Int64(i), "x/event/E\(i % 5)", "{}"))
    }
    #expect(builder.eventRows.map(\.name) == ["E0", "E1", nil])
    #expect(builder.eventRows.map(\.marks.count) == [40_000, 40_000, 120_000])
    let svg = ReportCharts.charts(builder)[0].svg
    let markers = svg.components(separatedBy: #"<circle class="event""#).count - 1
    #expect(markers > 150 && markers <= 300)
    #expect(svg.contains("other events"))
  }
}
