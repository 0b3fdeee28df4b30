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

  func run() throws {
    let o = try options()
    do {
      if let output {
        let header = CaptureHeader(
          created: o.start.rfc3339, tool: "mqtt-dumper \(MQTTDumperVersion.string) simulate print-job --seed \(seed)",
          broker: "simulated", protocolName: "mqttv5",
          subscriptions: [
            CaptureSubscription(
              filter: "\(o.baseTopic ?? (plugin == .current ? "octoPrint" : "octoprint"))/#", qos: .exactlyOnce)
          ])
        let writer =
          output == "-"
          ? try CaptureWriter(standardOutputWithHeader: header)
          : try CaptureWriter(path: output, mode: force ? .replace : .createNew, header: header)
        // The file is opened (or refused) first: an existing one is refused before any work.
        let messages = PrintJobSimulation.messages(o)
        for m in messages { try writer.write(m) }
        try writer.close()
        if !quiet && output != "-" {
          FileHandle.standardError.write(
            Data(
              "mqtt-dumper: wrote \(formatCount(messages.count, "message")) of a simulated \(outcome.rawValue) print to \(output)\n"
                .utf8))
        }
        return
      }
      let messages = PrintJobSimulation.messages(o)
      installStopHandlers()
      let client = try MQTTClient(options: try connection.options(), lowLatency: true)
      if plugin == .current {
        // The plugin's last will: consumers see the printer go away if we are killed.
        let base = o.baseTopic ?? "octoPrint"
        try client.setWill(
          topic: printers > 1 ? "\(base)/printer-1/mqtt" : "\(base)/mqtt", payload: Array("disconnected".utf8),
          qos: .atLeastOnce, retain: true)
      }
      try client.connect()
      defer { client.disconnect() }
      var options = ReplayOptions()
      options.speed = playback.speed
      var status = StatusLine()
      let showProgress = !quiet && stderrIsTerminal
      let span = messages.last.map {
        Duration.microseconds($0.timestamp.microseconds - messages[0].timestamp.microseconds)
      }
      let progress = try Replayer(client: client, options: options).run(
        makeSource: { ArraySource(messages) }, total: messages.count, span: span,
        shouldStop: { stopRequested.load(ordering: .relaxed) },
        report: showProgress
          ? { p in
            status.show(
              "▶ simulating: \(formatCount(p.sent))/\(formatCount(messages.count)) messages, "
                + "\(formatDuration(seconds: p.scheduled / .seconds(1))) of print time")
          } : nil)
      status.clear()
      if !quiet {
        FileHandle.standardError.write(
          Data(
            "mqtt-dumper: published \(formatCount(progress.sent, "message")) of a simulated \(outcome.rawValue) print in \(formatDuration(seconds: progress.elapsed / .seconds(1)))\n"
              .utf8))
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
