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

  /// A 30-minute print of `NodeMCU_Case.gcode` that ends done, on one printer with the current plugin.
  public init() {}

  var base: String { baseTopic ?? (plugin == .current ? "octoPrint" : "octoprint") }
}

/// Synthesises the MQTT traffic of OctoPrint print jobs as the OctoPrint MQTT plugin publishes it: the
/// same topics, keys in the same order, QoS and retain flags, and events in the order OctoPrint emits
/// them (see docs/simulation.md).
public enum PrintJobSimulation {
  /// All messages of all printers, in time order.
  public static func messages(_ options: PrintJobOptions) -> [CapturedMessage] {
    var rng = SeededRandom(seed: options.seed)
    var all: [(Double, Int, CapturedMessage)] = []
    var sequence = 0
    for i in 0..<max(1, options.printers) {
      var o = options
      var printerRandom = SeededRandom(seed: rng.next())
      if options.printers > 1 {
        o.baseTopic = "\(options.base)/printer-\(i + 1)"
        // Jobs are staggered and a little different from printer to printer.
        o.duration = options.duration * printerRandom.uniform(0.9, 1.1)
        // Started within the first tenth of the job (at most a minute): the printers run side by side.
        let stagger = printerRandom.uniform(0, min(60.0, options.duration / 10))
        o.start = Timestamp(microseconds: options.start.microseconds + Int64(stagger * 1_000_000))
      }
      var job = PrinterJob(options: o, random: printerRandom)
      job.run()
      for m in job.output {
        all.append((Double(m.timestamp.microseconds), sequence, m))
        sequence += 1
      }
    }
    all.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return all.map(\.2)
  }
}

/// One printer's session: the plugin connects, OctoPrint connects to the printer, one job runs.
struct PrinterJob {
  let o: PrintJobOptions
  var random: SeededRandom
  var output: [CapturedMessage] = []
  private var events: [(t: Double, seq: Int, topic: String, payload: String, qos: MQTTQoS, retain: Bool)] = []
  private var tool: Heater
  private var bed: Heater
  private var current: Bool { o.plugin == .current }

  init(options: PrintJobOptions, random: SeededRandom) {
    o = options
    self.random = random
    tool = Heater(model: options.heaters, omega: 0.085, coolingTau: 95, noise: 0.18)
    bed = Heater(model: options.heaters, omega: 0.045, coolingTau: 420, noise: 0.09)
  }

  // MARK: - Publishing

  private mutating func publish(
    _ t: Double, _ subtopic: String, _ payload: String, qos: MQTTQoS = .atMostOnce, retain: Bool = false
  ) {
    events.append((t, events.count, "\(o.base)/\(subtopic)", payload, qos, retain))
  }

  private func stamp(_ t: Double) -> Int { Int((Double(o.start.microseconds) / 1e6 + t).rounded(.down)) }

  /// An event: its own fields, then `_event`, then `_timestamp` (current); 2017: `_event` second, no stamp.
  private mutating func event(_ t: Double, _ name: String, _ fields: [(String, Payload)]) {
    let isCurrent = o.plugin == .current
    var members: [(String, Payload)] = fields
    let eventMember: (String, Payload) = ("_event", Payload.string(name))
    if isCurrent {
      members.append(eventMember)
      let stampMember: (String, Payload) = ("_timestamp", Payload.int(stamp(t)))
      members.append(stampMember)
    } else {
      members.insert(eventMember, at: members.isEmpty ? 0 : 1)
    }
    let retained: Bool = isCurrent && (name == "ZChange" || name == "FirmwareData")
    let text: String = Payload.object(members).text
    publish(t, "event/" + name, text, qos: .atMostOnce, retain: retained)
  }

  private mutating func event(_ t: Double, _ name: String) {
    event(t, name, [])
  }

  private mutating func state(_ t: Double, _ id: String, _ text: String) {
    if current {
      event(t, "PrinterStateChanged", [("state_id", .string(id)), ("state_string", .string(text))])
    } else {
      publish(
        t, "event/PrinterStateChanged",
        Payload.object([
          ("state_string", .string(text)), ("_event", .string("PrinterStateChanged")), ("state_id", .string(id)),
        ]).text)
    }
  }

