import ArgumentParser
import MQTTCapture
import MQTTDumper

/// `-C` and `-W`: when a command that listens to a broker stops by itself (`capture`, `print --live`),
/// as mosquitto_sub's options of the same letters.
struct StopOptions: ParsableArguments {
  @Option(name: [.customShort("C"), .long], help: "Stop after this many messages.")
  var count: Int?

  @Option(name: [.customShort("W"), .long], help: "Stop after this long, e.g. 10m (a plain number is seconds).")
  var duration: String?

  /// Whether either option was given.
  var isGiven: Bool { count != nil || duration != nil }

  func validate() throws {
    guard validating else { return }
    if let duration, parseDuration(duration).map({ $0 > .zero }) != true {
      throw ValidationError(
        "-W/--duration '\(duration)' is not a duration longer than 0; write it like 90s, 10m or 2h.")
    }
    if let count, count < 1 { throw ValidationError("-C/--count must be at least 1.") }
  }

  /// Sets the configuration's message count and duration.
  func apply(to config: inout CaptureConfiguration) {
    config.maxMessages = count
    config.duration = duration.flatMap(parseDuration)
  }
}
