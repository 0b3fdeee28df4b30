import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

/// The timing and rewriting options shared by `replay` and `simulate`.
struct PublishOptions: ParsableArguments {
  @Option(name: .long, help: "Time factor: 2 plays twice as fast, 0.5 half as fast.")
  var speed = 1.0

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

  func validate() throws {
    guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a positive number, like 2 or 0.5.") }
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
    o.speed = speed
    o.maxRate = maxRate
    o.loops = loop == "forever" ? nil : Int(loop)
    o.qos = qos.flatMap { MQTTQoS(rawValue: UInt8($0)) }
    o.retain = retain
    o.topics = TopicMap(rules: map.compactMap(TopicMap.Rule.init), prefix: prefix)
    return o
  }
}

struct Replay: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Publish recorded messages again, with their topic, payload, QoS, retain, properties and timing.",
    discussion: """
      Message k is published at start + (ts_k - ts_0) / speed on an absolute schedule, so timing errors do \\
      not add up over long replays. QoS 1/2 messages the broker refuses (MQTT v5 acknowledgements with a \
      failure reason, an ACL for example) are counted; the replay then names the first and exits with 1.

      Examples:
        mqtt-dumper replay print.jsonl.gz -h localhost
        mqtt-dumper replay print.jsonl.gz --speed 10 --map 'octoPrint/#=lab/printer-2/#'
        mqtt-dumper replay print.jsonl.gz --from 10m --to 20m -t 'octoPrint/event/#' --loop forever
        mqtt-dumper replay print.jsonl.gz --dry-run
      """,
    helpNames: [.long])

  @Argument(help: "Capture files, played one after the other (- for standard input).")
  var files: [String]

  @OptionGroup(title: "Timing and rewriting") var publish: PublishOptions

  @Option(name: [.customShort("t"), .customLong("topic")], help: "Replay only topics matching this filter (repeatable).")
  var topics: [String] = []

  @Option(name: .long, help: "Leave out topics matching this filter (repeatable).")
  var exclude: [String] = []

  @Option(name: .long, help: "Start here: an offset from the start (10m) or a time (2025-11-25T11:07:36Z).")
  var from: String?

  @Option(name: .long, help: "Stop here (same forms as --from).")
  var to: String?

  @Flag(name: .long, help: "Print the schedule instead of publishing.")
  var dryRun = false

  @Flag(name: .long, help: "No progress line and no summary.")
  var quiet = false

  @OptionGroup(title: "Connection") var connection: ConnectionArguments

  func validate() throws {
    if dryRun && publish.loop == "forever" {
      throw ValidationError("--dry-run with --loop forever would never end; give a number of loops.")
    }
  }

  func makeFilter() throws -> MessageFilter {
    var filter = MessageFilter()
    filter.topics = try topicFilters(topics)
    filter.excludes = try topicFilters(exclude)
    filter.since = try from.map { try parseTimeBound($0, flag: "--from") }
    filter.until = try to.map { try parseTimeBound($0, flag: "--to") }
    return filter
  }

  func run() throws {
    let filter = try makeFilter()
    let options = publish.replayOptions()
    if files.contains("-") && (options.loops != 1 || (!quiet && stderrIsTerminal)) && !dryRun {
      throw ValidationError("standard input can be read once: give a file to loop over or to show progress.")
    }
    do {
      if dryRun {
        try printSchedule(filter: filter, options: options)
        return
      }
      // On a terminal, count first so the progress line can say how much is left.
      var total: Int?
      var span: Duration?
      let showProgress = !quiet && stderrIsTerminal
      if showProgress {
        var counter = CaptureFileSource(paths: files, filter: filter)
        var n = 0
        var first: Timestamp?
        var last: Timestamp?
        while let m = try counter.next() {
          n += 1
          if first == nil { first = m.timestamp }
          last = m.timestamp
        }
        total = n
        if let first, let last { span = .microseconds(last.microseconds - first.microseconds) }
      }
      installStopHandlers()
      let client = try MQTTClient(options: try connection.options(), lowLatency: !options.maxRate)
      try client.connect()
      defer { client.disconnect() }
      var truncations: [String] = []
      var status = StatusLine()
      let replayer = Replayer(client: client, options: options)
      let progress = try replayer.run(
        makeSource: { TrackingSource(inner: CaptureFileSource(paths: files, filter: filter)) { truncations = $0 } },
        total: total, span: span,
        shouldStop: { stopRequested.load(ordering: .relaxed) },
        report: showProgress ? { p in status.show(progressText(p, options: options)) } : nil)
      status.clear()
      for t in Set(truncations) { printWarning(t) }
      if !quiet {
        let stopped = stopRequested.load(ordering: .relaxed) ? " (stopped)" : ""
        FileHandle.standardError.write(
          Data(
            ("mqtt-dumper: replayed \(formatCount(progress.sent)) messages in "
              + "\(formatDuration(seconds: progress.elapsed / .seconds(1)))\(stopped)"
              + (options.maxRate
                ? "" : ", each at most \(formatDecimal(progress.maxLateness / .milliseconds(1), places: 2)) ms late")
              + "\n").utf8))
      }
      if !truncations.isEmpty { throw ExitCode.failure }
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      throw error
    } catch {
      printError(error)
      throw ExitCode.failure
    }
  }

  private func progressText(_ p: ReplayProgress, options: ReplayOptions) -> String {
    let sent = p.total.map { "\(formatCount(p.sent))/\(formatCount($0))" } ?? formatCount(p.sent)
    var text = "▶ replaying: \(sent) messages, \(formatDuration(seconds: p.elapsed / .seconds(1))) elapsed"
    if let span = p.span, !options.maxRate {
      let left = max(0, (span - p.scheduled) / .seconds(1) / options.speed)
      text += ", \(formatDuration(seconds: left)) left"
    }
    if options.loops != 1 { text += ", pass \(p.pass)" }
    return text
  }

  /// `--dry-run`: when each message would go out and where.
  private func printSchedule(filter: MessageFilter, options: ReplayOptions) throws {
    let output = BufferedOutput()
    var passOffset: Duration = .zero
    do {
      for pass in 1...(options.loops ?? 1) {
        var source = CaptureFileSource(paths: files, filter: filter)
        var first: Timestamp?
        var last: Timestamp?
        var count = 0
        while let m = try source.next() {
          if first == nil { first = m.timestamp }
          last = m.timestamp
          count += 1
          let offset = passOffset + .microseconds(m.timestamp.microseconds - first!.microseconds)
          let at = options.maxRate ? "asap" : "+" + formatDecimalFixed(offset / .seconds(1) / options.speed) + "s"
          let topic = options.topics.rewrite(m.topic)
          let qos = (options.qos ?? m.qos).rawValue
          let retain = (options.retain ?? m.retain) ? ", retained" : ""
          try output.write(Array("\(at)  \(topic)  (qos \(qos)\(retain), \(m.payload.count) bytes)\n".utf8))
        }
        guard let first, let last, count > 0 else { break }
        let span = Duration.microseconds(last.microseconds - first.microseconds)
        passOffset += span + (count > 1 ? span / (count - 1) : .seconds(1))
        if pass < (options.loops ?? 1) { try output.write(Array("-- pass \(pass + 1) --\n".utf8)) }
      }
      try output.flush()
    } catch let error as CaptureError where error.isClosedPipe {
      return
    }
  }
}

/// Passes messages through and hands over the reader's cut-off sentences when the pass ends.
struct TrackingSource: MessageSource {
  var inner: CaptureFileSource
  let onEnd: ([String]) -> Void

  mutating func next() throws -> CapturedMessage? {
    if let m = try inner.next() { return m }
    onEnd(inner.truncations)
    return nil
  }
}

/// `12.345` (three decimals).
func formatDecimalFixed(_ value: Double) -> String {
  let millis = Int((value * 1000).rounded())
  let frac = millis % 1000
  return "\(millis / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + "\(frac)"
}
