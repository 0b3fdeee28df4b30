import MQTTCapture

/// The timeline of a capture, drawn as SVG: printer states as coloured bands, and every event message as a
/// marker in the row of its name (hover shows name and time).
public struct Timeline: Sendable {
  /// The events, a row per name.
  public var rows: [EventRow]
  /// The printer state changes, in time order.
  public var states: [StateChange]
  /// The time axis.
  public var start: Timestamp
  /// The end of the time axis.
  public var end: Timestamp
  /// A sentence under the chart (what was left out).
  public var note: String?
  /// Width of the plotting area in pixels (that of the other charts, so that their times line up).
  public var plotWidth = 630.0

  /// A timeline of `events` and `states` over `start...end`.
  public init(rows: [EventRow], states: [StateChange], start: Timestamp, end: Timestamp) {
    self.rows = rows
    self.states = states.sorted { $0.time < $1.time }
    self.start = start
    self.end = end
  }

  static let left = TimeChart.left

  /// OctoPrint's states in colours that say what they mean; others get one from the palette.
  static let stateColors: [String: String] = [
    "OPERATIONAL": "#59a14f", "PRINTING": "#4e79a7", "PAUSED": "#edc948", "PAUSING": "#edc948",
    "RESUMING": "#76b7b2", "CANCELLING": "#f28e2b", "FINISHING": "#76b7b2", "ERROR": "#e15759",
    "CLOSED_WITH_ERROR": "#e15759", "OFFLINE": "#bab0ac", "CLOSED": "#bab0ac", "OPEN_SERIAL": "#c7c7c7",
    "DETECT_SERIAL": "#c7c7c7", "CONNECTING": "#9c9c9c", "STARTING": "#76b7b2",
  ]

  /// The colour of a printer state.
  static func color(ofState state: String) -> String {
    if let known = stateColors[state] { return known }
    let hash = state.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF }
    return ReportCharts.palette[hash % ReportCharts.palette.count]
  }

  /// The timeline as a standalone SVG document (also valid inline in HTML).
  public func svg() -> String {
    let laneCount = rows.count
    let stateLane = states.isEmpty ? 0.0 : 26.0
    let top = 36.0
    let lanesTop = top + stateLane
    let plotBottom = lanesTop + Double(laneCount) * 16 + 4
    let legendStates = distinctStates()
    let legendRows = (legendStates.count + 4) / 5
    let height = plotBottom + 34 + Double(legendRows) * 18 + (note == nil ? 0 : 18)
    let width = Self.left + plotWidth + 20
    let t0 = start.microseconds
    let t1 = max(end.microseconds, t0 + 1)
    func x(_ t: Int64) -> Double { Self.left + Double(t - t0) / Double(t1 - t0) * plotWidth }

    var s =
      ##"<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" viewBox="0 0 \##(n(width)) \##(n(height))""##
    s += ##" width="\##(n(width))" height="\##(n(height))" role="img" aria-label="Timeline of events""##
    s += ##" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11""##
    s +=
      ##" data-t0="\##(seconds(t0))" data-t1="\##(seconds(t1))" data-plot="\##(n(Self.left)) \##(n(top)) \##(n(plotWidth)) \##(n(plotBottom - top))">"##
    s += "<title>Timeline of events</title>"
    s += ##"<rect width="100%" height="100%" fill="#fff"/>"##
    s += ##"<text x="10" y="20" font-size="14" font-weight="600" fill="#222">Events and printer states</text>"##
    for (t, label) in ChartAxes.timeTicks(start: t0, end: t1) {
      let xx = n(x(t))
      s += ##"<line x1="\##(xx)" x2="\##(xx)" y1="\##(n(top))" y2="\##(n(plotBottom + 4))" stroke="#eee"/>"##
      s += ##"<text x="\##(xx)" y="\##(n(plotBottom + 17))" text-anchor="middle" fill="#555">\##(label)</text>"##
    }
    s +=
      ##"<text x="\##(n(Self.left + plotWidth))" y="\##(n(plotBottom + 30))" text-anchor="end" fill="#888">time (UTC)</text>"##
    if !states.isEmpty {
      s += ##"<text x="\##(n(Self.left - 8))" y="\##(n(top + 15))" text-anchor="end" fill="#333">printer state</text>"##
      for (i, change) in states.enumerated() {
        let from = change.time.microseconds
        let to = i + 1 < states.count ? states[i + 1].time.microseconds : t1
        let x0 = x(from)
        let w = max(0.5, x(to) - x0)
        let color = Self.color(ofState: change.state)
        s +=
          ##"<rect class="state" x="\##(n(x0))" y="\##(n(top + 1))" width="\##(n(w))" height="20" fill="\##(color)" fill-opacity="0.55">"##
        s +=
          "<title>\(Markup.name(change.state)): \(Markup.name(change.text)), from \(ChartAxes.tooltipTime(change.time))</title></rect>"
        if w > 70 {
          s +=
            ##"<text x="\##(n(x0 + 4))" y="\##(n(top + 15))" fill="#222" clip-path="none">\##(Markup.shortName(change.text, limit: Int(w / 6.5)))</text>"##
        }
      }
    }
    for (index, row) in rows.enumerated() {
      let yy = lanesTop + Double(index) * 16 + 11
      let label = row.name.map { Markup.shortName($0, limit: 22) } ?? "other events"
      let style = row.name == nil ? #" font-style="italic""# : ""
      s +=
        ##"<text x="\##(n(Self.left - 8))" y="\##(n(yy + 4))" text-anchor="end" fill="#333"\##(style)>\##(label)</text>"##
      s +=
        ##"<line x1="\##(n(Self.left))" x2="\##(n(Self.left + plotWidth))" y1="\##(n(yy))" y2="\##(n(yy))" stroke="#f0f0f0"/>"##
      let color = ReportCharts.palette[index % ReportCharts.palette.count]
      let name = row.name.map(Markup.name) ?? "other event"
      for bucket in row.marks.buckets {
        let time = bucket.minimum.time
        s +=
          ##"<circle class="event" cx="\##(n(x(time.microseconds)))" cy="\##(n(yy))" r="4" fill="\##(color)" fill-opacity="0.8" stroke="#fff" stroke-width="0.8">"##
        let what = bucket.count == 1 ? name : "\(name) ×\(formatCount(bucket.count)) from"
        s += "<title>\(what) — \(ChartAxes.tooltipTime(time))</title></circle>"
      }
    }
    s +=
      ##"<rect x="\##(n(Self.left))" y="\##(n(top))" width="\##(n(plotWidth))" height="\##(n(plotBottom - top))" fill="none" stroke="#bbb"/>"##
    for (i, state) in legendStates.enumerated() {
      let lx = 10 + Double(i % 5) * 156
      let ly = plotBottom + 46 + Double(i / 5) * 18
      s +=
        ##"<rect x="\##(n(lx))" y="\##(n(ly - 10))" width="14" height="12" fill="\##(Self.color(ofState: state))" fill-opacity="0.55"/>"##
      s += ##"<text x="\##(n(lx + 19))" y="\##(n(ly))" fill="#333">\##(Markup.shortName(state, limit: 22))</text>"##
    }
    if let note {
      s += ##"<text x="10" y="\##(n(height - 6))" fill="#888">\##(Markup.escape(note))</text>"##
    }
    return s + "</svg>"
  }

  private func distinctStates() -> [String] {
    var seen: [String] = []
    for change in states where !seen.contains(change.state) && seen.count < 20 { seen.append(change.state) }
    return seen
  }
}
