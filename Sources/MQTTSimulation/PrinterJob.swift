import MQTTCapture

/// One printer's session, generated lazily: the plugin connects, OctoPrint connects to the printer, one job
/// runs. Its course (when each phase happens, where it stops or pauses) is planned up front, which takes a
/// few numbers; its messages are made only as time reaches them, so thousands of printers fit in memory.
///
/// Four sources make the messages, each in time order: the job's phases (connecting, starting, pausing,
/// ending: a few dozen events each), the layers (a Z change and a timelapse frame each), the 5 s progress
/// timer and the temperature reports. Each source knows the earliest time of anything it will still make;
/// `next()` hands out a made message once no source can make an earlier one.
struct PrinterJob {
  var o: PrintJobOptions
  var current: Bool { o.plugin == .current }

  // MARK: The plan

  /// The phases of the job, in time order.
  enum Phase { case connect, start, pause, resume, end }

  /// When the job heats, prints, pauses and stops, in seconds from the session's start.
  struct Timeline {
    var connecting: Double
    var operational: Double
    var selected: Double
    var started: Double
    /// Both heaters are at their targets: printing begins.
    var heated: Double
    /// Printing time of the whole job, pauses left out.
    var printPhase: Double
    var pauseAt: Double?
    var pauseLength = 0.0
    /// Wall time the job stops printing.
    var end: Double
    /// No layer starts after this: the job's end, or for a job that prints to its end the final lift
    /// half a second before.
    var layersEnd: Double

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

  var timeline: Timeline
  var tool: Heater
  var bed: Heater
  /// When OctoPrint is done with the job (back to OPERATIONAL, or offline after an error).
  var finishedAt: Double
  /// When temperature reports stop.
  var temperaturesUntil: Double
  /// Target changes, when a report goes out at once.
  var targetChanges: [Double]
  /// The job's print time as PrintDone, PrintCancelled or PrintFailed give it.
  var printTime: Double
  /// Where the head parks in a pause: x, y, e.
  var pausePosition: (x: Double, y: Double, e: Double) = (0, 0, 0)
  /// How much of the file is printed when the job ends (1 unless it is cancelled or fails part-way).
  var endFraction = 1.0
  /// When a cancel command ended the job.
  var commandedEnd: Double?
  /// Temperature reports stop here at the latest (the next job of a scenario takes over).
  var reportsUntil: Double?
  /// Added to the job's wall time for PrintDone's `time` (OctoPrint counts from its own clock).
  var jitter = 0.0
  /// The last layer's height before the job ends, and how many timelapse frames it took.
  var lastZ: Double?
  var frames = 0

  // MARK: The sources

  private var phases: [(time: Double, phase: Phase)] = []
  private var phaseIndex = 0
  private var layer = 0
  private var lastCapture = -10.0
  private var layerZ: Double?
  private var layerRandom: SeededRandom
  private var progressTick = 0.0
  private var progressPercent = -1
  private var progressDone = false
  private var temperatureTick = 0.0
  private var extraTick = 0
  private var temperatureRandom: SeededRandom
  private var lastReported: [String: (actual: Double, target: Double)] = [:]
  /// The Home Assistant companion, with `homeAssistant`; its 60 s status and 30 s SoC timers.
  let companion: HomeAssistantCompanion?
  private var statusTick = 0.0
  private var socTick = HomeAssistantCompanion.socInterval
  private var socRandom: SeededRandom

  /// Messages made and not yet handed out.
  private var pending = MinHeap<Pending>()
  /// The last two handed out, which a command can take back.
  private var handedOut: [Pending] = []
  private var made = 0

  struct Pending: Comparable {
    var t: Double
    var sequence: Int
    var message: CapturedMessage
    var source: Source
    static func < (a: Pending, b: Pending) -> Bool { a.t != b.t ? a.t < b.t : a.sequence < b.sequence }
    static func == (a: Pending, b: Pending) -> Bool { a.t == b.t && a.sequence == b.sequence }
  }

