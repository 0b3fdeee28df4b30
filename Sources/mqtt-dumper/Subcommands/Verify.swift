import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Regression-test an MQTT consumer: play a stimulus, record what the consumer publishes, compare.",
    discussion: """
      Subscribes to the --watch filters, replays the --stimulus captures (or --simulate print-job), waits \\
      up to --timeout for the consumer, and compares what it published with --expect (JSON as values, per \\
      topic in order; see `mqtt-dumper diff`). Exit status: 0 when it matches, 1 with a report when it does \\
      not, 2 on usage, file or broker errors.

      Examples:
        mqtt-dumper verify --stimulus captures/print-done.jsonl.gz --speed 60 --watch 'home/#' --expect expected.jsonl
        mqtt-dumper verify --simulate print-job --watch 'home/#' --record first-run.jsonl --timeout 30s
        mqtt-dumper verify --stimulus print.jsonl.gz --watch 'home/#' --expect expected.jsonl --update-expected
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

  /// Usage, file and broker errors exit with 2, as documented for CI (argument-parser's own parse errors
  /// keep their 64). The checks run here rather than in `validate()`, which argument-parser also calls
  /// for `--help`.
  func run() throws {
    do {
      try verify()
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      printError(error.message)
      throw ExitCode(2)
    } catch VerifyError.eventNotInStimulus(let name) {
      printError("the stimulus has no \(name) event, so --after \(name) cannot be checked.")
      throw ExitCode(2)
    } catch {
      printError(error)
      throw ExitCode(2)
    }
  }

  private func verify() throws {
    try stimulus.check()
    if watch.isEmpty { throw ValidationError("name what the consumer publishes on with --watch FILTER.") }
    try expectations.check()
    guard let timeout = parseDuration(timeout) else {
      throw ValidationError("--timeout '\(self.timeout)' is not a duration, like 10s.")
    }
    let check = ConsumerCheck(
      connection: try connection.options(), watch: watch, stimulus: try stimulus.messages(),
      speed: stimulus.playback.speed, expectation: try expectations.expectation(comparison: comparison.options()),
      timeout: timeout)
    installStopHandlers()
    let run = try check.run(shouldStop: { stopRequested.load(ordering: .relaxed) })
    if let record = expectations.record {
      try run.recording.save(to: record, header: check.recordingHeader(), replace: expectations.force)
    }
    if expectations.updateExpected, let expect = expectations.expect {
      try run.recording.save(to: expect, header: check.recordingHeader(), replace: true)
      try writeOutput("updated \(expect) with \(formatCount(run.recording.messages.count)) messages\n", failureStatus: 2)
      return
    }
    let verdict = check.verdict(on: run)
    try writeOutput(verdict.description, failureStatus: 2)
    if let junit { try JUnitReport(verdict).write(to: junit) }
    if !verdict.passed { throw ExitCode(1) }
  }
}