  /// The progress topic; with `printerData`, OctoPrint's printer data as of `t` (given `job` while a
  /// file is selected).
  private mutating func progress(
    _ t: Double, location: String, path: String, percent: Int, job: PrinterData? = nil
  ) {
    var members: [(String, Payload)] =
      current
      ? [("location", .string(location)), ("path", .string(path)), ("progress", .int(percent))]
      : [("progress", .int(percent)), ("location", .string(location)), ("path", .string(path))]
    if current && o.printerData, let job { members.append(("printer_data", job.payload)) }
    if current { members.append(("_timestamp", .int(stamp(t)))) }
    publish(t, "progress/printing", Payload.object(members).text, retain: true)
  }

  /// An achievement unlocked by the bundled achievements plugin (current plugin, `achievements` on).
  private mutating func achievement(_ t: Double, _ achievement: Achievement) {
    guard current && o.achievements else { return }
    event(t, "plugin_achievements_achievement_unlocked", achievement.fields)
  }

  // MARK: - File and movie names

  private var uploads: String { "/home/pi/.octoprint/uploads/" }
  private var timelapseDir: String { "/home/pi/.octoprint/timelapse/" }
  private var layerCount: Int { max(1, o.layers ?? Int((o.duration / 45).rounded()).clamped(5, 400)) }
  private var stem: String { o.fileName.hasSuffix(".gcode") ? String(o.fileName.dropLast(6)) : o.fileName }

  /// `<name>_<YYYYmmddHHMMSS>`, from the time the print started.
  private func moviePrefix(_ t: Double) -> String {
    let ts = Timestamp(microseconds: o.start.microseconds + Int64(t * 1_000_000)).rfc3339  // 2025-11-25T11:07:36.…
    let digits = ts.prefix(19).filter(\.isNumber)
    return "\(stem)_\(digits)"
  }

  private var fileFields: [(String, Payload)] {
    current
      ? [
        ("name", .string(o.fileName)), ("path", .string(o.fileName)), ("origin", .string("local")),
        ("size", .int(o.fileSize)), ("owner", .string(o.user)), ("user", .string(o.user)),
      ]
      : [
        ("origin", .string("local")), ("name", .string(o.fileName)), ("file", .string(uploads + o.fileName)),
        ("path", .string(o.fileName)), ("filename", .string(o.fileName)), ("size", .int(o.fileSize)),
      ]
  }

  private func fileFieldsAdding(_ extra: [(String, Payload)], dropping: Set<String> = []) -> [(String, Payload)] {
    let base = fileFields.filter { !dropping.contains($0.0) }
    if current {
      // Extra fields go before owner/user, as OctoPrint builds these payloads.
      let head = base.filter { $0.0 != "owner" && $0.0 != "user" }
      let tail = base.filter { $0.0 == "owner" || $0.0 == "user" }
      return head + extra + tail
    }
    return base + extra
  }

  // MARK: - The session

  /// The whole session, step by step. Messages are sorted by time when emitted; those at the same time keep
  /// the order in which the steps publish them, and the steps draw random numbers in a fixed order, so a
  /// seed gives the same messages byte for byte.
  mutating func run() {
    pluginConnects()
    let operational = printerConnects()
    var job = startJob(after: operational)
    let timeline = plan(startedAt: job.started)
    let (lastZ, frames) = printLayers(timeline, started: job.started)
    let ending: JobEnding
    switch o.outcome {
    case .done, .pausedResumed:
      ending = finishPrinting(timeline, started: job.started, lastZ: lastZ, frames: frames)
    case .cancelled:
      ending = cancel(timeline, started: job.started, frames: frames)
    case .failed:
      ending = fail(timeline, started: job.started)
    }
    job.targetChanges += ending.targetChanges
    reportProgress(timeline, selected: job.selected, started: job.started, finishedAt: ending.finishedAt)
    // Temperatures from the printer connection until a while after the job.
    temperatures(
      from: operational + 0.5, until: ending.stopTemperaturesAt ?? (ending.finishedAt + 120),
      fastFrom: job.started + 1, fastUntil: timeline.heated, extra: job.targetChanges)
    emit()
  }

