import ArgumentParser
import MQTTCapture
import MQTTSimulation

/// What `verify` plays to the consumer: captures, or a simulated OctoPrint print job.
///
/// Like `SpeedOption` it does not validate itself: `verify` calls `check()` so its usage errors exit 2.
struct StimulusOptions: ParsableArguments {
  @Option(name: .long, help: "Capture(s) to replay as the stimulus (repeatable).")
  var stimulus: [String] = []

  @Option(name: .long, help: "Synthesise the stimulus instead: print-job.")
  var simulate: String?

  @Option(name: .long, help: "With --simulate: done, cancelled, paused-resumed or failed.")
  var outcome: PrintJobOptions.Outcome = .done

  @Option(name: .long, help: "With --simulate: the print's duration.")
  var duration = "10m"

  @Option(name: .long, help: "With --simulate: the seed.")
  var seed: UInt64 = 1

  @OptionGroup var playback: SpeedOption

  /// - Throws: `ValidationError` for a missing, doubled or unknown stimulus, or a bad speed or duration.
  func check() throws {
    if stimulus.isEmpty == (simulate == nil) {
      throw ValidationError("give the stimulus: --stimulus FILE (a capture) or --simulate print-job, not both.")
    }
    if let simulate, simulate != "print-job" { throw ValidationError("--simulate knows print-job, not '\(simulate)'.") }
    try playback.check()
    if simulate != nil, parseDuration(duration).map({ $0 >= .seconds(30) }) != true {
      throw ValidationError("--duration '\(duration)' must be at least 30s.")
    }
  }

  /// The stimulus: the captures' messages one after the other, or a print job starting now.
  /// - Throws: `CaptureError` when a capture cannot be read.
  func messages() throws -> [CapturedMessage] {
    guard simulate != nil else { return try stimulus.flatMap { try readCapture($0).messages } }
    var o = PrintJobOptions()
    o.outcome = outcome
    o.duration = parseDuration(duration)! / .seconds(1)
    o.seed = seed
    o.start = .now()
    return PrintJobSimulation.messages(o)
  }
}