  init(options: PrintJobOptions, random: SeededRandom) {
    o = options
    var random = random
    tool = Heater(
      model: options.heaters, omega: 0.085, coolingTau: 95, noise: 0.18, from: options.startingTemperatures?.tool)
    bed = Heater(
      model: options.heaters, omega: 0.045, coolingTau: 420, noise: 0.09, from: options.startingTemperatures?.bed)
    var connecting = random.uniform(1.5, 3)
    var operational = connecting + random.uniform(1.0, 1.6)
    if !options.connectPrinter {
      // The printer is connected already: the job starts at once.
      (connecting, operational) = (0, 0)
    }
    let selected = operational + random.uniform(options.connectPrinter ? 8 : 1, options.connectPrinter ? 15 : 3)
    let started = selected + 0.4
    // M140/M104 in the start script: the firmware's answer carries the new targets at once.
    tool.setTarget(options.toolTemperature, at: selected + 0.2)
    bed.setTarget(options.bedTemperature, at: selected + 0.2)
    // Heat-up: M190 and M109 wait for both heaters (OctoPrint reports every second meanwhile).
    let heated = max(bed.settled(after: started + 1), tool.settled(after: started + 1)) + 1
    let printEnd = started + max(options.duration, heated - started + 30)
    var t = Timeline(
      connecting: connecting, operational: operational, selected: selected, started: started, heated: heated,
      printPhase: printEnd - heated, end: printEnd, layersEnd: printEnd)
    switch options.outcome {
    case .done: break
    case .cancelled: t.end = heated + t.printPhase * (options.stopAt ?? random.uniform(0.35, 0.5))
    case .failed: t.end = heated + t.printPhase * (options.stopAt ?? random.uniform(0.55, 0.7))
    case .pausedResumed:
      t.pauseAt = heated + t.printPhase * (options.pauseAt ?? random.uniform(0.3, 0.45))
      t.pauseLength = options.pauseLength ?? min(300, max(20, options.duration * 0.05))
    }
    endFraction = options.outcome == .done || options.outcome == .pausedResumed ? 1 : t.printedFraction(t.end)
    timeline = t
    jitter = random.uniform(0, 0.999)
    pausePosition = (
      twoDecimals(random.uniform(60, 160)), twoDecimals(random.uniform(60, 160)),
      twoDecimals(random.uniform(200, 2000))
    )
    // Set by `planEnding`.
    (finishedAt, temperaturesUntil, targetChanges, printTime) = (0, 0, [], 0)
    layerRandom = SeededRandom(seed: random.next())
    temperatureRandom = SeededRandom(seed: random.next())
    socRandom = SeededRandom(seed: random.next())
    let soc = HomeAssistantCompanion.socInterval
    socTick = soc * ((options.serverUptime / soc).rounded(.down) + 1) - options.serverUptime
    statusTick = started + HomeAssistantCompanion.statusInterval
    if options.homeAssistant && options.plugin == .current {
      var companion = HomeAssistantCompanion(
        baseTopic: options.base,
        nodeID: HomeAssistantCompanion.nodeID(seed: options.seed, printer: options.printerNumber))
      if options.printers > 1 {
        companion.nodeName = "OctoPrint " + (options.printerName ?? "printer-\(options.printerNumber)")
      }
      self.companion = companion
    } else {
      companion = nil
    }
    phases =
      options.connectPlugin || options.connectPrinter ? [(0, .connect), (selected, .start)] : [(selected, .start)]
    progressTick = selected + 5
    temperatureTick = operational + 0.5
    planEnding()
  }

  /// Plans the job from its end on — when it ends, when OctoPrint is done with it and the heaters cool, the
  /// phases still to come — from `endFraction`, the pause and `commandedEnd`. While paused with no resume
  /// in sight the end is infinitely far.
  mutating func planEnding() {
    var t = timeline
    let printsToEnd = o.outcome == .done || o.outcome == .pausedResumed
    if let commandedEnd {
      t.end = commandedEnd
    } else if !t.pauseLength.isFinite {
      t.end = .infinity
    } else {
      t.end = t.wallTime(atFraction: endFraction)
    }
    t.layersEnd = printsToEnd ? t.end - 0.5 : t.end
    timeline = t
    printTime = t.end - t.started + jitter
    var changes = [t.selected + 0.25]
    switch o.outcome {
    case .done, .pausedResumed:
      finishedAt = t.end + 0.3
      temperaturesUntil = finishedAt + 120
      if t.end.isFinite {
        tool.setTarget(0, at: t.end - 0.3)
        bed.setTarget(0, at: t.end - 0.3)
        changes.append(t.end - 0.25)
      }
    case .cancelled:
      finishedAt = t.end + 0.4
      temperaturesUntil = finishedAt + 120
      tool.setTarget(0, at: t.end + 0.2)
      bed.setTarget(0, at: t.end + 0.2)
      changes.append(t.end + 0.25)
    case .failed:
      finishedAt = t.end + 0.06
      temperaturesUntil = t.end
    }
    if let reportsUntil { temperaturesUntil = min(temperaturesUntil, reportsUntil) }
    targetChanges = changes.filter { $0 <= temperaturesUntil }.sorted()
    (lastZ, frames) = Self.layersBeforeEnd(o, timeline: t, layers: layerCount)
    // The phases still to come.
    let made = Set(phases.prefix(phaseIndex).map(\.phase))
    var future: [(Double, Phase)] = []
    if let p = t.pauseAt {
      if !made.contains(.pause) { future.append((p, .pause)) }
      let resumes = p + t.pauseLength
      if !made.contains(.resume) && resumes.isFinite && resumes < t.end { future.append((resumes, .resume)) }
    }
    if !made.contains(.end) && t.end.isFinite { future.append((printsToEnd ? t.end - 0.5 : t.end, .end)) }
    let starting = phases.dropFirst(phaseIndex).filter { $0.phase == .connect || $0.phase == .start }
    phases = Array(phases.prefix(phaseIndex)) + starting + future
  }

