import ArgumentParser
import MQTTAnalysis
import MQTTCapture

struct Stats: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Per-topic statistics: messages, rates, payload sizes, silences, QoS and retain, first and last time.",
    discussion: """
      The files are read as one stream of messages (in the order given) through the print filters, in \
      constant memory: only a few counters per topic are kept.

      Per topic and for all topics together: mean/s, messages per second over the span of all the \
      traffic (so that rates add up); peak/s, the most messages in one wall-clock second (a whole second \
      of the clock, not a sliding window); payload sizes in bytes, min, median and max (the median is the \
      lower middle size, exact below 1,024 bytes, above that at most 1/64 below the true one, as sizes \
      are counted in buckets there); the longest silence between consecutive messages and when it began; \
      messages per QoS and with the retain flag; the first and last time (UTC, with the date when the \
      traffic spans days). When the time goes backwards in a file (a clock set back, records or files out \
      of order) a warning names the file and how often; a silence then begins at the latest time seen \
      before it, never inside time already covered.

      --tree shows the topic hierarchy instead of the table, as MQTT Explorer's tree does: per level the \
      messages and topics at and below it, the messages published to the level itself (own), and the mean \
      rate. `a//b` has an empty level, shown as (empty). --format json writes one JSON document with \
      everything (and the tree with --tree), names in full; the README describes its fields.

      Examples:
        mqtt-dumper stats print.jsonl.gz
        mqtt-dumper stats print.jsonl.gz --tree \\
          -t 'octoPrint/#' --since 10m
        mqtt-dumper stats day1.jsonl.gz day2.jsonl.gz \\
          --format json | jq .totals

      Exit status: 0 when every file was read; 2 on a usage error, or a file that cannot be read, is not a \
      capture, is corrupt (nothing is shown) or cut off (its messages up to the damage are counted).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Flag(name: .long, help: "Show the topic tree (counts and rates per level) instead of the table.")
  var tree = false

  @Option(name: .long, help: "text, or json (one document, for tools).")
  var format: StatsFormat = .text

  @OptionGroup(title: "Filters") var filters: FilterOptions

  enum StatsFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

  func run() throws {
    let filter = try filters.filter()
    var scan = MessageScan(paths: files, filter: filter)
    var statistics = TrafficStatistics()
    let outcome: MessageScan.Outcome
    do {
      outcome = try scan.run { statistics.add($0) }
    } catch {
      printError(error)
      throw ExitCode.error
    }
    let topicTree = tree ? TopicTree(statistics) : nil
    switch format {
    case .json:
      let document = StatisticsJSON.document(
        statistics, files: files, truncations: outcome.truncations, tree: topicTree)
      try writeOutput(String(decoding: document, as: UTF8.self) + "\n")
    case .text:
      try writeOutput(text(statistics, filter: filter, tree: topicTree) + "\n")
    }
    for sentence in outcome.stepsBack { printWarning(sentence) }
    for truncation in outcome.truncations { printWarning(truncation) }
    if !outcome.truncations.isEmpty { throw ExitCode.error }
  }

  private func text(_ statistics: TrafficStatistics, filter: MessageFilter, tree: TopicTree?) -> String {
    let names = fileNames(files)
    guard statistics.messages > 0 else {
      return filter.narrows ? "No message in \(names) matched the filters." : "No messages in \(names)."
    }
    let renderer = StatisticsText(statistics, nameLimit: Info.nameLimit)
    let body = tree.map { renderer.tree($0) } ?? renderer.table(statistics.topics)
    return "\(names): \(renderer.summary(statistics))\n\n\(body)"
  }
}
