import ArgumentParser
import Foundation
import MQTTAnalysis
import MQTTCapture

struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a self-contained HTML report of captures: summary, topic tree, timeline, charts, samples.",
    discussion: """
      One HTML file with everything inline (CSS and SVG charts, no script, no network), readable offline and \
      printable: the summary (what info shows, of each whole file whatever the filters, standard input too), \
      the topic tree with counts and rates, a timeline of events (every …/event/… message as a marker, printer \
      state changes as bands), a chart of every numeric field of JSON payloads over time (OctoPrint \
      temperatures: each heater's actual solid and target dashed on one chart; progress; any topic's numbers), \
      the message rate, and per topic a sample payload and its inferred schema. Charts keep each pixel \
      column's smallest and largest value, so spikes survive in captures of any size. Topics and payloads are \
      made visible and escaped.

      Examples:
        mqtt-dumper report print.jsonl.gz -o report.html
        mqtt-dumper report day.jsonl.gz -t 'home/#' \\
          --since 1h -o home.html --svg charts

      Exit status: 0 when the report was written; 2 on a usage error, an output file that exists (without \
      --force) or cannot be written, or a capture that cannot be read, is not a capture, is corrupt or \
      cut off (the report is still written, up to the damage).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Option(name: [.short, .long], help: "The HTML file to write.")
  var output: String

  @Option(name: .long, help: "Also write each chart as an SVG file into this directory (created if missing).")
  var svg: String?

  @Flag(name: .long, help: "Replace the output file (and SVG files) if they exist.")
  var force = false

  @OptionGroup(title: "Filters") var filters: FilterOptions

  func validate() throws {
    guard validating else { return }
    if output == "-" { throw ValidationError("--output - : the report is a file; give -o report.html.") }
  }

  func run() throws {
    try checkOutput(output, inputs: files, force: force)
    let filter = try filters.filter()
    let charts = ChartFiles(directory: svg, force: force)
    let report: CaptureReport
    do {
      try charts.prepare()
      report = try CaptureReport(paths: files, filter: filter)
    } catch {
      printError(error)
      throw ExitCode.error
    }
    let rendered = report.charts()
    let html = report.html(charts: rendered, filters: filters.description)
    do {
      try charts.write(rendered)
      try TextFile.write(html, to: output, replace: force)
    } catch {
      printError(error)
      throw ExitCode.error
    }
    let size = formatBytes(UInt64(html.utf8.count))
    let messages = formatCount(report.builder.messages, "message")
    printNote("wrote \(output): \(messages), \(formatCount(rendered.count, "chart")), \(size)")
    warnIfNothingMatched(filter, messages: report.builder.messages, in: files)
    for truncation in report.outcome.truncations { printWarning(truncation) }
    if !report.outcome.truncations.isEmpty { throw ExitCode.error }
  }
}

/// The `--svg DIR` (and `samples --charts DIR`) files: one SVG per chart, refused when one exists unless
/// `force`.
struct ChartFiles {
  var directory: String?
  var force: Bool

  /// Creates the directory; fails before anything is read when it cannot be, or a chart file is in the way.
  func prepare() throws {
    guard let directory else { return }
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw CaptureError.cannotOpen(path: directory, errno: EACCES)
    }
  }

  /// Writes each chart as `DIR/name.svg`.
  func write(_ charts: [RenderedChart]) throws {
    guard let directory else { return }
    for chart in charts {
      let path = (directory as NSString).appendingPathComponent(chart.name + ".svg")
      try TextFile.write(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.svg + "\n", to: path, replace: force)
    }
  }
}

extension FilterOptions {
  /// The filters as given, for the report's first line (`-t 'octoPrint/#' --since 10m`); nil for none.
  var description: String? {
    func quoted(_ s: String) -> String { "'" + s + "'" }
    var words: [String] = []
    words += selection.topics.map { "-t " + quoted($0) }
    words += selection.exclude.map { "--exclude " + quoted($0) }
    if let start = window.start { words.append("\(start.flag) \(start.text)") }
    if let end = window.end { words.append("\(end.flag) \(end.text)") }
    if let grep { words.append("--grep " + quoted(grep)) }
    if let limit { words.append("--limit \(limit)") }
    return words.isEmpty ? nil : words.joined(separator: " ")
  }
}

/// A line on stderr saying what was done (`wrote report.html: …`), names made visible.
func printNote(_ sentence: String) {
  writeToStandardError("\(VisibleText.escape(sentence))\n")
}