  /// The height of the last layer printed before the job ends, and the frames taken: the same rule as the
  /// layers source, counted ahead (the ending needs them before the last layers are made).
  private static func layersBeforeEnd(_ o: PrintJobOptions, timeline: Timeline, layers: Int) -> (Double?, Int) {
    var z: Double?
    var frames = 0
    var lastCapture = -10.0
    for layer in 0..<layers {
      let at = layerTime(layer, of: layers, timeline)
      if at >= timeline.layersEnd { break }
      z = twoDecimals(o.layerHeight * Double(layer + 1))
      if o.timelapse && at - lastCapture >= 1 {
        lastCapture = at
        frames += 1
      }
    }
    return (z, frames)
  }

  /// When layer `layer` starts: the first takes longer.
  private static func layerTime(_ layer: Int, of layers: Int, _ timeline: Timeline) -> Double {
    let f = layer == 0 ? 0 : (1.5 + Double(layer - 1)) / (Double(layers) + 0.5)
    return timeline.wallTime(atFraction: f) + 0.05
  }

  var layerCount: Int { max(1, o.layers ?? Int((o.duration / 45).rounded()).clamped(5, 400)) }

  /// The height of the layer being printed at `time` (the first layer's before it starts).
  func height(at time: Double) -> Double {
    var printed = 0
    while printed < layerCount && Self.layerTime(printed, of: layerCount, timeline) < time { printed += 1 }
    return twoDecimals(o.layerHeight * Double(max(1, printed)))
  }

  // MARK: - Handing out messages

  /// The next message in time order, or nil when the session is over.
  mutating func next() -> CapturedMessage? {
    while true {
      let (source, time) = nextSource()
      if let top = pending.min, top.t <= time {
        let item = pending.popMin()!
        handedOut.append(item)
        if handedOut.count > 2 { handedOut.removeFirst() }
        lastTime = item.t
        return item.message
      }
      // Paused until a resume that may never come, a printer can stay silent for ever (a heater sitting on its
      // target publishes nothing): mark each second instead of searching on.
      if !timeline.pauseLength.isFinite, min(pending.min?.t ?? time, time) > lastTime + 1 {
        lastTime += 1
        return PrinterJob.idle(at: timestamp(lastTime))
      }
      guard let source else { return nil }
      make(source)
    }
  }

  /// When the last message handed out was due.
  private var lastTime = 0.0

  /// A mark that a second passed without a message (while paused until resumed): not a message to publish.
  static func idle(at time: Timestamp) -> CapturedMessage {
    CapturedMessage(timestamp: time, topic: "", payload: [])
  }

  enum Source { case phase, layers, progress, temperatures, companionTimers }
  /// The source making messages now (they are tagged with it, so a command can take back what it made ahead).
  private var making = Source.phase

  /// The source that makes the earliest message next, and when; nil when all are done.
  private func nextSource() -> (Source?, Double) {
    var best: (Source?, Double) = (nil, .infinity)
    if phaseIndex < phases.count { best = (.phase, phases[phaseIndex].time) }
    if let t = nextLayerTime, t < best.1 { best = (.layers, t) }
    if let t = nextProgressTime, t < best.1 { best = (.progress, t) }
    if let t = nextTemperatureTick, t < best.1 { best = (.temperatures, t) }
    if let t = nextCompanionTick, t < best.1 { best = (.companionTimers, t) }
    return best
  }