  /// When the job was selected and started, and when the heaters' targets changed.
  private struct JobStart {
    var selected: Double
    var started: Double
    var targetChanges: [Double]
  }

  /// How the job ended: when OctoPrint was done with it, whether temperatures stop being reported then
  /// (the printer went away), and further target changes.
  private struct JobEnding {
    var finishedAt: Double
    var stopTemperaturesAt: Double?
    var targetChanges: [Double] = []
  }

  /// When the job heats, prints, pauses and stops, in seconds from the session's start.
  private struct JobTimeline {
    /// Both heaters are at their targets: printing begins.
    var heated: Double
    /// Printing time of the whole job, pauses left out.
    var printPhase: Double
    var pauseAt: Double?
    var pauseLength = 0.0
    /// Wall time the job stops printing.
    var end: Double

    /// How much of the job is printed at `time`.
    func printedFraction(_ time: Double) -> Double {
      var active = time - heated
      if let p = pauseAt, time > p { active -= min(time - p, pauseLength) }
      return min(1, max(0, active / printPhase))
    }

    /// When `f` of the job is printed.
    func wallTime(atFraction f: Double) -> Double {
      let active = heated + f * printPhase
      if let p = pauseAt, active > p { return active + pauseLength }
      return active
    }
  }

  /// The plugin connects to the broker (current plugin: its retained state, progress and slicing).
  private mutating func pluginConnects() {
    guard current else { return }
    let t = 0.0
    publish(t, "mqtt", "connected", qos: .atLeastOnce, retain: true)
    progress(t, location: "", path: "", percent: 0)
    publish(
      t, "progress/slicing",
      Payload.object([
        ("slicer", .string("")), ("source_location", .string("")), ("source_path", .string("")),
        ("destination_location", .string("")), ("destination_path", .string("")), ("progress", .int(0)),
        ("_timestamp", .int(stamp(t))),
      ]).text, retain: true)
  }

  /// OctoPrint connects to the printer.
  /// - Returns: when the printer became operational.
  private mutating func printerConnects() -> Double {
    var t = random.uniform(1.5, 3)
    event(t, "Connecting")
    if current {
      state(t + 0.01, "OPEN_SERIAL", "Opening serial connection")
      state(t + 0.05, "CONNECTING", "Connecting")
    }
    t += random.uniform(1.0, 1.6)
    state(t, "OPERATIONAL", "Operational")
    event(
      t + 0.01, "Connected",
      current
        ? [("port", .string("VIRTUAL")), ("baudrate", .int(115200))]
        : [("port", .string("/dev/ttyUSB0")), ("baudrate", .int(115200))])
    if current {
      event(
        t + 0.2, "FirmwareData",
        [
          ("name", .string("Virtual Marlin 1.0")),
          ("data", .object([("FIRMWARE_NAME", .string("Virtual Marlin 1.0")), ("PROTOCOL_VERSION", .string("1.0"))])),
        ])
    }
    return t
  }

  /// The file is selected and the job starts: start scripts, heater targets, homing.
  private mutating func startJob(after operational: Double) -> JobStart {
    let t = operational + random.uniform(8, 15)
    event(t, "FileSelected", fileFields)
    if current { state(t + 0.05, "STARTING", "Starting") }
    // M140/M104 in the start script: the firmware's answer carries the new targets at once.
    tool.setTarget(o.toolTemperature, at: t + 0.2)
    bed.setTarget(o.bedTemperature, at: t + 0.2)
    let started = t + 0.4
    event(started, "PrintStarted", fileFields)
    if current {
      event(started + 0.01, "ChartMarked", [("type", .string("print")), ("label", .string("Start"))])
      let clock = Timestamp(microseconds: o.start.microseconds + Int64(started * 1_000_000))
      for unlocked in Achievement.onPrintStarted(at: clock) { achievement(started + 0.015, unlocked) }
      event(started + 0.02, "GcodeScriptBeforePrintStartedRunning", fileFields)
      event(started + 0.05, "GcodeScriptBeforePrintStartedFinished", fileFields)
    }
    state(started + 0.1, "PRINTING", "Printing")
    event(started + 0.6, "Home")
    return JobStart(selected: t, started: started, targetChanges: [t + 0.25])
  }

