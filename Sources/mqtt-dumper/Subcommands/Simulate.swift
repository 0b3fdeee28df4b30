import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper
import MQTTSimulation

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Synthesise realistic device traffic.",
    subcommands: [PrintJob.self],
    helpNames: [.long])
}

extension PrintJobOptions.Outcome: ExpressibleByArgument {}
extension PrintJobOptions.Plugin: ExpressibleByArgument {}
extension HeaterModel: ExpressibleByArgument {}

struct PrintJob: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "print-job",
    abstract: "Publish (or write) one or more OctoPrint print jobs as the OctoPrint MQTT plugin publishes them.",
    discussion: """
      Same topics, keys in the same order, QoS and retain flags, and events in the order OctoPrint emits \
      them: connection, file selection, start, homing, heat-up, progress, a Z change per layer with timelapse \
      frames, and the outcome. See docs/simulation.md.

      Examples (the first plays a 30-minute job in 30 s):
        mqtt-dumper simulate print-job -h localhost --speed 60
        mqtt-dumper simulate print-job --outcome cancelled \\
          --output cancelled.jsonl.gz
        mqtt-dumper simulate print-job --plugin 2017 \\
          --printers 3 --seed 7 --output lab.jsonl.gz

      Exit status: 0 when the job was published or written; 2 on a usage error, an output file that \
      exists or cannot be written, or a broker error.
      """,
    helpNames: [.long])

  @Option(name: .long, help: "How the job ends; failed is a communication error.")
  var outcome: PrintJobOptions.Outcome = .done

  @Option(name: .long, help: "The G-code file's name.")
  var file = "NodeMCU_Case.gcode"

  @Option(name: .long, help: "The G-code file's size in bytes.")
  var size = 2_823_042

  @Option(name: .long, help: "How long the print takes, PrintStarted to PrintDone, e.g. 90m.")
  var duration = "30m"

  @Option(name: .long, help: "Number of layers (default: one per ~45 s of print).")
  var layers: Int?

  @Option(name: .long, help: "Layer height in mm.")
  var layerHeight = 0.2

  @Option(name: .long, help: "Hot end target in °C.")
  var toolTemp = 210.0

  @Option(name: .long, help: "Bed target in °C.")
  var bedTemp = 60.0

  @Option(name: .long, help: "zchange (a frame per layer) or off.")
  var timelapse = "zchange"

  @Option(
    name: .long,
    help: "virtual (OctoPrint's Virtual Printer) or real (slowing approach, small overshoot, sensor noise).")
  var heaters: HeaterModel = .real

  @Option(name: .long, help: "current (octoPrint/, _timestamp) or 2017 (octoprint/, like the 2017 document).")
  var plugin: PrintJobOptions.Plugin = .current

  @Flag(
    inversion: .prefixedNo,
    help: "The achievements OctoPrint's bundled plugin unlocks on a fresh server's first job, as events.")
  var achievements = true

  @Flag(name: .long, help: "Progress payloads carry OctoPrint's printer data (the MQTT plugin's printerData).")
  var printerData = false

  @Flag(
    name: .customLong("homeassistant"),
    help: "Also publish what the OctoPrint-HomeAssistant plugin does: discovery configs and <base>/hass/ state.")
  var homeAssistant = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Take commands under TOPIC while publishing: TOPIC/cancel PRESS, TOPIC/pause True or False.",
      discussion: "With --homeassistant the printer also listens on <base>/hassControl/ as the plugin does.",
      valueName: "topic"))
  var control: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "A YAML scenario: printers, each with a queue of jobs, waits, disconnects and restarts.",
      discussion: """
        The job options above are the defaults of every job; --homeassistant (or homeassistant: true in the \
        file) runs the companion on every printer, without taking its commands. See docs/simulation.md.
        """,
      valueName: "file"))
  var scenario: String?

  @Option(name: .long, help: "Base topic (default octoPrint, or octoprint for --plugin 2017).")
  var baseTopic: String?

  @Option(name: .long, help: "Printers, each under <base>/printer-<n>, jobs staggered.")
  var printers = 1

  @Option(name: .long, help: "Same seed, same output, byte for byte (with --start).")
  var seed: UInt64 = 1

  @Option(name: .long, help: "The clock of the first message (default: now), e.g. 2025-11-25T11:07:36Z.")
  var start: String?

  @Option(name: [.customShort("o"), .long], help: "Write a capture file instantly instead of publishing.")
  var output: String?

  @Flag(name: .long, help: "Replace the --output file if it exists.")
  var force = false

  @OptionGroup var playback: SpeedOption

  @Flag(name: .long, help: "No progress line and no summary.")
  var quiet = false

  @OptionGroup(title: "Connection (when publishing)") var connection: ConnectionArguments

  func validate() throws {
    guard validating else { return }
    guard let d = parseDuration(duration), d >= .seconds(30) else {
      throw ValidationError("--duration '\(duration)' must be a duration of at least 30s, like 90m.")
    }
    if let layers, layers < 1 { throw ValidationError("--layers must be at least 1.") }
    guard layerHeight > 0, layerHeight <= 2 else { throw ValidationError("--layer-height must be between 0 and 2 mm.") }
    guard (0...500).contains(toolTemp), (0...150).contains(bedTemp) else {
      throw ValidationError("--tool-temp must be 0–500 °C and --bed-temp 0–150 °C.")
    }
    guard ["zchange", "off"].contains(timelapse) else { throw ValidationError("--timelapse must be zchange or off.") }
    guard (1...10_000).contains(printers) else { throw ValidationError("--printers must be from 1 to 10000.") }
    guard size > 0 else { throw ValidationError("--size must be a positive number of bytes.") }
    if let control, control.isEmpty || control.contains("#") || control.contains("+") {
      throw ValidationError("--control '\(control)' must be a topic without wildcards, like sim/control.")
    }
    if scenario != nil && printers != 1 {
      throw ValidationError("--scenario names its printers itself and takes no --printers.")
    }
    if scenario != nil && control != nil {
      throw ValidationError(
        "--scenario takes no --control: its queues are planned ahead, so a cancelled or paused job would run into "
          + "the next job's planned start.")
    }
    if control != nil && output != nil {
      throw ValidationError("--control takes commands while publishing; it does nothing with --output.")
    }
    if homeAssistant && plugin != .current {
      throw ValidationError(
        "--homeassistant needs the current plugin (the companion needs OctoPrint-MQTT 0.8); drop --plugin 2017.")
    }
    if force && output == nil {
      throw ValidationError("--force replaces the --output file; give --output FILE with it.")
    }
    if output != nil && connection.isGiven {
      throw ValidationError("--output writes a file instead of publishing, so it takes no connection options.")
    }
    try playback.check()
  }

  func options() throws -> PrintJobOptions {
    var o = PrintJobOptions()
    o.outcome = outcome
    o.plugin = plugin
    o.fileName = file
    o.fileSize = size
    o.duration = parseDuration(duration)! / .seconds(1)
    o.layers = layers
    o.layerHeight = layerHeight
    o.toolTemperature = toolTemp
    o.bedTemperature = bedTemp
    o.timelapse = timelapse == "zchange"
    o.heaters = heaters
    o.baseTopic = baseTopic
    o.achievements = achievements
    o.printerData = printerData
    o.homeAssistant = homeAssistant
    o.printers = printers
    o.seed = seed
    if let start {
      guard case .absolute(let ts) = try parseTimeBound(start, flag: "--start") else {
        throw ValidationError("--start needs a date and time, like 2025-11-25T11:07:36Z or @1764068856.")
      }
      o.start = ts
    } else {
      o.start = .now()
    }
    return o
  }

  /// What the summary calls the simulation: the scenario, or the job as planned (commands may change it).
  private var what: String {
    if let scenario { return "the scenario \(scenario)" }
    return control != nil || homeAssistant ? "a simulated print job" : "a simulated \(outcome.rawValue) print"
  }

  /// What makes the messages: the job the options describe, or the scenario file's printers; whether the Home
  /// Assistant companion runs (`--homeassistant`, or the file's `homeassistant: true`).
  /// - Throws: `ExitCode.error` (after one sentence) when the scenario file cannot be read or used.
  private func streamMaker(_ o: PrintJobOptions) throws -> (
    make: () -> PrintJobStream, start: Timestamp, tool: String, homeAssistant: Bool
  ) {
    let tool = "mqtt-dumper \(MQTTDumperVersion.string) simulate print-job"
    guard let scenario else {
      return ({ PrintJobStream(o) }, o.start, "\(tool) --seed \(seed)", homeAssistant)
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: scenario, isDirectory: &isDirectory) else {
      printError("the scenario \(scenario) does not exist; give the path of a YAML file (see docs/simulation.md).")
      throw ExitCode.error
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: scenario) else {
      printError(
        "cannot read the scenario \(scenario): \(isDirectory.boolValue ? "it is a directory" : "it is not readable").")
      throw ExitCode.error
    }
    let text = String(decoding: data, as: UTF8.self)
    do {
      let parsed = try Scenario(yaml: text, defaults: o)
      return (
        { PrintJobStream(parsed, base: o) }, parsed.start ?? o.start,
        "\(tool) --scenario \((scenario as NSString).lastPathComponent) --seed \(parsed.seed ?? seed)",
        homeAssistant || parsed.homeAssistant
      )
    } catch {
      printError("the scenario \(scenario) cannot be used: \(error.description).")
      throw ExitCode.error
    }
  }

  func run() throws {
    let o = try options()
    let (makeStream, start, tool, companion) = try streamMaker(o)
    do {
      if let output {
        let header = CaptureHeader(
          created: start.rfc3339, tool: tool,
          broker: "simulated", protocolName: "mqttv5",
          // The companion's discovery configs are under homeassistant/ (the SoC sensor's always).
          subscriptions: [
            CaptureSubscription(
              filter: "\(o.baseTopic ?? (plugin == .current ? "octoPrint" : "octoprint"))/#", qos: .exactlyOnce)
          ] + (companion ? [CaptureSubscription(filter: "homeassistant/#", qos: .exactlyOnce)] : []))
        let writer =
          output == "-"
          ? try CaptureWriter(standardOutputWithHeader: header)
          : try CaptureWriter(path: output, mode: force ? .replace : .createNew, header: header)
        // The file is opened (or refused) first: an existing one is refused before any work.
        var written = 0
        for m in makeStream() {
          try writer.write(m)
          written += 1
        }
        try writer.close()
        if !quiet && output != "-" {
          writeToStandardError("mqtt-dumper: wrote \(formatCount(written, "message")) of \(what) to \(output)\n")
        }
        return
      }
      installStopHandlers()
      let client = try MQTTClient(options: try connection.options(), lowLatency: true)
      let stream = makeStream()
      if plugin == .current, let first = stream.availabilityTopics.first {
        // The plugin's last will: consumers see the (first) printer go away if we are killed.
        try client.setWill(topic: first, payload: Array("disconnected".utf8), qos: .atLeastOnce, retain: true)
      }
      // A scenario's printers take no commands (see validate()).
      let topics = JobControlTopics(
        base: o.base, printers: o.printers, homeAssistant: homeAssistant && scenario == nil, prefix: control)
      let simulation = ControlledSimulation(stream: stream, topics: topics, speed: playback.speed, quiet: quiet)
      if topics.isActive { client.onMessage = { simulation.receive(topic: $0.topic, payload: $0.payload) } }
      try client.connect()
      defer { client.disconnect() }
      for filter in topics.subscriptions { try client.subscribe(filter, qos: .atLeastOnce) }
      var options = ReplayOptions()
      options.speed = playback.speed
      var status = StatusLine()
      let showProgress = !quiet && stderrIsTerminal
      // The jobs are made as time reaches them: thousands of printers start at once and fit in memory.
      let progress = try Replayer(client: client, options: options).run(
        makeSource: { SimulationSource(simulation: simulation) },
        shouldStop: { stopRequested.load(ordering: .relaxed) },
        report: showProgress
          ? { p in
            status.show(
              "▶ simulating: \(formatCount(p.sent, "message")) published, "
                + "\(formatDuration(seconds: p.scheduled / .seconds(1))) of print time")
          } : nil,
        stillDue: topics.isActive ? { simulation.stillDue($0) } : nil)
      status.clear()
      if stopRequested.load(ordering: .relaxed) && plugin == .current {
        // Stopped: the simulated OctoPrint shuts down, and says so as the plugin does (retained), so that Home
        // Assistant and dashboards do not show a printer that is gone as online.
        for topic in simulation.availabilityTopics {
          try client.publish(topic: topic, payload: Array("disconnected".utf8), qos: .atLeastOnce, retain: true)
        }
        try client.drain()
      }
      if !quiet {
        writeToStandardError(
          "mqtt-dumper: published \(formatCount(progress.sent, "message")) of \(what) in \(formatDuration(seconds: progress.elapsed / .seconds(1)))\n"
        )
      }
    } catch let error as ValidationError {
      throw error
    } catch let error as CaptureError where error.isClosedPipe {
      return  // the reader of -o - went away (| head): not an error
    } catch {
      printError(error)
      throw ExitCode.error
    }
  }
}

