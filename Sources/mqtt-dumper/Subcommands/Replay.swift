import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

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

  @OptionGroup var selection: TopicSelectionOptions

  @Option(name: .long, help: "Start here: an offset from the start (10m) or a time (2025-11-25T11:07:36Z).")
  var from: String?

  @Option(name: .long, help: "Stop here (same forms as --from).")
  var to: String?

  @Flag(name: .long, help: "Print the schedule instead of publishing (a cut-off file still exits 1, as in a replay).")
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
    var filter = try selection.filter()
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
        // As a replay would: a cut-off file is warned about and exits 1, after the schedule of what it holds.
        if try !printSchedule(filter: filter, options: options) { throw ExitCode.failure }
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

  /// `--dry-run`: when each message would go out and where. What was printed before a corrupt line stays.
  /// - Returns: false when a file was cut off (after warning about it).
  private func printSchedule(filter: MessageFilter, options: ReplayOptions) throws -> Bool {
    let output = BufferedOutput()
    var truncations: [String] = []
    do {
      var schedule = ReplaySchedule(loops: options.loops) {
        TrackingSource(inner: CaptureFileSource(paths: files, filter: filter)) { truncations = $0 }
      }
      var pass = 1
      while let entry = try nextEntry(&schedule, output: output) {
        let m = entry.message
        if entry.pass != pass {
          pass = entry.pass
          try output.write(Array("-- pass \(pass) --\n".utf8))
        }
        let at = options.maxRate ? "asap" : "+" + formatDecimalFixed(entry.offset / .seconds(1) / options.speed) + "s"
        let topic = VisibleText.escape(options.topics.rewrite(m.topic))
        let qos = (options.qos ?? m.qos).rawValue
        let retain = (options.retain ?? m.retain) ? ", retained" : ""
        try output.write(Array("\(at)  \(topic)  (qos \(qos)\(retain), \(m.payload.count) bytes)\n".utf8))
      }
      try output.flush()
    } catch let error as CaptureError where error.isClosedPipe {
      return true
    }
    for t in Set(truncations) { printWarning(t) }
    return truncations.isEmpty
  }

  /// The schedule's next entry; on a read error, what was printed before it is written out first.
  private func nextEntry(_ schedule: inout ReplaySchedule, output: BufferedOutput) throws -> ReplaySchedule.Entry? {
    do {
      return try schedule.next()
    } catch {
      try output.flush()
      throw error
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
