import MQTTCapture

/// Everything `simulate print-job` can vary.
public struct PrintJobOptions: Sendable {
  /// How the job ends (`--outcome`).
  public enum Outcome: String, Sendable, CaseIterable {
    /// It prints to the end: PrintDone, progress 100, the timelapse movie.
    case done
    /// The user cancels it 35–50 % into the print: PrintCancelled, then PrintFailed with reason `cancelled`.
    case cancelled
    /// Paused 30–45 % into the print for 5 % of `duration` (20 s to 5 min), resumed, then done.
    case pausedResumed = "paused-resumed"
    /// The printer stops answering 55–70 % into the print: PrintFailed (reason `error`), Error, Disconnected.
    case failed
  }

  /// The version of the OctoPrint-MQTT plugin imitated (`--plugin`): base topic, key order, which events.
  public enum Plugin: String, Sendable, CaseIterable {
    /// OctoPrint-MQTT 0.8.x on OctoPrint 1.11: `octoPrint/`, `_timestamp`, full state set, last will.
    case current
    /// OctoPrint-MQTT 0.5 (2017): `octoprint/`, payloads like the 2017 document, `.mpg` movies.
    case v2017 = "2017"
  }

  /// How the job ends; `.done` by default.
  public var outcome = Outcome.done
  /// The plugin imitated; the current one by default.
  public var plugin = Plugin.current
  /// The G-code file printed, as payloads name it.
  public var fileName = "NodeMCU_Case.gcode"
  /// The G-code file's size in bytes, as payloads give it (`fileposition` counts into it).
  public var fileSize = 2_823_042
  /// From PrintStarted to PrintDone (heat-up included), in seconds; at least the heat-up and 30 s, and a
  /// pause adds its length. The other outcomes end part-way through this.
  public var duration = 1800.0
  /// Layers, a Z change each; nil for one per 45 s of `duration`, 5 to 400.
  public var layers: Int?
  /// The Z step per layer, in mm.
  public var layerHeight = 0.2
  /// The hot end's target, in °C.
  public var toolTemperature = 210.0
  /// The bed's target, in °C.
  public var bedTemperature = 60.0
  /// A timelapse: a frame per Z change (at most one a second), and a movie unless the printer fails.
  public var timelapse = true
  /// How the heaters' temperatures move; the realistic model by default.
  public var heaters = HeaterModel.real
  /// nil: `octoPrint` (current) or `octoprint` (2017).
  public var baseTopic: String?
  /// Printers running a job side by side; with more than one, each publishes under `<base>/printer-<n>`.
  public var printers = 1
  /// Seeds every random choice: the same seed and `start` give the same messages byte for byte.
  public var seed: UInt64 = 1
  /// Unix time of the first message.
  public var start = Timestamp(microseconds: 1_764_068_856_000_000)
  /// The OctoPrint user who prints (`owner` and `user` in the current plugin's file payloads).
  public var user = "maker"
  /// OctoPrint's bundled achievements plugin (current plugin only): the events it fires on this job, as a
  /// fresh OctoPrint fires them on its first print (`plugin_achievements_achievement_unlocked`). On by
  /// default, as on a real server.
  public var achievements = true
  /// The MQTT plugin's `printerData` setting (off by default there too): progress payloads carry
  /// OctoPrint's current printer data as `printer_data`.
  public var printerData = false
  /// The OctoPrint-HomeAssistant plugin beside the MQTT plugin (`--homeassistant`): discovery configs, state
  /// under `<base>/hass/`, the SoC temperature and timelapse frames on `<base>/camera`.
  public var homeAssistant = false
  /// Which printer of `printers` this is (1-based): it names the Home Assistant node.
  var printerNumber = 1
  /// The printer's name in topics (a scenario's `name`); nil: `printer-<printerNumber>`. With several printers
  /// it names the Home Assistant node (`OctoPrint prusa`).
  var printerName: String?
  /// How far into the job it is cancelled (`cancelled`) or fails (`failed`), 0…1; nil: somewhere in the
  /// middle, by the seed.
  public var stopAt: Double?
  /// How far into the job it pauses (`paused-resumed`), 0…1; nil: by the seed.
  public var pauseAt: Double?
  /// How long the pause lasts, in seconds; nil: 5 % of `duration` (20 s to 5 min).
  public var pauseLength: Double?
  /// Whether the session starts with the MQTT plugin connecting to the broker (false: it is connected
  /// already, a later job of a scenario).
  var connectPlugin = true
  /// Whether the session starts with OctoPrint connecting to the printer.
  var connectPrinter = true
  /// How long OctoPrint has been up when the session starts, in seconds (a later job of a scenario): the
  /// companion's 30 s SoC timer keeps the beat it has run on since startup.
  var serverUptime = 0.0
  /// Achievements the server unlocked before (by earlier jobs of a scenario): they come once per server.
  var unlockedAchievements: Set<String> = []
  /// The heaters' temperatures when the session starts (a later job starts where the last left them).
  var startingTemperatures: (tool: Double, bed: Double)?

  /// A 30-minute print of `NodeMCU_Case.gcode` that ends done, on one printer with the current plugin.
  public init() {}

  /// The base topic in use: `baseTopic`, or the plugin's default.
  public var base: String { baseTopic ?? (plugin == .current ? "octoPrint" : "octoprint") }
}

