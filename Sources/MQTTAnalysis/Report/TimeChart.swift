import MQTTCapture

/// A chart of values over time, drawn as SVG: lines (or bars, for the message rate), axes with UTC times
/// and value ticks, and a legend. The SVG carries its scales (`data-t0`/`data-t1` in seconds,
/// `data-v0`/`data-v1`, `data-plot`) so that a test can turn the points back into times and values.
public struct TimeChart: Sendable {
  /// One line of the chart.
  public struct Line: Sendable {
    /// What the legend calls it.
    public var label: String
    /// Its points (every one a message's time and value).
    public var points: [DownsampledSeries.Point]
    /// A CSS colour.
    public var color: String
    /// Dashed (a target) rather than solid.
    public var dashed = false

    /// A line.
    public init(label: String, points: [DownsampledSeries.Point], color: String, dashed: Bool = false) {
      self.label = label
      self.points = points
      self.color = color
      self.dashed = dashed
    }
  }

  /// One bar: a time column and its value (the message rate).
  public struct Bar: Sendable {
    /// Where the column starts and ends.
    public var start: Timestamp
    /// Where the column ends.
    public var end: Timestamp
    /// Its height.
    public var value: Double
  }

  /// A file name without extension (`temperatures`), for `--svg DIR`.
  public var name: String
  /// The heading.
  public var title: String
  /// What the values are (`°C`, `messages/s`).
  public var unit: String
  /// The lines.
  public var lines: [Line] = []
  /// The bars, for a rate chart.
  public var bars: [Bar] = []
  /// The time axis.
  public var start: Timestamp
  /// The end of the time axis.
  public var end: Timestamp
  /// A sentence under the chart (what was left out).
  public var note: String?

  static let width = 800.0
  static let left = 150.0
  static let top = 36.0
  static let plotHeight = 190.0

  /// An empty chart over `start...end`.
  public init(name: String, title: String, unit: String, start: Timestamp, end: Timestamp) {
    self.name = name
    self.title = title
    self.unit = unit
    self.start = start
    self.end = end
  }

