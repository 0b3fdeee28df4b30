import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

struct Capture: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Record every message from a broker into a compressed, crash-safe capture file.",
    discussion: """
      Examples:
        mqtt-dumper capture -h printer.local -t 'octoPrint/#' \\
          -o print.jsonl.gz
        mqtt-dumper capture -t '#' -o - | jq .
        mqtt-dumper capture -t 'octoPrint/#' \\
          -T 'octoPrint/camera/#' -o print.jsonl.gz
        mqtt-dumper capture --session rec1 -q 1 \\
          -o day.jsonl.gz --rotate-interval 1h
        mqtt-dumper capture --share fleet --retained-snapshot \\
          -t 'plant/#' -o rec-a.jsonl.gz

      --share GROUP makes this recorder one of a group that splits the traffic (MQTT shared \
      subscriptions, $share/GROUP/FILTER): run it on several machines with the same GROUP, then \
      `mqtt-dumper merge` their files. See docs/scaling.md.

      Ctrl-C (SIGINT) or SIGTERM finishes the file properly. Even after a crash or kill -9 \
      the file reads up to the last ~50 ms before it. Names ending in .gz are compressed.

      Exit status: 0 when it stopped as asked (Ctrl-C, -C, -W); 2 on a usage error, an output it cannot \
      write, or a broker that cannot be reached, refuses a subscription, or gives the client id to another \
      client (two recorders with one -i or --session stop fighting this way).
      """,
    helpNames: [.long])

  @OptionGroup(title: "Connection") var connection: ConnectionArguments

  @Option(name: [.customShort("t"), .customLong("topic")], help: "Topic filter to record (repeatable; default '#').")
  var topics: [String] = []

  @Option(
    name: [.customShort("T"), .long],
    help: "Do not record topics matching this MQTT filter (repeatable; mosquitto_sub's -T).")
  var exclude: [String] = []

  @Option(
    name: [.customShort("q"), .long], help: "Maximum QoS to subscribe with; 2 records the publisher's QoS.")
  var qos = 2

  @Option(
    name: [.customShort("o"), .long],
    help:
      "Capture file (.jsonl.gz compressed, .jsonl plain), or - for JSON Lines on stdout. Default: capture-<time>.jsonl.gz."
  )
  var output: String?

  @Flag(name: .long, help: "Replace the output file if it exists (when rotating, with its numbered files).")
  var force = false

  @Flag(name: .long, help: "Add to the output file if it exists (when rotating, numbers continue after the set's).")
  var append = false

  @Option(
    name: .long,
    help: "Continue into a new numbered file (print.1.jsonl.gz, …) after this size, e.g. 100MB.")
  var rotateSize: String?

  @Option(name: .long, help: "Continue into a new numbered file after this time, e.g. 1h.")
  var rotateInterval: String?

  @OptionGroup var stop: StopOptions

  @Option(
    name: .long,
    help: """
      Persistent session with this client id: with -q 1 or 2, messages published while disconnected are kept. \
      At QoS 1 the broker may send a message again after a reconnection, which is then recorded twice; QoS 2 \
      never is. Give each recorder its own session.
      """)
  var session: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      """
      Record as one of a group of recorders that split the traffic: subscribe to $share/GROUP/FILTER for \
      each -t. The broker gives each message to one recorder of the group.
      """, valueName: "group"))
  var share: String?

  @Option(
    name: .long,
    help: ArgumentHelp("This recorder's name in the header (default: host name and process id).", valueName: "name"))
  var instance: String?

  @Flag(
    name: .long,
    help: """
      With --share: read the broker's retained messages once at the start, over a short connection of \
      their own (shared subscriptions get none), and record them marked as the retained snapshot.
      """)
  var retainedSnapshot = false

  @Option(name: .long, help: "Compression level, 1 (fastest) to 9 (smallest).")
  var level: Int32 = 6

  @Flag(name: .long, help: "No status line and no summary.")
  var quiet = false

  func validate() throws {
    guard validating else { return }
    guard (0...2).contains(qos) else { throw ValidationError("-q/--qos must be 0, 1 or 2, not \(qos).") }
    _ = try topicFilters(topics)
    _ = try topicFilters(exclude)
    if force && append { throw ValidationError("--force and --append contradict each other; choose one.") }
    if let rotateSize, parseSize(rotateSize) == nil {
      throw ValidationError("--rotate-size '\(rotateSize)' is not a size; write it like 100MB or 1GiB.")
    }
    if let rotateInterval, parseDuration(rotateInterval).map({ $0 > .zero }) != true {
      throw ValidationError("--rotate-interval '\(rotateInterval)' is not a duration; write it like 30m or 1h.")
    }
    if let rotateInterval, let d = parseDuration(rotateInterval), d < .seconds(1) {
      throw ValidationError(
        "--rotate-interval \(rotateInterval) would start a file several times a second; give 1s or more, like 1h.")
    }
    if session != nil && connection.clientID != nil {
      throw ValidationError("--session NAME is the client id of a persistent session; give it or -i, not both.")
    }
    if output == "-" && (rotateSize != nil || rotateInterval != nil) {
      throw ValidationError("--rotate-size and --rotate-interval need a file; standard output cannot rotate.")
    }
    guard (1...9).contains(level) else { throw ValidationError("--level must be from 1 to 9.") }
    try validateGroup()
  }

  private func validateGroup() throws {
    if let share {
      if let problem = CaptureGroup.nameProblem(share) {
        throw ValidationError(
          "--share '\(share)' cannot name a group: it \(problem), and a share name may not hold '/', '+' or '#'.")
      }
      if let shared = topics.first(where: { $0.hasPrefix("$share/") }) {
        throw ValidationError(
          "-t '\(shared)' is already a shared subscription; with --share give the plain filter, as -t 'a/#'.")
      }
    } else if retainedSnapshot {
      throw ValidationError(
        "--retained-snapshot is for a group (--share GROUP); without it the subscription receives the retained "
          + "messages by itself.")
    }
    if let instance, instance.isEmpty { throw ValidationError("--instance needs a name.") }
  }

  func run() throws {
    var config = CaptureConfiguration()
    config.connection = try connection.options()
    config.filters = topics.isEmpty ? ["#"] : topics
    config.excludes = try topicFilters(exclude)
    config.qos = MQTTQoS(rawValue: UInt8(qos))!
    config.output = output ?? "capture-\(fileTimestamp()).jsonl.gz"
    config.mode = force ? .replace : append ? .append : .createNew
    config.rotation = CaptureRotation(
      maxBytes: rotateSize.flatMap(parseSize), interval: rotateInterval.flatMap(parseDuration))
    stop.apply(to: &config)
    config.sessionName = session
    config.compressionLevel = level
    config.group = share.map { CaptureGroup(name: $0, instance: instance ?? CaptureGroup.defaultInstance) }
    config.instance = instance
    config.retainedSnapshot = retainedSnapshot
    if share != nil, !quiet, let (a, b) = CaptureGroup.overlappingFilters(config.filters) {
      printWarning(
        "-t '\(a)' and -t '\(b)' overlap: a group shares each filter on its own, so a message matching both can be "
          + "recorded twice, by two recorders of the group; give the group filters that do not overlap.")
    }
    if share != nil, session != nil, !quiet {
      printWarning(
        "--session in a group: while this recorder is away the broker keeps handing it its share and queues it "
          + "(mosquitto keeps 1,000 and drops the rest); a clean session lets the others take over (docs/scaling.md).")
    }

    installStopHandlers()
    let showStatus = !quiet && stderrIsTerminal
    var status = StatusLine()
    var lastMessages = 0
    var lastElapsed = Duration.zero
    var notices = ConnectionNotices(broker: config.connection.brokerDescription)
    let progress: CaptureProgress
    do {
      let session = try CaptureSession(configuration: config)
      progress = try session.run(
        shouldStop: { stopRequested.load(ordering: .relaxed) },
        report: quiet
          ? nil
          : { p in
            guard showStatus else { return notices.update(p) }
            let window = (p.elapsed - lastElapsed) / .seconds(1)
            let rate = window > 0 ? Double(p.messages - lastMessages) / window : 0
            lastMessages = p.messages
            lastElapsed = p.elapsed
            status.show(statusText(p, rate: rate))
          },
        warn: quiet
          ? nil
          : { loss in
            status.clear()
            printWarning(loss.userSentence)
          })
    } catch let error as CaptureError where error.isClosedPipe {
      status.clear()
      return  // the reader of -o - went away (| head): not an error
    } catch CaptureError.fileExists(let path) where path != config.output {
      printError(
        "\(path) already exists, from an older rotation of \(config.output); choose another file name, or pass "
          + "--force to replace that whole set or --append to add to it.")
      throw ExitCode.error
    } catch CaptureError.fileExists(let path) {
      printError(
        "\(path) already exists; choose another file name, or pass --force to replace it or --append to add to it.")
      throw ExitCode.error
    } catch {
      status.clear()
      printError(error)
      throw ExitCode.error
    }
    status.clear()
    if !quiet {
      let seconds = progress.elapsed / .seconds(1)
      let files = progress.paths == ["-"] ? "standard output" : progress.paths.joined(separator: ", ")
      writeToStandardError(
        ("mqtt-dumper: recorded \(formatCount(progress.messages, "message"))"
          + (progress.snapshotMessages > 0
            ? " and a retained snapshot of \(formatCount(progress.snapshotMessages, "message"))" : "")
          + " in \(formatDuration(seconds: seconds)) "
          + "to \(files) (\(formatBytes(progress.fileBytes))"
          + (progress.disconnections > 0 ? ", \(formatCount(progress.disconnections, "disconnection"))" : "") + ")\n"))
    }
  }

  private func statusText(_ p: CaptureProgress, rate: Double) -> String {
    let state = p.connected ? "●" : "○ reconnecting (\(p.lastProblem ?? "connection lost"))"
    let ratio =
      p.fileBytes > 0 && p.paths != ["-"]
      ? ", \(formatDecimal(Double(p.uncompressedBytes) / Double(p.fileBytes), places: 1)):1" : ""
    let file = p.paths.last.map { $0 == "-" ? "stdout" : $0 } ?? ""
    return
      "\(state) recording to \(file): \(formatCount(p.messages, "message")), \(formatCount(Int(rate.rounded())))/s, "
      + "\(formatBytes(p.fileBytes)) written\(ratio), \(formatDuration(seconds: p.elapsed / .seconds(1)))"
  }

  private func fileTimestamp() -> String {
    let t = Timestamp.now().rfc3339  // 2025-11-25T11:47:36.123456Z
    return t.prefix(19).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
  }
}

/// Without a terminal for the status line, losing and regaining the connection is said in a line each, so
/// that a log shows the gap (the file records it as events too).
private struct ConnectionNotices {
  let broker: String
  private var disconnections = 0
  private var lostAt: Duration?

  init(broker: String) { self.broker = broker }

  mutating func update(_ p: CaptureProgress) {
    if p.disconnections > disconnections {
      disconnections = p.disconnections
      if lostAt == nil {
        lostAt = p.elapsed
        printWarning(
          "lost the connection to \(broker) (\(p.lastProblem ?? "connection lost")); reconnecting, "
            + "the gap is recorded as a 'disconnected' event.")
      }
    }
    if p.connected, let since = lostAt {
      lostAt = nil
      printWarning("reconnected to \(broker) after \(formatDuration(seconds: (p.elapsed - since) / .seconds(1))).")
    }
  }
}