  private mutating func make(_ source: Source) {
    making = source
    switch source {
    case .phase:
      let phase = phases[phaseIndex].phase
      phaseIndex += 1
      switch phase {
      case .connect:
        pluginConnects()
        printerConnects()
      case .start: startJob()
      case .pause: pause()
      case .resume: resume()
      case .end:
        switch o.outcome {
        case .done, .pausedResumed: finishPrinting()
        case .cancelled: cancel()
        case .failed: fail()
        }
      }
    case .layers: makeLayer()
    case .progress: makeProgress()
    case .temperatures: makeTemperatures()
    case .companionTimers: makeCompanionTick()
    }
  }

  // MARK: - Publishing

  mutating func publish(
    _ t: Double, _ subtopic: String, _ payload: String, qos: MQTTQoS = .atMostOnce, retain: Bool = false
  ) {
    let message = CapturedMessage(
      timestamp: Timestamp(microseconds: o.start.microseconds + Int64((t * 1_000_000).rounded())),
      topic: "\(o.base)/\(subtopic)", payload: Array(payload.utf8), qos: qos, retain: retain)
    pending.insert(Pending(t: t, sequence: made, message: message, source: making))
    made += 1
  }

  /// Messages made elsewhere (the Home Assistant companion) at `t`.
  mutating func publish(_ messages: [CapturedMessage], at t: Double) {
    for m in messages {
      pending.insert(Pending(t: t, sequence: made, message: m, source: making))
      made += 1
    }
  }

  /// `t` seconds into the session as a timestamp.
  func timestamp(_ t: Double) -> Timestamp {
    Timestamp(microseconds: o.start.microseconds + Int64((t * 1_000_000).rounded()))
  }

  // MARK: - Layers

  private var nextLayerTime: Double? {
    guard layer < layerCount else { return nil }
    let at = Self.layerTime(layer, of: layerCount, timeline)
    return at < timeline.layersEnd ? at : nil
  }

  /// A Z change per layer, with a timelapse frame where one is due (at most one a second).
  private mutating func makeLayer() {
    guard let at = nextLayerTime else { return }
    let newZ = twoDecimals(o.layerHeight * Double(layer + 1))
    zChange(at, new: newZ, old: layerZ)
    layerZ = newZ
    if o.timelapse && at - lastCapture >= 1 {
      let frame = capturedFrames
      lastCapture = at
      let file = "\(timelapseDir)tmp/\(moviePrefix(timeline.started))-\(frame).jpg"
      event(at + 0.02, "CaptureStart", [("file", .string(file))])
      event(at + layerRandom.uniform(0.3, 0.6), "CaptureDone", [("file", .string(file))])
      capturedFrames += 1
    }
    layer += 1
  }

  private var capturedFrames = 0

  // MARK: - Progress

  /// The 5 s timer from FileSelected publishes when the percentage (or path) changed; 100 % once a job
  /// printed to its end, 0 at the tick after a cancel.
  private mutating func makeProgress() {
    let tick = progressTick
    guard tick >= timeline.end else {
      let printed = timeline.printedFraction(tick)
      let percent = Int(printed * 100)
      if percent != progressPercent {
        let paused = timeline.pauseAt.map { tick >= $0 && tick < $0 + timeline.pauseLength } ?? false
        let state: PrinterData.State = tick < timeline.started ? .operational : paused ? .paused : .printing
        let data = printerData(
          state, printed: tick < timeline.started ? nil : printed, printTime: tick - timeline.started)
        progress(tick, location: "local", path: o.fileName, percent: percent, job: data)
        if let companion, tick >= timeline.started {
          publish(companion.messages(forProgress: status(at: tick), at: timestamp(tick)), at: tick)
        }
        progressPercent = percent
      }
      progressTick += 5
      return
    }
    // The job is over: one last report, then the timer stops.
    progressDone = true
    guard let t = finalProgressTime else { return }
    switch o.outcome {
    case .done, .pausedResumed:
      let data = printerData(.operational, printed: 1, printTime: finishedAt - timeline.started)
      progress(t, location: "local", path: o.fileName, percent: 100, job: data)
    case .cancelled, .failed:
      progress(
        t, location: "local", path: o.fileName, percent: 0, job: printerData(.operational, printed: nil, printTime: nil)
      )
    }
  }

  /// When the progress source makes its next report: the timer's next tick while the job prints, then the
  /// last report; nil when it is done.
  private var nextProgressTime: Double? {
    if progressDone { return nil }
    if progressTick < timeline.end { return progressTick }
    // The last report has its own time; with none, the source is done when asked next.
    return finalProgressTime ?? progressTick
  }

