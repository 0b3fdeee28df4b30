import MQTTCapture

/// `mqtt-dumper report` as a library call: streams captures through the print filters once, gathering the
/// charts and samples (`ReportBuilder`), the topic tree (`TrafficStatistics`) and the schemas
/// (`SchemaInference`) and each file's summary (`CaptureSummary`, what `info` shows, of every record of the
/// file whatever the filter) at the same time, then renders the HTML page and the charts. Each file is read
/// once, so standard input is summarised too.
public struct CaptureReport {
  /// The charts' and samples' data.
  public private(set) var builder: ReportBuilder
  /// Per-topic statistics, for the topic tree.
  public private(set) var statistics = TrafficStatistics()
  /// The schemas inferred, per channel.
  public private(set) var schemas: InferredSchemas
  /// Rows of the topic tree shown at most (the rest are counted).
  public static let treeRows = 400
  /// What the scan found besides the messages (files cut off).
  public private(set) var outcome = MessageScan.Outcome()
  /// Each file's summary, in the order of the paths.
  public private(set) var summaries: [CaptureSummary] = []

  /// Reads `paths` through `filter`.
  /// - Throws: `CaptureError` for a file that cannot be read, is not a capture or is corrupt.
  public init(paths: [String], filter: MessageFilter = MessageFilter(), limits: ReportLimits = ReportLimits()) throws {
    var builder = ReportBuilder(limits: limits)
    var statistics = TrafficStatistics()
    var inference = SchemaInference()
    var scan = MessageScan(paths: paths, filter: filter, summarizes: true)
    outcome = try scan.run { message in
      builder.add(message)
      statistics.add(message)
      inference.add(message)
    }
    self.builder = builder
    self.statistics = statistics
    schemas = inference.result()
    summaries = outcome.summaries
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
    (page.topicTree, page.treeRowsLeftOut) = treeRows()
    page.schemas = topicSchemas()
    return page.render(builder, charts: charts)
  }

  /// The topic tree, depth-first, up to `treeRows` rows, and how many more levels there are.
  func treeRows() -> ([TopicTreeRow], Int) {
    let tree = TopicTree(statistics)
    let rows = tree.nodes.prefix(Self.treeRows).map { node in
      TopicTreeRow(
        depth: node.depth, name: node.name, path: node.path, isTopic: node.isTopic, messages: node.messages,
        topics: node.topics,
        rate: node.meanRate.map { formatDecimal($0, places: $0 < 1 ? 3 : ($0 < 10 ? 2 : 1)) } ?? "–")
    }
    return (rows, tree.nodes.count - rows.count)
  }

  /// The inferred schema of each topic that has a sample: its event's, in an event family.
  func topicSchemas() -> [String: TopicSchema] {
    var byTopic: [String: Int] = [:]
    for (i, channel) in schemas.channels.enumerated() {
      for topic in channel.topics where byTopic[topic] == nil { byTopic[topic] = i }
    }
    var out: [String: TopicSchema] = [:]
    for sample in builder.samples {
      guard let channel = byTopic[sample.topic].map({ schemas.channels[$0] }) ?? schemas.channel(forTopic: sample.topic)
      else { continue }
      if channel.kind == .events, let message = channel.messages.first(where: { $0.filter == sample.topic }) {
        out[sample.topic] = TopicSchema(channel: channel.filter, schema: message.schema)
      } else {
        out[sample.topic] = TopicSchema(channel: channel.filter, schema: channel.schema)
      }
    }
    return out
  }
}