/// A simulation as the replayer's source.
private struct SimulationSource: MessageSource {
  let simulation: ControlledSimulation
  mutating func next() throws -> CapturedMessage? { simulation.next() }
}

/// The running simulation and the commands that reach it: they arrive while the replayer waits for the next
/// message (on its thread), and take effect before that message is sent.
private final class ControlledSimulation {
  private var stream: PrintJobStream
  private let topics: JobControlTopics
  private let speed: Double
  private let quiet: Bool
  /// Commands received and not yet applied, with when they arrived.
  private var queue:
    [(printer: Int, command: HomeAssistantCommand, name: String, topic: String, at: ContinuousClock.Instant)] = []
  /// The simulated time of the first message and when it was taken: wall clock to simulated time.
  private var origin: (time: Timestamp, wall: ContinuousClock.Instant)?

  init(stream: PrintJobStream, topics: JobControlTopics, speed: Double, quiet: Bool) {
    self.stream = stream
    self.topics = topics
    self.speed = speed
    self.quiet = quiet
  }

  var availabilityTopics: [String] { stream.availabilityTopics }

  func next() -> CapturedMessage? {
    let m = stream.next()
    if origin == nil, let m { origin = (m.timestamp, .now) }
    return m
  }

  func receive(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
    let name = String(decoding: topic, as: UTF8.self)
    guard let found = topics.command(topic: name, payload: Array(payload)) else {
      let form =
        topics.printers > 1
        ? "a printer (printer-1 to printer-\(topics.printers)), then cancel with PRESS or pause with True or False"
        : "cancel with PRESS, or pause with True or False"
      say("ignored \(name): not a command here; the simulation takes \(form)")
      return
    }
    queue.append((found.printer, found.command, found.name, name, .now))
  }