  /// The last report: 100 just after OPERATIONAL when the job printed to its end; 0 at the first tick after
  /// OctoPrint is done with a cancelled job; none after a communication error.
  private var finalProgressTime: Double? {
    switch o.outcome {
    case .done, .pausedResumed: return finishedAt + 0.05
    case .cancelled:
      var next = progressTick
      while next < finishedAt { next += 5 }
      return next
    case .failed: return nil
    }
  }

  // MARK: - Temperatures

  private var nextTemperatureTick: Double? {
    let regular = temperatureTick <= temperaturesUntil ? temperatureTick : nil
    let extra = extraTick < targetChanges.count ? targetChanges[extraTick] : nil
    switch (regular, extra) {
    case (nil, nil): return nil
    case (let r?, nil): return r
    case (nil, let e?): return e
    case (let r?, let e?): return min(r, e)
    }
  }

  /// One report: every 2 s, every 1 s while OctoPrint waits for the heaters, and at once when a target
  /// changes; a heater is published when its reading moved 0.1 °C or its target changed since it was
  /// last published.
  private mutating func makeTemperatures() {
    guard let t = nextTemperatureTick else { return }
    if extraTick < targetChanges.count && targetChanges[extraTick] <= t {
      extraTick += 1
    } else {
      let fast = temperatureTick >= timeline.started + 1 && temperatureTick < timeline.heated
      temperatureTick += fast ? 1 : 2
    }
    for (name, heater) in [("tool0", tool), ("bed", bed)] {
      var actual = heater.temperature(at: t)
      if o.heaters == .real { actual += temperatureRandom.gaussian(sigma: heater.noise) }
      actual = twoDecimals(actual)
      let target = heater.target(at: t)
      if actual == 0 && target == 0 { continue }
      if let previous = lastReported[name], abs(previous.actual - actual) < 0.1, previous.target == target { continue }
      lastReported[name] = (actual, target)
      var members: [(String, Payload)] = [("actual", .float(actual)), ("target", .float(target))]
      if current { members.append(("_timestamp", .int(stamp(t)))) }
      publish(t, "temperature/\(name)", Payload.object(members).text, retain: true)
    }
  }
}

extension Comparable {
  func clamped(_ low: Self, _ high: Self) -> Self { min(max(self, low), high) }
}

// MARK: - The Home Assistant companion

extension PrinterJob {
  /// What the companion reads from OctoPrint at `t`: the connection and `printer.get_current_data()`.
  func status(at t: Double) -> PrinterStatus {
    let offline = t < timeline.operational || (o.outcome == .failed && t >= timeline.end + 0.05)
    let printing = t >= timeline.started && t < timeline.end
    let paused = timeline.pauseAt.map { t >= $0 && t < $0 + timeline.pauseLength } ?? false
    let state: PrinterData.State = offline ? .offline : paused ? .paused : printing ? .printing : .operational
    let job = t >= timeline.selected && !offline
    var data = printerData(
      state, printed: printing ? timeline.printedFraction(t) : (job && t >= timeline.end ? 1 : nil),
      printTime: printing ? t - timeline.started : nil)
    data.fileSelected = job
    let gone = o.outcome == .failed && t >= timeline.end + 0.05
    return PrinterStatus(connected: t >= timeline.connecting && !gone, data: data.payload)
  }

  /// What the companion reads from OctoPrint during a disconnect at `t` (a scenario's `disconnect:`): the state
  /// at `t` while the connection still exists, then offline with no job (OctoPrint drops the job with it).
  func disconnectStatus(at t: Double, stillConnected: Bool) -> PrinterStatus {
    guard !stillConnected else { return status(at: t) }
    var data = printerData(.offline, printed: nil, printTime: nil)
    data.fileSelected = false
    return PrinterStatus(connected: false, data: data.payload)
  }

  /// The next tick of the companion's timers: its 60 s status timer while the job prints, its 30 s SoC
  /// timer while the session lasts.
  var nextCompanionTick: Double? {
    guard companion != nil else { return nil }
    // The status timer's thread starts once per server: only the first job after startup has it.
    let status = o.connectPlugin && statusTick < timeline.end ? statusTick : nil
    // The SoC timer runs as long as OctoPrint does: in a scenario, until the next step takes over.
    let soc = socTick <= (reportsUntil ?? temperaturesUntil) ? socTick : nil
    switch (status, soc) {
    case (nil, nil): return nil
    case (let s?, nil): return s
    case (nil, let c?): return c
    case (let s?, let c?): return min(s, c)
    }
  }

