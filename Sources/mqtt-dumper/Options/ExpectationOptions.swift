import ArgumentParser
import Glibc
import MQTTCapture
import MQTTDumper
import MQTTSimulation

/// What `verify` compares the consumer's messages with, and where it saves them.
///
/// Like `SpeedOption` it does not validate itself: `verify` calls `check()` so its usage errors exit 2.
struct ExpectationOptions: ParsableArguments {
  @Option(name: .long, help: "The expected capture.")
  var expect: String?

  @Option(
    name: .long,
    help: "Check each message the consumer publishes against this JSON Schema or AsyncAPI document (see `check`).")
  var schema: String?

  @Option(name: .long, help: "Save what the consumer published as a capture.")
  var record: String?

  @Flag(name: .long, help: "Replace the --record file if it exists.")
  var force = false

  @Flag(name: .long, help: "Write what the consumer published into the --expect file (snapshot testing).")
  var updateExpected = false

  @Option(name: .long, help: "Expect a message without a file: 'home/printer/power=off' (topic=payload; repeatable).")
  var expectMessage: [String] = []

  @Option(
    name: .long, help: "With --expect-message: it must come within this time (after --after, else after the start).")
  var within: String?

  @Option(name: .long, help: "With --within: count from this stimulus event, e.g. PrintDone.")
  var after: String?

  @Flag(
    name: .long, help: "Timing is part of the expectation: each message's time after the stimulus starts must match.")
  var checkTiming = false

  @Option(name: .long, help: "With --check-timing: how far a message's time may be off, e.g. 2s (default 1s).")
  var tolerance: String?

  /// - Throws: `ValidationError` when there is nothing to compare with or save, or flags do not fit together.
  func check() throws {
    if expect == nil && record == nil && expectMessage.isEmpty && schema == nil {
      throw ValidationError(
        "give --expect FILE or --expect-message TOPIC=PAYLOAD to compare with, --schema SCHEMA to check against, "
          + "or --record FILE to save a first run.")
    }
    for e in expectMessage where MessageExpectation(e) == nil {
      throw ValidationError("--expect-message '\(e)' must be TOPIC=PAYLOAD, like 'home/printer/power=off'.")
    }
    if let within, parseDuration(within) == nil {
      throw ValidationError("--within '\(within)' is not a duration, like 5m.")
    }
    if (within != nil || after != nil) && expectMessage.isEmpty {
      throw ValidationError("--within and --after go with --expect-message.")
    }
    if after != nil && within == nil { throw ValidationError("--after needs --within: how long after it.") }
    if let tolerance, parseDuration(tolerance) == nil {
      throw ValidationError("--tolerance '\(tolerance)' is not a duration, like 2s.")
    }
    if tolerance != nil && !checkTiming { throw ValidationError("--tolerance goes with --check-timing.") }
    if checkTiming && expect == nil { throw ValidationError("--check-timing compares with an --expect file.") }
    if updateExpected && expect == nil { throw ValidationError("--update-expected needs --expect FILE.") }
    if force && record == nil { throw ValidationError("--force replaces the --record file; give --record FILE.") }
    // Refused before the stimulus plays, not after.
    if let record, !force, access(record, F_OK) == 0 {
      throw ValidationError("\(record) already exists; choose another file name, or pass --force to replace it.")
    }
  }

  /// The expectation, with the --expect file read (unless --update-expected is to create it).
  /// - Parameter cutOff: set when the --expect file was cut off.
  /// - Throws: `CaptureError` when the file cannot be read.
  func expectation(comparison: ComparisonOptions, cutOff: inout Bool) throws -> Expectation {
    let recorded = try expect.flatMap { path in
      updateExpected && access(path, F_OK) != 0 ? nil : try readCapture(path)
    }
    if recorded?.cutOff == true { cutOff = true }
    let event = after.map { name in ExpectationWindow.Event(name: name) { OctoPrintEvent.matches($0, named: name) } }
    return Expectation(
      recorded: recorded.map { RecordedRun(messages: $0.messages, events: $0.events) },
      messages: expectMessage.compactMap(MessageExpectation.init),
      window: ExpectationWindow(length: within.flatMap(parseDuration), after: event),
      comparison: comparison, timing: checkTiming ? TimingCheck(tolerance: parseDuration(tolerance ?? "1s")!) : nil)
  }
}