  /// Heat-up, printing, and where the job pauses or stops early.
  private mutating func plan(startedAt started: Double) -> JobTimeline {
    // Heat-up: M190 and M109 wait for both heaters (OctoPrint reports every second meanwhile).
    let heated = max(bed.settled(after: started + 1), tool.settled(after: started + 1)) + 1
    let printEnd = started + max(o.duration, heated - started + 30)
    let printPhase = printEnd - heated
    var timeline = JobTimeline(heated: heated, printPhase: printPhase, end: printEnd)
    switch o.outcome {
    case .done: break
    case .cancelled: timeline.end = heated + printPhase * random.uniform(0.35, 0.5)
    case .failed: timeline.end = heated + printPhase * random.uniform(0.55, 0.7)
    case .pausedResumed:
      timeline.pauseAt = heated + printPhase * random.uniform(0.3, 0.45)
      timeline.pauseLength = min(300, max(20, o.duration * 0.05))
    }
    timeline.end += timeline.pauseLength
    return timeline
  }

  /// Layers: one Z change each (the first layer takes longer), with a timelapse frame where one is due.
  /// - Returns: the last layer's height, and how many frames were taken.
  private mutating func printLayers(_ timeline: JobTimeline, started: Double) -> (lastZ: Double?, frames: Int) {
    var z: Double?
    var frames = 0
    var lastCapture = -10.0
    for layer in 0..<layerCount {
      let f = layer == 0 ? 0 : (1.5 + Double(layer - 1)) / (Double(layerCount) + 0.5)
      let at = timeline.wallTime(atFraction: f) + 0.05
      if at >= timeline.end { break }
      let newZ = twoDecimals(o.layerHeight * Double(layer + 1))
      zChange(at, new: newZ, old: z)
      z = newZ
      if o.timelapse && at - lastCapture >= 1 {
        lastCapture = at
        let file = "\(timelapseDir)tmp/\(moviePrefix(started))-\(frames).jpg"
        event(at + 0.02, "CaptureStart", [("file", .string(file))])
        event(at + random.uniform(0.3, 0.6), "CaptureDone", [("file", .string(file))])
        frames += 1
      }
    }
    return (z, frames)
  }

  /// The job prints to the end (after a pause, with `.pausedResumed`): the final lift, PrintDone, the movie.
  private mutating func finishPrinting(_ timeline: JobTimeline, started: Double, lastZ z: Double?, frames: Int)
    -> JobEnding
  {
    let end = timeline.end
    if let p = timeline.pauseAt {
      pause(at: p, length: timeline.pauseLength, z: z ?? o.layerHeight, fraction: timeline.printedFraction(p))
    }
    if let lastZ = z { zChange(end - 0.5, new: twoDecimals(lastZ + 10), old: lastZ) }  // the final lift
    tool.setTarget(0, at: end - 0.3)
    bed.setTarget(0, at: end - 0.3)
    if current {
      state(end, "FINISHING", "Finishing")
      event(end + 0.001, "ChartMarked", [("type", .string("done")), ("label", .string("Done"))])
    }
    let time = end - started + random.uniform(0, 0.999)
    let done: [(String, Payload)] =
      current
      ? fileFields.filter { $0.0 != "user" } + [("time", .float(time))]
      : [
        ("origin", .string("local")), ("name", .string(o.fileName)), ("file", .string(uploads + o.fileName)),
        ("time", .float(time)), ("path", .string(o.fileName)), ("filename", .string(o.fileName)),
        ("size", .int(o.fileSize)),
      ]
    event(end + 0.002, "PrintDone", done)
    if current {
      // The script's events carry the keys of the event that ran it.
      event(end + 0.003, "GcodeScriptAfterPrintDoneRunning", done)
      event(end + 0.004, "GcodeScriptAfterPrintDoneFinished", done)
    }
    movie(end + 0.005, frames: frames, failed: false, started: started)
    statisticsUpdated(end + 0.006)
    if time < 600 { achievement(end + 0.007, .sprint) }
    achievement(end + 0.008, .oneSmallStep)
    state(end + 0.3, "OPERATIONAL", "Operational")
    return JobEnding(finishedAt: end + 0.3, targetChanges: [end - 0.25])
  }

