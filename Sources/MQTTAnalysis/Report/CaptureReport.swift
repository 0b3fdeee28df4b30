import MQTTCapture

/// `mqtt-dumper report` as a library call: streams captures through the print filters once, gathering the
/// charts (`ReportBuilder`), then reads each file's summary (`CaptureSummary`, what `info` shows), and renders
/// the HTML page and the charts.
public struct CaptureReport {
  /// The charts' and samples' data.
  public private(set) var builder: ReportBuilder
  /// What the scan found besides the messages (files cut off).
  public private(set) var outcome = MessageScan.Outcome()
  /// Each file's summary (standard input, which cannot be read twice, has none).
  public private(set) var summaries: [CaptureSummary] = []

  /// Reads `paths` through `filter`.
  /// - Throws: `CaptureError` for a file that cannot be read, is not a capture or is corrupt.
  public init(paths: [String], filter: MessageFilter = MessageFilter(), limits: ReportLimits = ReportLimits()) throws {
    var builder = ReportBuilder(limits: limits)
    var scan = MessageScan(paths: paths, filter: filter)
    outcome = try scan.run { message in
      builder.add(message)
    }
    self.builder = builder
    summaries = try paths.filter { $0 != "-" }.map { try CaptureSummary(path: $0) }
  }

  /// The charts, as `--svg DIR` writes them.
  public func charts() -> [RenderedChart] { ReportCharts.charts(builder) }

  /// The HTML page.
  /// - Parameter filters: the filters as given on the command line, shown at the top; nil for none.
  public func html(charts: [RenderedChart], filters: String? = nil) -> String {
    var page = HTMLReport()
    page.summaries = summaries
    page.filters = filters
    page.warnings = outcome.truncations
    return page.render(builder, charts: charts)
  }
}
