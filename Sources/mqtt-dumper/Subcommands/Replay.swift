import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

struct Replay: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Publish recorded messages again, with their topic, payload, QoS, retain, properties and timing.",
    discussion: """
      Message k is published at start + (ts_k - ts_0) / speed on an absolute schedule, so timing errors do \
      not add up over long replays. QoS 1/2 messages the broker refuses (MQTT v5 acknowledgements with a \
      failure reason, an ACL for example) are counted; the replay then names the first and exits with 2.

      Examples:
        mqtt-dumper replay print.jsonl.gz -h localhost
        mqtt-dumper replay print.jsonl.gz --speed 10 \\
          --map 'octoPrint/#=lab/printer-2/#'
        mqtt-dumper replay print.jsonl.gz --loop forever \\
          -t 'octoPrint/event/#' --since 10m --until 20m
        mqtt-dumper replay print.jsonl.gz --grep PrintDone \\
          --limit 1 --max-rate
        mqtt-dumper replay print.jsonl.gz --dry-run

      Exit status: 0 when every selected message went out; 2 on a usage error (options that select \
      nothing included), a capture that cannot be read or is cut off, or a broker error (unreachable, \
      refusing messages, gone for good).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files, played one after the other (- for standard input).")
  var files: [String]

  @OptionGroup(title: "Timing and rewriting") var publish: PublishOptions

  @OptionGroup(title: "Filters") var filters: FilterOptions

  @Flag(name: .long, help: "Print the schedule instead of publishing (a cut-off file still exits 2, as in a replay).")
  var dryRun = false

  @Flag(name: .long, help: "No progress line and no summary.")
  var quiet = false

  @OptionGroup(title: "Connection") var connection: ConnectionArguments

  func validate() throws {
    guard validating else { return }
    if dryRun && publish.loop == "forever" {
      throw ValidationError("--dry-run with --loop forever would never end; give a number of loops.")
    }
    if dryRun && connection.isGiven {
      throw ValidationError("--dry-run publishes nothing, so it takes no connection options; leave them out.")
    }
  }

  func makeFilter() throws -> MessageFilter {
    try filters.filter()
  }

  func run() throws {
    let filter = try makeFilter()
    let options = publish.replayOptions()
    if files.contains("-") && (options.loops != 1 || (!quiet && stderrIsTerminal)) && !dryRun {
      throw ValidationError("standard input can be read once: give a file to loop over or to show progress.")
    }
    do {
      if dryRun {
        let (shown, complete) = try printSchedule(filter: filter, options: options)
        // As a replay would: a cut-off file is warned about and exits 2, after the schedule of what it holds.
        if !complete { throw ExitCode.error }
        if shown == 0, let error = nothingSelected() { throw error }
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
        report: showProgress ? { p in status.show(replayStatusText(p, options: options)) } : nil)
      status.clear()
      for t in Set(truncations) { printWarning(t) }
      if progress.sent == 0 && !stopRequested.load(ordering: .relaxed), let error = nothingSelected() { throw error }
      if !quiet {
        let stopped = stopRequested.load(ordering: .relaxed) ? " (stopped)" : ""
        writeToStandardError(
          ("mqtt-dumper: replayed \(formatCount(progress.sent, "message")) in "
            + "\(formatDuration(seconds: progress.elapsed / .seconds(1)))\(stopped)"
            + (options.maxRate
              ? "" : ", each at most \(formatDecimal(progress.maxLateness / .milliseconds(1), places: 2)) ms late")
            + "\n"))
      }
      if !truncations.isEmpty { throw ExitCode.error }
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      throw error
    } catch MQTTError.replayStopped(let broker, let reason, let sent, nil, let gaveUp) where !files.contains("-") {
      // How far it got, out of how many: count them now, as the progress line does before it starts.
      var source = CaptureFileSource(paths: files, filter: filter)
      var perPass = 0
      while (try? source.next()) != nil { perPass += 1 }
      printError(
        MQTTError.replayStopped(
          broker: broker, reason: reason, sent: sent, total: options.loops.map { $0 * perPass },
          gaveUpReconnecting: gaveUp))
      throw ExitCode.error
    } catch {
      printError(error)
      throw ExitCode.error
    }
  }

  /// A usage error when the captures hold messages and the options selected none of them (a `--since`
  /// past the end, a `-t` that matches no topic); nil when they hold none, or are standard input.
  private func nothingSelected() -> ValidationError? {
    guard !files.contains("-") else { return nil }
    var all = CaptureFileSource(paths: files)
    var count = 0
    var first: Timestamp?
    var last: Timestamp?
    while let m = try? all.next() {
      count += 1
      if first == nil { first = m.timestamp }
      last = m.timestamp
    }
    guard count > 0, let first, let last else { return nil }
    let messages = formatCount(count, "message")
    if let window = filters.window.given {
      let span = formatDuration(seconds: Double(last.microseconds - first.microseconds) / 1e6)
      return ValidationError(
        "\(window) selects none of the \(messages): they run from \(first.rfc3339) to \(last.rfc3339) (\(span)).")
    }
    let flags = filters.grep == nil ? "-t/--exclude" : "-t/--exclude/--grep"
    return ValidationError(
      "\(flags) select none of the \(messages); `mqtt-dumper info` lists the capture's topics.")
  }

  /// `--dry-run`: when each message would go out and where. What was printed before a corrupt line stays.
  /// - Returns: how many messages were shown, and false when a file was cut off (after warning about it).
  private func printSchedule(filter: MessageFilter, options: ReplayOptions) throws -> (shown: Int, complete: Bool) {
    let output = BufferedOutput()
    var shown = 0
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
        try output.write(
          Array("\(at)  \(topic)  (qos \(qos)\(retain), \(formatCount(m.payload.count, "byte")))\n".utf8))
        shown += 1
      }
      try output.flush()
    } catch let error as CaptureError where error.isClosedPipe {
      return (shown, true)
    }
    for t in Set(truncations) { printWarning(t) }
    return (shown, truncations.isEmpty)
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