  /// The user cancels the job: PrintCancelled, then PrintFailed with reason `cancelled`, progress back to 0.
  private mutating func cancel(_ timeline: JobTimeline, started: Double, frames: Int) -> JobEnding {
    let end = timeline.end
    tool.setTarget(0, at: end + 0.2)
    bed.setTarget(0, at: end + 0.2)
    let position: Payload = .object(["x", "t", "z", "e", "y", "f"].map { ($0, Payload.null) })
    let fraction = timeline.printedFraction(end)
    let failedFields: [(String, Payload)] = [
      ("position", position), ("fileposition", .int(Int(Double(o.fileSize) * fraction))),
      ("progress", .float(twoDecimals(fraction * 100))),
    ]
    if current {
      event(end, "PrintCancelling", fileFields)
      state(end + 0.01, "CANCELLING", "Cancelling")
      let tail: [(String, Payload)] = [("time", .float(end - started + random.uniform(0, 0.999)))]
      let cancelled = fileFieldsAdding(failedFields) + tail + [("reason", .string("cancelled"))]
      event(end + 0.3, "PrintCancelled", cancelled)
      event(end + 0.301, "ChartMarked", [("type", .string("cancel")), ("label", .string("Cancel"))])
      event(end + 0.302, "GcodeScriptAfterPrintCancelledRunning", cancelled)
      event(end + 0.303, "GcodeScriptAfterPrintCancelledFinished", cancelled)
      statisticsUpdated(end + 0.304)
      event(end + 0.305, "PrintFailed", cancelled)
      if fraction > 0.95 { achievement(end + 0.306, .soClose) }
      achievement(end + 0.307, .allBeginningsAreHard)
    } else {
      event(end + 0.3, "PrintCancelled", fileFields)
      event(end + 0.35, "PrintFailed", fileFields)
    }
    movie(end + 0.31, frames: frames, failed: true, started: started)
    state(end + 0.4, "OPERATIONAL", "Operational")
    return JobEnding(finishedAt: end + 0.4, targetChanges: [end + 0.25])
  }

  /// The printer stops answering: PrintFailed with reason `error`, Error, and the connection closes.
  private mutating func fail(_ timeline: JobTimeline, started: Double) -> JobEnding {
    let end = timeline.end
    let fraction = timeline.printedFraction(end)
    state(end, "ERROR", "Error")
    let message = "Too many consecutive timeouts, printer still connected and alive?"
    if current {
      let position: Payload = .object(["x", "t", "z", "e", "y", "f"].map { ($0, Payload.null) })
      event(
        end + 0.01, "PrintFailed",
        fileFieldsAdding([
          ("position", position), ("fileposition", .int(Int(Double(o.fileSize) * fraction))),
          ("progress", .float(twoDecimals(fraction * 10000) / 10000)),
        ]) + [
          ("time", .float(end - started + random.uniform(0, 0.999))), ("reason", .string("error")),
          ("error", .string(message)),
        ])
      event(
        end + 0.02, "Error",
        [("error", .string(message)), ("reason", .string("timeout")), ("consequence", .string("disconnect"))])
    } else {
      event(end + 0.01, "PrintFailed", fileFields)
      event(end + 0.02, "Error", [("error", .string(message))])
    }
    event(end + 0.05, "Disconnected")
    state(end + 0.06, current ? "CLOSED_WITH_ERROR" : "CLOSED", "Offline after error")
    return JobEnding(finishedAt: end + 0.06, stopTemperaturesAt: end)
  }

