import ArgumentParser
import Foundation
import MQTTCapture

struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two captures: missing, extra and changed messages per topic.",
    discussion: """
      Messages on different topics may interleave; order within a topic matters. JSON payloads are \\
      compared as values — key order and number spelling (9.0 and 9) do not matter — unless --exact. \\
      Exit status: 0 when they match, 1 when they differ, 2 when a file cannot be read.

      Example:
        mqtt-dumper diff expected.jsonl.gz actual.jsonl.gz --ignore-field _timestamp
      """,
    helpNames: [.long])

  @Argument(help: "The expected capture.")
  var expected: String

  @Argument(help: "The actual capture.")
  var actual: String

  @Option(name: .long, help: "Leave this JSON field out of the comparison, e.g. _timestamp or position.x (repeatable).")
  var ignoreField: [String] = []

  @Flag(name: .long, help: "Compare payloads byte for byte.")
  var exact = false

  @Flag(name: .long, help: "Do not compare QoS and retain flags.")
  var ignoreFlags = false

  @Option(name: [.customShort("t"), .customLong("topic")], help: "Compare only topics matching this filter (repeatable).")
  var topics: [String] = []

  @Option(name: .long, help: "Leave out topics matching this filter (repeatable).")
  var exclude: [String] = []

  func run() throws {
    var filter = MessageFilter()
    filter.topics = try topicFilters(topics)
    filter.excludes = try topicFilters(exclude)
    let e: [CapturedMessage]
    let a: [CapturedMessage]
    do {
      e = try readCapture(expected, filter: filter).messages
      a = try readCapture(actual, filter: filter).messages
    } catch {
      printError(error)
      throw ExitCode(2)
    }
    let differences = CaptureComparison.compare(
      expected: e, actual: a,
      options: ComparisonOptions(exact: exact, ignoredFields: ignoreField, compareFlags: !ignoreFlags))
    print(report(differences, expected: e.count, actual: a.count), terminator: "")
    if !differences.isEmpty { throw ExitCode(1) }
  }
}

/// The human report of a comparison: a line per topic, then each difference.
func report(_ differences: [MessageDifference], expected: Int, actual: Int) -> String {
  guard !differences.isEmpty else {
    return "no differences: \(formatCount(expected)) messages match\n"
  }
  var out = ""
  var topics: [String] = []
  for d in differences where !topics.contains(d.topic) { topics.append(d.topic) }
  for topic in topics {
    let mine = differences.filter { $0.topic == topic }
    let counts = [MessageDifference.Kind.missing, .extra, .changed].compactMap { kind -> String? in
      let n = mine.filter { $0.kind == kind }.count
      return n > 0 ? "\(n) \(kind.rawValue)" : nil
    }
    out += "\(topic): \(counts.joined(separator: ", "))\n"
    for d in mine {
      switch d.kind {
      case .missing: out += "  - #\(d.index) expected, did not come: \(CaptureComparison.preview(d.expected!.payload))\n"
      case .extra: out += "  + #\(d.index) came, not expected: \(CaptureComparison.preview(d.actual!.payload))\n"
      case .changed:
        out += "  ~ #\(d.index) changed:\n"
        for line in d.details { out += "      \(line)\n" }
      }
    }
  }
  let summary = [MessageDifference.Kind.missing, .extra, .changed].map { kind in
    "\(differences.filter { $0.kind == kind }.count) \(kind.rawValue)"
  }
  out += "\(summary.joined(separator: ", ")) (\(formatCount(expected)) expected, \(formatCount(actual)) came)\n"
  return out
}
