import ArgumentParser
import Foundation
import MQTTAnalysis
import MQTTCapture
import MQTTDumper

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Regression-test an MQTT consumer: play a stimulus, record what the consumer publishes, compare.",
    discussion: """
      Subscribes to the --watch filters, replays the --stimulus captures (or --simulate print-job), waits \
      up to --timeout for the consumer, and compares what it published with --expect (JSON as values, per \
      topic in order; see `mqtt-dumper diff`); with --schema, each message it published must also validate \
      against the JSON Schema or AsyncAPI document (as `mqtt-dumper check` does; a topic the schema does not \
      describe fails). Exit status: 0 when it matches, 1 with a report when it does not, 2 on a usage error, \
      a file that cannot be read or is cut off, or a broker error. On a terminal, a status line on stderr \
      tells how far the stimulus got and what the consumer sent so far.

      Examples:
        mqtt-dumper verify --speed 60 \\
          --stimulus captures/print-done.jsonl.gz \\
          --watch 'home/#' --expect expected.jsonl
        mqtt-dumper verify --simulate print-job \\
          --watch 'home/#' --record first-run.jsonl --timeout 30s
        mqtt-dumper verify --stimulus print.jsonl.gz \\
          --watch 'home/#' --expect expected.jsonl \\
          --update-expected
        mqtt-dumper verify --stimulus print.jsonl.gz \\
          --watch 'home/#' --schema home.schema.json
      """,
    helpNames: [.long])

  @OptionGroup var stimulus: StimulusOptions

  @Option(name: .long, help: "Topic filter the consumer publishes on (repeatable).")
  var watch: [String] = []

  @OptionGroup var expectations: ExpectationOptions
  @OptionGroup var comparison: ComparisonArguments

  @Option(name: .long, help: "How long to wait for the consumer after the stimulus, e.g. 10s.")
  var timeout = "10s"

  @Option(name: .long, help: "Write a JUnit XML report here, for CI systems.")
  var junit: String?

  @OptionGroup(title: "Connection") var connection: ConnectionArguments

  func validate() throws {
    guard validating else { return }
    try stimulus.check()
    if watch.isEmpty { throw ValidationError("name what the consumer publishes on with --watch FILTER.") }
    try expectations.check()
    if parseDuration(timeout) == nil { throw ValidationError("--timeout '\(timeout)' is not a duration, like 10s.") }
  }

  /// File and broker errors exit with 2, a failed check with 1, as the table in the README says.
  func run() throws {
    do {
      try verify()
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      throw error
    } catch VerifyError.eventNotInStimulus(let name) {
      printError("the stimulus has no \(name) event, so --after \(name) cannot be checked.")
      throw ExitCode.error
    } catch {
      printError(error)
      throw ExitCode.error
    }
  }

  private func verify() throws {
    let timeout = parseDuration(timeout)!
    // Read before the stimulus plays: a schema that cannot be used is a usage error, not a failed consumer.
    let contract = try expectations.schema.map(loadContract)
    var cutOff = false
    let check = ConsumerCheck(
      connection: try connection.options(), watch: watch, stimulus: try stimulus.messages(cutOff: &cutOff),
      speed: stimulus.playback.speed,
      expectation: try expectations.expectation(comparison: comparison.options(), cutOff: &cutOff),
      timeout: timeout)
    installStopHandlers()
    // On a terminal a status line tells how far it got, as replay's does: a long stimulus is not silent.
    var status = StatusLine()
    let speed = stimulus.playback.speed
    let run: ConsumerCheck.Run
    do {
      run = try check.run(
        shouldStop: { stopRequested.load(ordering: .relaxed) },
        report: stderrIsTerminal ? { status.show(verifyStatusText($0, speed: speed)) } : nil)
      status.clear()
    } catch {
      status.clear()
      throw error
    }
    if let record = expectations.record {
      try run.recording.save(to: record, header: check.recordingHeader(), replace: expectations.force)
    }
    if expectations.updateExpected, let expect = expectations.expect {
      // Nothing came: the consumer is down or --watch is wrong. An empty snapshot would silently delete the test.
      guard !run.recording.messages.isEmpty else {
        printError(
          "the consumer published nothing on \(watch.joined(separator: ", ")) within \(timeout); \(expect) was "
            + "left as it was (is the consumer running, and is --watch its topic?).")
        throw ExitCode.difference
      }
      try run.recording.save(to: expect, header: check.recordingHeader(), replace: true)
      try writeOutput("updated \(expect) with \(formatCount(run.recording.messages.count, "message"))\n")
      if cutOff { throw ExitCode.error }
      return
    }
    let verdict = check.verdict(on: run)
    var schemaFailed = false
    var text = verdict.description
    if let contract {
      var schemaCheck = SchemaCheck(contract: contract)
      for (index, message) in run.recording.messages.enumerated() {
        for line in schemaCheck.check(message, number: index + 1) { text += line + "\n" }
      }
      text += "schema: " + schemaCheck.summary + "\n"
      schemaFailed = schemaCheck.failed
    }
    try writeOutput(text)
    if let junit {
      do {
        try TextFile.write(JUnitReport(verdict).xml, to: junit, replace: true)
      } catch {
        printError(error)
        throw ExitCode.error
      }
    }
    // A cut-off stimulus or expectation was used as far as it goes; the verdict is then no verdict.
    if cutOff { throw ExitCode.error }
    if !verdict.passed || schemaFailed { throw ExitCode.difference }
  }
}