  /// Progress: a 5 s timer from FileSelected, publishing when the percentage (or path) changed; 100 % once
  /// a job printed to its end, 0 at the tick after a cancel.
  private mutating func reportProgress(
    _ timeline: JobTimeline, selected: Double, started: Double, finishedAt: Double
  ) {
    var lastPercent = -1
    var tick = selected + 5
    while tick < timeline.end {
      let printed = timeline.printedFraction(tick)
      let percent = Int(printed * 100)
      if percent != lastPercent {
        let paused = timeline.pauseAt.map { tick >= $0 && tick < $0 + timeline.pauseLength } ?? false
        let state: PrinterData.State = tick < started ? .operational : paused ? .paused : .printing
        let data = printerData(state, printed: tick < started ? nil : printed, printTime: tick - started)
        progress(tick, location: "local", path: o.fileName, percent: percent, job: data)
        lastPercent = percent
      }
      if percent >= 100 { break }
      tick += 5
    }
    switch o.outcome {
    case .done, .pausedResumed:
      let data = printerData(.operational, printed: 1, printTime: finishedAt - started)
      progress(finishedAt + 0.05, location: "local", path: o.fileName, percent: 100, job: data)
    case .cancelled:
      // The first tick after OctoPrint is done with the job sees it gone.
      while tick < finishedAt { tick += 5 }
      progress(
        tick, location: "local", path: o.fileName, percent: 0,
        job: printerData(.operational, printed: nil, printTime: nil))
    case .failed: break
    }
  }

  private func printerData(_ state: PrinterData.State, printed: Double?, printTime: Double?) -> PrinterData {
    let layers = Double(layerCount)
    return PrinterData(
      state: state, fileName: o.fileName, fileSize: o.fileSize,
      fileDate: stamp(0) - 3600, user: o.user, estimatedPrintTime: (o.duration * 0.93).rounded(),
      printed: printed, printTime: printTime,
      currentZ: printed.map { twoDecimals(o.layerHeight * max(1, ($0 * layers).rounded(.up))) })
  }

  /// OctoPrint updated the file's print statistics (current plugin only).
  private mutating func statisticsUpdated(_ t: Double) {
    guard current else { return }
    event(t, "MetadataStatisticsUpdated", [("storage", .string("local")), ("path", .string(o.fileName))])
  }

  private mutating func zChange(_ t: Double, new: Double, old: Double?) {
    let oldValue: Payload = old.map { .float($0) } ?? .null
    if current {
      event(t, "ZChange", [("new", .float(new)), ("old", oldValue)])
    } else {
      publish(
        t, "event/ZChange",
        Payload.object([("new", .float(new)), ("_event", .string("ZChange")), ("old", oldValue)]).text)
    }
  }

  private mutating func pause(at p: Double, length: Double, z: Double, fraction: Double) {
    let x = twoDecimals(random.uniform(60, 160))
    let y = twoDecimals(random.uniform(60, 160))
    let e = twoDecimals(random.uniform(200, 2000))
    if current {
      state(p, "PAUSING", "Pausing")
      let position: Payload = .object([
        ("x", .float(x)), ("t", .int(0)), ("z", .float(z)), ("e", .float(e)), ("y", .float(y)), ("f", .int(1500)),
      ])
      let paused = fileFieldsAdding([
        ("position", position), ("fileposition", .int(Int(Double(o.fileSize) * fraction))),
        ("progress", .float(twoDecimals(fraction * 100))),
      ])
      event(p + 0.2, "PrintPaused", paused)
      event(p + 0.201, "ChartMarked", [("type", .string("pause")), ("label", .string("Pause"))])
      event(p + 0.21, "GcodeScriptAfterPrintPausedRunning", paused)
      event(p + 0.24, "GcodeScriptAfterPrintPausedFinished", paused)
      event(
        p + 0.3, "PositionUpdate",
        [
          ("reason", .string("pause")), ("x", .float(x)), ("t", .int(0)), ("z", .float(z)), ("e", .float(e)),
          ("y", .float(y)), ("f", .int(1500)),
        ])
    } else {
      event(p + 0.2, "PrintPaused", fileFields)
    }
    state(p + 0.35, "PAUSED", "Paused")
    let r = p + length
    if current {
      state(r, "RESUMING", "Resuming")
      event(r + 0.01, "PrintResumed", fileFields)
      event(r + 0.011, "ChartMarked", [("type", .string("resume")), ("label", .string("Resume"))])
      event(r + 0.02, "GcodeScriptBeforePrintResumedRunning", fileFields)
      event(r + 0.05, "GcodeScriptBeforePrintResumedFinished", fileFields)
    } else {
      event(r + 0.1, "PrintResumed", fileFields)
    }
    state(r + 0.15, "PRINTING", "Printing")
  }