  /// The chart as a standalone SVG document (also valid inline in HTML).
  public func svg(plotWidth: Int) -> String {
    let plotW = Double(plotWidth)
    let width = Self.left + plotW + 20
    let legendRows = lines.isEmpty ? 0 : (lines.count + 3) / 4
    let height = Self.top + Self.plotHeight + 34 + Double(legendRows) * 18 + (note == nil ? 0 : 18)
    let values = lines.flatMap { $0.points.map(\.value) } + bars.map(\.value) + (bars.isEmpty ? [] : [0])
    let axis = ChartAxes.valueTicks(low: values.min() ?? 0, high: values.max() ?? 1)
    let t0 = start.microseconds
    let t1 = max(end.microseconds, t0 + 1)
    let plotBottom = Self.top + Self.plotHeight
    func x(_ t: Int64) -> Double { Self.left + Double(t - t0) / Double(t1 - t0) * plotW }
    func y(_ v: Double) -> Double { plotBottom - (v - axis.low) / (axis.high - axis.low) * Self.plotHeight }

    var s = ""
    s.reserveCapacity(4096 + lines.reduce(0) { $0 + $1.points.count * 14 })
    s += ##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \##(n(width)) \##(n(height))""##
    s += ##" width="\##(n(width))" height="\##(n(height))" role="img" aria-label="\##(Markup.escape(title))""##
    s += ##" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="11""##
    s += ##" data-t0="\##(seconds(t0))" data-t1="\##(seconds(t1))" data-v0="\##(axis.low)" data-v1="\##(axis.high)""##
    s += ##" data-plot="\##(n(Self.left)) \##(n(Self.top)) \##(n(plotW)) \##(n(Self.plotHeight))">"##
    s += "<title>\(Markup.escape(title))</title>"
    s += ##"<rect width="100%" height="100%" fill="#fff"/>"##
    s +=
      ##"<text x="10" y="20" font-size="14" font-weight="600" fill="#222">\##(Markup.escape(title))</text>"##
    s +=
      ##"<text x="\##(n(Self.left - 8))" y="\##(n(Self.top - 8))" text-anchor="end" fill="#666">\##(Markup.escape(unit))</text>"##
    // Grid and value ticks.
    for v in axis.ticks {
      let yy = n(y(v))
      s +=
        ##"<line x1="\##(n(Self.left))" x2="\##(n(Self.left + plotW))" y1="\##(yy)" y2="\##(yy)" stroke="#e4e4e4"/>"##
      s +=
        ##"<text x="\##(n(Self.left - 6))" y="\##(yy)" dy="4" text-anchor="end" fill="#555">\##(formatDecimal(v, places: axis.places))</text>"##
    }
    // Time ticks.
    for (t, label) in ChartAxes.timeTicks(start: t0, end: t1) {
      let xx = n(x(t))
      s += ##"<line x1="\##(xx)" x2="\##(xx)" y1="\##(n(Self.top))" y2="\##(n(plotBottom + 4))" stroke="#eee"/>"##
      s += ##"<text x="\##(xx)" y="\##(n(plotBottom + 17))" text-anchor="middle" fill="#555">\##(label)</text>"##
    }
    s +=
      ##"<text x="\##(n(Self.left + plotW))" y="\##(n(plotBottom + 30))" text-anchor="end" fill="#888">time (UTC)</text>"##
    s +=
      ##"<rect x="\##(n(Self.left))" y="\##(n(Self.top))" width="\##(n(plotW))" height="\##(n(Self.plotHeight))" fill="none" stroke="#bbb"/>"##
    // Bars.
    if !bars.isEmpty {
      s += ##"<path class="bars" fill="#4e79a7" fill-opacity="0.75" d=""##
      for bar in bars {
        let x0 = x(bar.start.microseconds)
        let x1 = min(Self.left + plotW, max(x0 + 0.5, x(bar.end.microseconds) - 0.3))
        s += "M\(n(x0)),\(n(plotBottom))V\(n(y(bar.value)))H\(n(x1))V\(n(plotBottom))Z"
      }
      s += ##""/>"##
    }
    // Lines.
    for line in lines {
      let dash = line.dashed ? #" stroke-dasharray="6 4""# : ""
      s +=
        ##"<polyline class="series" data-series="\##(Markup.escape(line.label))" fill="none" stroke="\##(line.color)""##
      s += ##" stroke-width="1.6" stroke-linejoin="round"\##(dash) points=""##
      for (i, p) in line.points.enumerated() {
        if i > 0 { s += " " }
        s += n(x(p.time.microseconds)) + "," + n(y(p.value))
      }
      s += ##""/>"##
      if line.points.count == 1, let p = line.points.first {
        s += ##"<circle cx="\##(n(x(p.time.microseconds)))" cy="\##(n(y(p.value)))" r="2.5" fill="\##(line.color)"/>"##
      }
    }
    // Legend.
    for (i, line) in lines.enumerated() {
      let lx = Self.left + Double(i % 4) * (plotW / 4)
      let ly = plotBottom + 44 + Double(i / 4) * 18
      let dash = line.dashed ? #" stroke-dasharray="6 4""# : ""
      s +=
        ##"<line x1="\##(n(lx))" x2="\##(n(lx + 22))" y1="\##(n(ly - 4))" y2="\##(n(ly - 4))" stroke="\##(line.color)" stroke-width="2"\##(dash)/>"##
      s +=
        ##"<text x="\##(n(lx + 28))" y="\##(n(ly))" fill="#333">\##(Markup.shortName(line.label, limit: 20))</text>"##
    }
    if let note {
      s += ##"<text x="\##(n(Self.left))" y="\##(n(height - 6))" fill="#888">\##(Markup.escape(note))</text>"##
    }
    s += "</svg>"
    return s
  }
}

/// A coordinate with one decimal.
func n(_ value: Double) -> String { formatDecimal(value, places: 1) }

/// Microseconds as seconds with six decimals.
func seconds(_ microseconds: Int64) -> String {
  Timestamp(microseconds: microseconds).description
}
