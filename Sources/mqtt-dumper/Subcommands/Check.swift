import ArgumentParser
import Foundation
import MQTTAnalysis
import MQTTCapture

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check that every payload in captures validates against a JSON Schema or AsyncAPI document.",
    discussion: """
      --schema takes the JSON Schema `schema` writes (its x-mqtt-channels map gives each topic filter its \
      schema; a JSON Schema without that map applies to every topic) or an AsyncAPI 3 document, in JSON or \
      YAML. A topic uses the entry whose filter is the topic itself, else the first that matches it. Each \
      violation is one line: topic, #number of the message (counting from 1 across the files), JSON path, \
      what was expected. Keywords the validator does not know are ignored, as JSON Schema says.

      Examples:
        mqtt-dumper check tonight.jsonl.gz \\
          --schema print.schema.json --junit check.xml
        mqtt-dumper check day.jsonl.gz \\
          --schema api.yaml --allow-unknown-topics

      Exit status: 0 every message validates; 1 a violation, or a topic the schema does not describe (unless \
      --allow-unknown-topics); 2 a usage error, a capture or schema that cannot be read or used.
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Option(name: .long, help: "The JSON Schema or AsyncAPI document (JSON or YAML).")
  var schema: String

  @Flag(name: .long, help: "Accept topics the schema does not describe.")
  var allowUnknownTopics = false

  @Option(name: .long, help: "Also write a JUnit XML report to this file.")
  var junit: String?

  @OptionGroup(title: "Filters") var filters: FilterOptions

  func run() throws {
    let contract = try loadContract(schema)
    var check = SchemaCheck(contract: contract, allowUnknownTopics: allowUnknownTopics)
    var scan = MessageScan(paths: files, filter: try filters.filter())
    var output = ""
    var number = 0
    let outcome: MessageScan.Outcome
    do {
      outcome = try scan.run { message in
        number += 1
        for line in check.check(message, number: number) { output += line + "\n" }
        if output.utf8.count > 65_536 {
          try writeOutput(output)
          output = ""
        }
      }
      try writeOutput(output + check.summary + "\n")
    } catch let error as CaptureError where error.isClosedPipe {
      // The reader went away (| head): quiet, but a violation seen so far still fails the check.
      if check.failed { throw ExitCode.difference }
      return
    }
    for truncation in outcome.truncations { printWarning(truncation) }
    if number == 0 {
      // A gate that checked nothing must not pass: an empty capture, or filters that select nothing.
      printError(
        "there was no message to check in \(files.joined(separator: ", ")); is it the right capture, and do the filters select its topics?"
      )
      throw ExitCode.error
    }
    if let junit {
      do {
        try TextFile.write(check.junitXML, to: junit, replace: true)
      } catch {
        printError(error)
        throw ExitCode.error
      }
    }
    if !outcome.truncations.isEmpty { throw ExitCode.error }
    if check.failed { throw ExitCode.difference }
  }
}

/// The contract in a schema file, or one sentence naming the file and what is wrong with it (exit 2).
func loadContract(_ path: String) throws -> SchemaContract {
  guard let data = FileManager.default.contents(atPath: path) else {
    printError("cannot read the schema \(path): no such file, or not readable.")
    throw ExitCode.error
  }
  do {
    return try SchemaContract(document: try SchemaText.parse(Array(data)))
  } catch {
    printError("cannot use the schema \(path): \(error).")
    throw ExitCode.error
  }
}
