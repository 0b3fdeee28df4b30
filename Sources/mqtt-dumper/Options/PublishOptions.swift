import ArgumentParser
import MQTTCapture
import MQTTDumper

/// How `replay` publishes: timing, passes, and rewriting of topics and flags.
struct PublishOptions: ParsableArguments {
  @OptionGroup var playback: SpeedOption

  @Flag(name: .long, help: "Ignore the timing: publish as fast as the broker takes them.")
  var maxRate = false

  @Option(name: .long, help: "Play N times, or 'forever'; time keeps running forward across loops.")
  var loop = "1"

  @Option(name: .long, help: "Rewrite topics: 'octoPrint/#=lab/printer-2/#' (+ and # carry over; repeatable).")
  var map: [String] = []

  @Option(name: .long, help: "Put this in front of every topic, e.g. sim/.")
  var prefix: String?

  @Option(name: .long, help: "Publish every message with this QoS instead of the recorded one.")
  var qos: Int?

  @Flag(name: .long, inversion: .prefixedNo, help: "Set (or with --no-retain, clear) the retain flag on every message.")
  var retain: Bool?

  @Flag(
    name: .long,
    help: "Rewrite time fields in JSON payloads (OctoPrint's _timestamp) to the moment each message is sent.")
  var shiftTimestamps = false

  @Option(
    name: .long,
    help: "Another JSON field holding a time, e.g. data.time (repeatable; implies --shift-timestamps).")
  var timeField: [String] = []

  func validate() throws {
    guard validating else { return }
    for path in timeField where TimeFields.path(path) == nil {
      throw ValidationError(
        "--time-field '\(path)' is not a path; name the field by its keys from the top, joined by dots, like data.time."
      )
    }
    try playback.check()
    if loop != "forever" {
      guard let n = Int(loop), n >= 1 else {
        throw ValidationError("--loop must be a number of passes (1 or more) or 'forever', not '\(loop)'.")
      }
    }
    for rule in map where TopicMap.Rule(rule) == nil {
      throw ValidationError(
        "--map '\(rule)' is not a rule; write SOURCE=TARGET like 'octoPrint/#=lab/printer-2/#' "
          + "(the target may use the source's + and # only).")
    }
    if let qos, !(0...2).contains(qos) { throw ValidationError("--qos must be 0, 1 or 2, not \(qos).") }
  }

  func replayOptions() -> ReplayOptions {
    var o = ReplayOptions()
    o.speed = playback.speed
    o.maxRate = maxRate
    o.loops = loop == "forever" ? nil : Int(loop)
    o.qos = qos.flatMap { MQTTQoS(rawValue: UInt8($0)) }
    o.retain = retain
    o.topics = TopicMap(rules: map.compactMap(TopicMap.Rule.init), prefix: prefix)
    if shiftTimestamps || !timeField.isEmpty {
      let given = timeField.compactMap(TimeFields.path).filter { !TimeFields.octoPrint.paths.contains($0) }
      o.timeFields = TimeFields(paths: TimeFields.octoPrint.paths + given)
    }
    return o
  }
}