  /// Applies the commands that arrived, each at the simulated time it arrived (but not after `message`);
  /// then whether `message` is still to be sent.
  func stillDue(_ message: CapturedMessage) -> Bool {
    guard !queue.isEmpty else { return !PrintJobStream.isIdleMark(message) }
    for c in queue {
      var at = message.timestamp
      if let origin {
        let elapsed = (c.at - origin.wall) / .seconds(1) * (speed > 0 ? speed : 1)
        at = min(at, Timestamp(microseconds: origin.time.microseconds + Int64(elapsed * 1_000_000)))
      }
      guard let command = c.command.jobCommand else {
        say("ignored \(c.topic): the simulation acts on cancel, pause and resume only")
        continue
      }
      if let refusal = stream.apply(command, printer: c.printer, at: at) {
        say("ignored \(c.topic): \(refusal)")
      } else {
        let who = topics.printers > 1 ? "printer-\(c.printer + 1): " : ""
        say("\(who)\(command.rawValue) (\(c.topic))")
      }
    }
    queue.removeAll()
    return !stream.revokedLast && !PrintJobStream.isIdleMark(message)
  }

  private func say(_ text: String) {
    guard !quiet else { return }
    // On a terminal the status line is cleared first; in a file, no control characters.
    writeToStandardError((stderrIsTerminal ? "\r\u{1B}[K" : "") + "mqtt-dumper: \(VisibleText.escape(text))\n")
  }
}