  mutating func makeCompanionTick() {
    guard let companion, let t = nextCompanionTick else { return }
    if t == socTick {
      // A Raspberry Pi's SoC: mid-40s °C, a little warmer while printing.
      let warm = t >= timeline.started && t < timeline.end ? 4.0 : 0
      let celsius = twoDecimals(44.5 + warm + socRandom.gaussian(sigma: 0.6))
      publish(companion.messages(forSoCTemperature: celsius, at: timestamp(t)), at: t)
      socTick += HomeAssistantCompanion.socInterval
    } else {
      publish(companion.messages(forProgress: status(at: t), at: timestamp(t)), at: t)
      statusTick += HomeAssistantCompanion.statusInterval
    }
  }
}

// MARK: - Winding back after a command

extension PrinterJob {
  /// Takes the last `count` (at most 2) messages `next()` handed out back, to be handed out again or dropped
  /// by a command.
  mutating func takeBack(_ count: Int) {
    for item in handedOut.suffix(count) { pending.insert(item) }
    handedOut.removeLast(min(count, handedOut.count))
  }

  private func percent(at tick: Double) -> Int { Int(timeline.printedFraction(tick) * 100) }

  /// Takes back what was made for after `t` and sets every source to make its next message after `t`
  /// again, by the new plan.
  mutating func rewind(to t: Double) {
    var droppedLayers = 0
    var droppedFrames = 0
    pending.removeAll { item in
      guard item.t > t else { return false }
      if item.source == .layers {
        if item.message.topic.hasSuffix("/event/ZChange") { droppedLayers += 1 }
        if item.message.topic.hasSuffix("/event/CaptureStart") { droppedFrames += 1 }
      }
      return true
    }
    layer -= droppedLayers
    capturedFrames -= droppedFrames
    layerZ = layer > 0 ? twoDecimals(o.layerHeight * Double(layer)) : nil
    // The progress timer ticks every 5 s from FileSelected.
    let firstTick = timeline.selected + 5
    let ticksDone = t < firstTick ? 0 : Int(((t - firstTick) / 5).rounded(.down)) + 1
    progressTick = firstTick + 5 * Double(ticksDone)
    progressPercent = ticksDone > 0 ? percent(at: progressTick - 5) : -1
    progressDone = false
    // Temperature reports: the regular grid, and the target changes still to come.
    var tick = timeline.operational + 0.5
    while tick <= t { tick += tick >= timeline.started + 1 && tick < timeline.heated ? 1 : 2 }
    temperatureTick = tick
    extraTick = targetChanges.firstIndex { $0 > t } ?? targetChanges.count
    // The companion's timers.
    let status = HomeAssistantCompanion.statusInterval
    statusTick = timeline.started + status * (((t - timeline.started) / status).rounded(.down) + 1)
    let soc = HomeAssistantCompanion.socInterval
    socTick = soc * (((t + o.serverUptime) / soc).rounded(.down) + 1) - o.serverUptime
  }
}

// MARK: - Jobs in a row

extension PrinterJob {
  /// When the last of the job's own messages (events, the movie, the last progress report) is out, in
  /// seconds into the session; temperature reports go on after it.
  var quietAfter: Double { finishedAt + 10 }

  /// Stops temperature reports at `t` (a scenario's next job takes over the printer then).
  mutating func stopReports(at t: Double) {
    reportsUntil = t
    planEnding()
  }

  /// The keys of the achievements this job unlocks, as planned (with those unlocked before).
  var achievementsAfter: Set<String> {
    var keys = o.unlockedAchievements
    guard o.achievements && current else { return keys }
    let clock = Timestamp(microseconds: o.start.microseconds + Int64(timeline.started * 1_000_000))
    keys.formUnion(Achievement.onPrintStarted(at: clock).map(\.key))
    switch o.outcome {
    case .done, .pausedResumed:
      keys.insert(Achievement.oneSmallStep.key)
      if printTime < 600 { keys.insert(Achievement.sprint.key) }
    case .cancelled:
      keys.insert(Achievement.allBeginningsAreHard.key)
      if endFraction > 0.95 { keys.insert(Achievement.soClose.key) }
    case .failed: break
    }
    return keys
  }

  /// The heaters' true temperatures at `t`.
  func temperatures(at t: Double) -> (tool: Double, bed: Double) {
    (tool.temperature(at: t), bed.temperature(at: t))
  }
}
