import ArgumentParser
import Foundation
import MQTTAnalysis
import MQTTCapture
import MQTTSimulation

struct Samples: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a Markdown document of every topic in captures, with a description and sample payloads.",
    discussion: """
      The layout is that of the 2017 "OctoPrint MQTT Events" document: sections by topic family, \
      "Description: `topic`", then a ```json block with the payload formatted (2-space indent, keys in \
      their original order, numbers as sent). OctoPrint topics get built-in descriptions. What was \
      captured cannot break the document: topics are code spans with enough backticks, payloads sit in \
      fences longer than any run of backticks in them, and HTML in headings and descriptions is escaped.

      Example:
        mqtt-dumper samples print.jsonl.gz --variants 2 \\
          --redact-paths > EVENTS.md

      Exit status: 0 when the document was written; 2 on a usage error or a capture that cannot be read, \
      is not a capture, is corrupt or cut off.
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Option(name: .long, help: "Up to N distinct samples per topic, chosen to differ in the fields that vary most.")
  var variants = 1

  @Flag(name: .long, help: "Write absolute file paths as the document does: \"/.../name.gcode\".")
  var redactPaths = false

  @Option(name: .long, help: "A title (a level-1 heading) for the document.")
  var title: String?

  @Flag(name: .long, help: "Only topics and samples, no descriptions.")
  var noDescriptions = false

  @Option(name: .long, help: "A Markdown document, or JSON for tools.")
  var format: SampleFormat = .markdown

  @Option(
    name: .long, help: "Show at most this many bytes of each payload in Markdown (0: all), then how many were left out."
  )
  var maxBytes = 4096

  @Option(
    name: .long,
    help: "Also write the report's charts (SVG) into this directory and link them in a Charts section (Markdown)."
  )
  var charts: String?

  @Flag(name: .long, help: "Replace chart files in the --charts directory if they exist.")
  var force = false

  @OptionGroup(title: "Filters") var filters: FilterOptions

  enum SampleFormat: String, ExpressibleByArgument, CaseIterable { case markdown, json }

  func validate() throws {
    guard validating else { return }
    guard (1...50).contains(variants) else { throw ValidationError("--variants must be from 1 to 50.") }
    if maxBytes < 0 { throw ValidationError("--max-bytes must be 0 (all) or more.") }
    if charts != nil && format == .json {
      throw ValidationError("--charts adds to the Markdown document; leave out --format json.")
    }
    if force && charts == nil { throw ValidationError("--force replaces chart files; give --charts DIR with it.") }
  }

  func run() throws {
    var filter = try filters.filter()
    var document = SampleDocument(catalog: OctoPrintTopicCatalog())
    var report = charts.map { _ in ReportBuilder() }
    let chartFiles = ChartFiles(directory: charts, force: force)
    do {
      try chartFiles.prepare()
    } catch {
      printError(error)
      throw ExitCode.error
    }
    var cutOff = false
    for path in files {
      do {
        let reader = try CaptureReader(path: path)
        while !filter.isExhausted, let record = try reader.next() {
          if case .message(let m) = record, filter.accept(m) {
            document.add(m)
            report?.add(m)
          }
        }
        if let truncation = reader.truncation {
          printWarning(truncation)
          cutOff = true
        }
      } catch {
        printError(error)
        throw ExitCode.error
      }
    }
    warnIfNothingMatched(filter, messages: filter.accepted, in: files)
    let text: String
    switch format {
    case .json:
      text = document.json(variants: variants, descriptions: !noDescriptions)
    case .markdown:
      var style = SampleDocument.Style()
      style.title = title
      style.descriptions = !noDescriptions
      style.variants = variants
      style.redactPaths = redactPaths
      style.maxBytes = maxBytes == 0 ? nil : maxBytes
      style.cutHint = " (--max-bytes 0 shows all)"
      text = document.markdown(style) + (try chartSection(report, chartFiles))
    }
    try writeOutput(text)
    if cutOff { throw ExitCode.error }
  }

  /// Writes the charts and returns the Markdown that shows them (empty without --charts).
  private func chartSection(_ report: ReportBuilder?, _ files: ChartFiles) throws -> String {
    guard let report, let directory = charts else { return "" }
    let rendered = ReportCharts.charts(report)
    do {
      try files.write(rendered)
    } catch {
      printError(error)
      throw ExitCode.error
    }
    guard !rendered.isEmpty else { return "" }
    var out = "\n## Charts\n\n"
    for chart in rendered {
      // The file names are made of letters, digits and `-`; the title is Markdown-escaped.
      let alt = SampleDocument.markdownText(chart.title).replacingOccurrences(of: "]", with: "\\]")
      let path = directory.hasSuffix("/") ? directory + chart.name : directory + "/" + chart.name
      out += "![\(alt)](<\(path.replacingOccurrences(of: ">", with: "%3E")).svg>)\n\n"
    }
    return out
  }
}
