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

  @Option(name: .long, help: "With --simulate: done (default), cancelled, paused-resumed or failed.")
  var outcome: PrintJobOptions.Outcome?

  @Option(name: .long, help: "With --simulate: the print's duration (default 10m).")
  var duration: String?

  @Option(name: .long, help: "With --simulate: the seed (default 1).")
  var seed: UInt64?

  @OptionGroup var playback: SpeedOption

  /// - Throws: `ValidationError` for a missing, doubled or unknown stimulus, or a bad speed or duration.
  func check() throws {
    if stimulus.isEmpty == (simulate == nil) {
      throw ValidationError("give the stimulus: --stimulus FILE (a capture) or --simulate print-job, not both.")
    }
    if let simulate, simulate != "print-job" { throw ValidationError("--simulate knows print-job, not '\(simulate)'.") }
    try playback.check()
    if simulate == nil && (outcome != nil || duration != nil || seed != nil) {
      throw ValidationError("--outcome, --duration and --seed go with --simulate print-job.")
    }
    if let duration, parseDuration(duration).map({ $0 >= .seconds(30) }) != true {
      throw ValidationError("--duration '\(duration)' must be at least 30s.")
    }
  }

  /// The stimulus: the captures' messages one after the other, or a print job starting now.
  /// - Parameter cutOff: set when a capture was cut off.
  /// - Throws: `CaptureError` when a capture cannot be read.
  func messages(cutOff: inout Bool) throws -> [CapturedMessage] {
    guard simulate != nil else {
      var messages: [CapturedMessage] = []
      for path in stimulus {
        let capture = try readCapture(path)
        messages += capture.messages
        if capture.cutOff { cutOff = true }
      }
      return messages
    }
    var o = PrintJobOptions()
    o.outcome = outcome ?? .done
    o.duration = parseDuration(duration ?? "10m")! / .seconds(1)
    o.seed = seed ?? 1
    o.start = .now()
    return PrintJobSimulation.messages(o)
  }
}