/// Synthesises the MQTT traffic of OctoPrint print jobs as the OctoPrint MQTT plugin publishes it: the
/// same topics, keys in the same order, QoS and retain flags, and events in the order OctoPrint emits
/// them (see docs/simulation.md).
public enum PrintJobSimulation {
  /// All messages of all printers, in time order (for a few printers; `PrintJobStream` makes them as
  /// they are needed).
  public static func messages(_ options: PrintJobOptions) -> [CapturedMessage] {
    Array(PrintJobStream(options))
  }
}

/// The messages of all printers in time order, made as they are asked for: memory stays at a few
/// kilobytes per printer however long the jobs are.
public struct PrintJobStream: Sequence, IteratorProtocol {
  private var printers: [PrinterSession] = []
  /// Each printer's next message, by time (ties: printer order).
  private var heads = MinHeap<Head>()

  private struct Head: Comparable {
    var message: CapturedMessage
    var printer: Int
    static func < (a: Head, b: Head) -> Bool {
      a.message.timestamp != b.message.timestamp ? a.message.timestamp < b.message.timestamp : a.printer < b.printer
    }
    static func == (a: Head, b: Head) -> Bool { a.message.timestamp == b.message.timestamp && a.printer == b.printer }
  }

  /// The printers' jobs as `options` describe them; the same options give the same messages.
  public init(_ options: PrintJobOptions) {
    var rng = SeededRandom(seed: options.seed)
    let count = Swift.max(1, options.printers)
    printers.reserveCapacity(count)
    for i in 0..<count {
      var o = options
      var printerRandom = SeededRandom(seed: rng.next())
      if count > 1 {
        o.baseTopic = "\(options.base)/printer-\(i + 1)"
        // Jobs are staggered and a little different from printer to printer.
        o.duration = options.duration * printerRandom.uniform(0.9, 1.1)
        // Started within the first tenth of the job (at most a minute): the printers run side by side.
        let stagger = printerRandom.uniform(0, Swift.min(60.0, options.duration / 10))
        o.start = Timestamp(microseconds: options.start.microseconds + Int64(stagger * 1_000_000))
      }
      o.printerNumber = i + 1
      printers.append(PrinterSession(job: PrinterJob(options: o, random: printerRandom)))
    }
    fillHeads()
  }

  /// The printers of `scenario`, each with its queue; `base` gives what the scenario does not (the plugin,
  /// the heaters, the base topic, achievements, printer data, the start when the scenario has none). The Home
  /// Assistant companion runs on every printer when `base` or the scenario asks for it.
  public init(_ scenario: Scenario, base: PrintJobOptions) {
    var rng = SeededRandom(seed: scenario.seed ?? base.seed)
    var base = base
    base.homeAssistant = base.homeAssistant || scenario.homeAssistant
    for (i, printer) in scenario.printers.enumerated() {
      printers.append(
        PrinterSession(
          printer, number: i + 1, of: scenario.printers.count, base: base, start: scenario.start ?? base.start,
          seed: rng.next()))
    }
    fillHeads()
  }

  private mutating func fillHeads() {
    for i in printers.indices {
      if let first = printers[i].next() { heads.insert(Head(message: first, printer: i)) }
    }
  }

  /// The next message of any printer, or nil when every job is over.
  public mutating func next() -> CapturedMessage? {
    guard let head = heads.popMin() else { return nil }
    if let following = printers[head.printer].next() { heads.insert(Head(message: following, printer: head.printer)) }
    lastPrinter = head.printer
    lastTimestamp = head.message.timestamp
    revokedLast = false
    return head.message
  }

  private var lastTimestamp: Timestamp?

  /// Whether `message` is only a mark that time passed (a printer paused until resumed says nothing for a
  /// while): not to be published.
  public static func isIdleMark(_ message: CapturedMessage) -> Bool { message.topic.isEmpty }

  /// Whether a command took back the message `next()` returned last: it must not be published.
  public private(set) var revokedLast = false

  /// The printer (0-based) whose message `next()` returned last.
  public private(set) var lastPrinter: Int?

  /// Each printer's MQTT plugin flag, `<base>/mqtt`: where a simulated OctoPrint that shuts down says
  /// `disconnected` (current plugin only).
  public var availabilityTopics: [String] { printers.map { "\($0.base)/mqtt" } }

  /// How many printers run.
  public var printerCount: Int { printers.count }

  /// Changes printer `printer`'s (0-based) job at `time`, as OctoPrint does when asked to cancel, pause or
  /// resume: the messages it made for after `time` are made again by the new plan.
  /// - Returns: nil when the command took effect, else why it was ignored ("no job is printing").
  public mutating func apply(_ command: JobCommand, printer: Int, at time: Timestamp) -> String? {
    guard printers.indices.contains(printer) else { return "there is no printer \(printer + 1)" }
    // Messages made before the command for later: the printer's next one (waiting here) and the one handed out
    // last, if it is this printer's and later than the command; both go back and are dropped or made again.
    let hasHead = heads.contains { $0.printer == printer }
    let heldIsTheirs = lastPrinter == printer && (lastTimestamp.map { $0 > time } ?? false)
    let refusal = printers[printer].apply(command, at: time, takingBack: (hasHead ? 1 : 0) + (heldIsTheirs ? 1 : 0))
    guard refusal == nil else { return refusal }
    heads.removeAll { $0.printer == printer }
    if heldIsTheirs { revokedLast = true }
    if let following = printers[printer].next() { heads.insert(Head(message: following, printer: printer)) }
    return nil
  }
}
