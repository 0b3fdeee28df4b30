import ArgumentParser
import Foundation
import MQTTCapture

struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two captures: missing, extra and changed messages per topic.",
    discussion: """
      Messages on different topics may interleave; order within a topic matters. JSON payloads are \
      compared as values — key order and number spelling (9.0 and 9) do not matter — unless --exact \
      (or larger than 8 MiB: those are compared by their SHA-256 and not kept in memory). \
      Exit status: 0 when they match, 1 when they differ, 2 on a usage error or a file that cannot be \
      read or is cut off.

      Example:
        mqtt-dumper diff expected.jsonl.gz actual.jsonl.gz \\
          --ignore-field _timestamp
      """,
    helpNames: [.long])

  @Argument(help: "The expected capture.")
  var expected: String

  @Argument(help: "The actual capture.")
  var actual: String

  @OptionGroup var comparison: ComparisonArguments

  @Flag(name: .long, help: "Do not compare QoS and retain flags.")
  var ignoreFlags = false

  @OptionGroup var selection: TopicSelectionOptions

  func run() throws {
    let filter = try selection.filter()
    let options = comparison.options(compareFlags: !ignoreFlags)
    let e: [ComparedMessage]
    let a: [ComparedMessage]
    var cutOff = false
    do {
      // Both captures are kept: payloads compared byte for byte anyway (above largestValue) as digests, and
      // equal payloads of some size (a capture compared with itself) as one copy.
      let digester = PayloadDigester(above: options.largestValue)
      var interner = PayloadInterner()
      func keep(_ m: CapturedMessage) -> ComparedMessage {
        var kept = digester.compared(m)
        interner.intern(&kept)
        return kept
      }
      let expectedCapture = try readCapture(expected, filter: filter, keep: keep)
      let actualCapture = try readCapture(actual, filter: filter, keep: keep)
      (e, a) = (expectedCapture.messages, actualCapture.messages)
      cutOff = expectedCapture.cutOff || actualCapture.cutOff
    } catch {
      printError(error)
      throw ExitCode.error
    }
    let differences = CaptureComparison.compare(expected: e, actual: a, options: options)
    try writeOutput(ComparisonReport(differences, expected: e.count, actual: a.count).description)
    // A cut-off capture was compared as far as it goes; the comparison is then no verdict.
    if cutOff { throw ExitCode.error }
    if !differences.isEmpty { throw ExitCode.difference }
  }
}