  private mutating func movie(_ t: Double, frames: Int, failed: Bool, started: Double) {
    guard o.timelapse, frames > 0 else { return }
    let prefix = moviePrefix(started) + (failed ? "-fail" : "")
    let basename = prefix + (current ? ".mp4" : ".mpg")
    let fields: [(String, Payload)] =
      current
      ? [
        ("gcode", .string(o.fileName)), ("movie", .string(timelapseDir + basename)),
        ("movie_basename", .string(basename)), ("movie_prefix", .string(prefix)),
      ]
      : [
        ("movie", .string(timelapseDir + basename)), ("movie_prefix", .string(prefix)), ("gcode", .string(o.fileName)),
        ("movie_basename", .string(basename)),
      ]
    if current {
      event(t, "MovieRendering", fields)
      // A short timelapse renders in about 1.3 s.
      event(t + 1.2 + Double(frames) * 0.01, "MovieDone", fields)
    } else {
      // 2017 key order: movie, _event, movie_prefix, gcode, movie_basename.
      var rendering = fields
      rendering.insert(("_event", Payload.string("MovieRendering")), at: 1)
      var done = fields
      done.insert(("_event", Payload.string("MovieDone")), at: 1)
      publish(t, "event/MovieRendering", Payload.object(rendering).text)
      publish(t + 3 + Double(frames) * 0.04, "event/MovieDone", Payload.object(done).text)
    }
  }

  /// Reports every 2 s (every 1 s while OctoPrint waits for the heaters); a heater is published when its
  /// reading moved 0.1 °C or its target changed since it was last published.
  private mutating func temperatures(from: Double, until: Double, fastFrom: Double, fastUntil: Double, extra: [Double])
  {
    var last: [String: (actual: Double, target: Double)] = [:]
    var ticks: [Double] = []
    var tick = from
    while tick <= until {
      ticks.append(tick)
      tick += (tick >= fastFrom && tick < fastUntil) ? 1 : 2
    }
    ticks = (ticks + extra.filter { $0 <= until }).sorted()
    for t in ticks {
      for (name, heater) in [("tool0", tool), ("bed", bed)] {
        var actual = heater.temperature(at: t)
        if o.heaters == .real { actual += random.gaussian(sigma: heater.noise) }
        actual = twoDecimals(actual)
        let target = heater.target(at: t)
        if actual == 0 && target == 0 { continue }
        if let previous = last[name], abs(previous.actual - actual) < 0.1, previous.target == target { continue }
        last[name] = (actual, target)
        var members: [(String, Payload)] = [("actual", .float(actual)), ("target", .float(target))]
        if current { members.append(("_timestamp", .int(stamp(t)))) }
        publish(t, "temperature/\(name)", Payload.object(members).text, retain: true)
      }
    }
  }

  private mutating func emit() {
    events.sort { $0.t != $1.t ? $0.t < $1.t : $0.seq < $1.seq }
    output = events.map { e in
      CapturedMessage(
        timestamp: Timestamp(microseconds: o.start.microseconds + Int64((e.t * 1_000_000).rounded())), topic: e.topic,
        payload: Array(e.payload.utf8), qos: e.qos, retain: e.retain)
    }
  }
}

extension Comparable {
  func clamped(_ low: Self, _ high: Self) -> Self { min(max(self, low), high) }
}
