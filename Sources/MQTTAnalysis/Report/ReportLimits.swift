/// How much a report keeps, so that its memory and size stay bounded whatever the capture holds.
public struct ReportLimits: Sendable {
  /// Width of a chart's plotting area in pixels.
  public var plotWidth = 630
  /// Time columns per numeric series: two per pixel, each keeping its smallest and largest value.
  public var columnsPerPixel = 2
  /// Columns of the message-rate chart.
  public var rateColumns = 120
  /// Numeric fields charted per topic.
  public var seriesPerTopic = 8
  /// Numeric fields charted in all.
  public var series = 40
  /// Event names given a row of their own on the timeline (the rest share one).
  public var eventRows = 16
  /// Columns of the timeline (a marker each at most, per row).
  public var timelineColumns = 630
  /// Printer state changes drawn as bands.
  public var stateChanges = 1000
  /// Topics shown with a sample payload (in order of first appearance).
  public var sampleTopics = 100
  /// Bytes of each sample payload shown.
  public var sampleBytes = 4096
  /// Payloads larger than this are not searched for numbers.
  public var parsedPayloadBytes = 65536

  /// The default limits.
  public init() {}

  /// Columns of each numeric series.
  public var seriesColumns: Int { plotWidth * columnsPerPixel }
}
