import ArgumentParser
import Foundation
import MQTTAnalysis
import MQTTCapture

struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Infer a JSON Schema (or an AsyncAPI 3.0 document) of the payloads in captures.",
    discussion: """
      The JSON Schema (draft 2020-12) has one $defs entry per channel and x-mqtt-channels, a map from topic \
      filter to $ref that `check` reads. Sibling topics of one shape become a wildcard channel \
      (octoPrint/temperature/+), and so do a fleet's (dev/+/state); the topics under a level named event become one channel with a message per \
      event. --format asyncapi writes AsyncAPI 3.0 as YAML (JSON with --json). A payload that is not JSON is \
      described as a string: its text, or the base64 of bytes that are not UTF-8.

      Examples:
        mqtt-dumper schema print.jsonl.gz -o print.schema.json
        mqtt-dumper schema print.jsonl.gz --format asyncapi \\
          -o print.asyncapi.yaml

      \(ExitCode.table)
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Option(name: .long, help: "json-schema, or asyncapi (an AsyncAPI 3.0 document).")
  var format: SchemaFormat = .jsonSchema

  @Flag(name: .long, help: "Write AsyncAPI as JSON instead of YAML.")
  var json = false

  @Flag(
    name: .long,
    help: "Only types and members: no enum, minimum/maximum or item counts (a looser contract for `check`).")
  var typesOnly = false

  @Option(name: [.customShort("o"), .long], help: "Write the document to this file instead of standard output.")
  var output: String?

  @Flag(name: .long, help: "Replace the --output file if it exists.")
  var force = false

  @OptionGroup(title: "Filters") var filters: FilterOptions

  enum SchemaFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonSchema = "json-schema"
    case asyncapi
  }

  func validate() throws {
    guard validating else { return }
    if json && format != .asyncapi {
      throw ValidationError("--json goes with --format asyncapi (the JSON Schema is JSON already).")
    }
    if force && output == nil {
      throw ValidationError("--force replaces the --output file; give --output FILE with it.")
    }
  }

  func run() throws {
    if let output { try checkOutput(output, inputs: files, force: force) }
    var scan = MessageScan(paths: files, filter: try filters.filter())
    var options = SchemaInference.Options()
    options.values = !typesOnly
    var inference = SchemaInference(options: options)
    let outcome = try scan.run { inference.add($0) }
    for truncation in outcome.truncations { printWarning(truncation) }
    warnIfNothingMatched(scan.filter, messages: outcome.messages, in: files)
    let schemas = inference.result()
    for note in schemas.notes { printWarning(note) }
    for channel in schemas.channels {
      for note in channel.notes { printWarning(note) }
    }
    let title = "MQTT payloads of " + files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
    let text: String
    switch format {
    case .jsonSchema: text = SchemaText.json(schemas.jsonSchema(title: title))
    case .asyncapi:
      let document = schemas.asyncAPI(title: title)
      text = json ? SchemaText.json(document) : try SchemaText.yaml(document)
    }
    if let output, output != "-" {
      do {
        try TextFile.write(text, to: output, replace: force)
      } catch {
        printError(error)
        throw ExitCode.error
      }
    } else {
      try writeOutput(text)
    }
    if !outcome.truncations.isEmpty { throw ExitCode.error }
  }
}
