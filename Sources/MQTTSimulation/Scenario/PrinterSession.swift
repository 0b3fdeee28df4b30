import MQTTCapture

/// One printer of a scenario: its queue run in order — jobs, waits, the printer disconnecting, OctoPrint
/// restarting — each job made lazily like `simulate print-job`'s, the next one starting where the last left
/// the printer (connected or not, heaters warm or cold).
struct PrinterSession {
  private enum Segment {
    case job(PrinterJob)
    case messages([CapturedMessage])
  }

  private var segments: [Segment] = []
  /// The printer's base topic (`octoPrint`, `octoPrint/prusa`).
  private(set) var base: String
  private var index = 0
  private var position = 0

  /// `printer`'s queue from `start`, under `base` (plugin, heaters, base topic from the command line).
  init(_ printer: Scenario.Printer, number: Int, of count: Int, base: PrintJobOptions, start: Timestamp, seed: UInt64) {
    var random = SeededRandom(seed: seed)
    let topic = count > 1 ? "\(base.base)/\(printer.name)" : base.base
    self.base = topic
    var t = start
    var pluginUp = false
    var printerUp = false
    var last: (index: Int, start: Timestamp)?
    /// The last job hands the printer over at `t`: its reports stop, and the heaters are where they are.
    func handOver(_ segments: inout [Segment], at t: Timestamp) -> (tool: Double, bed: Double)? {
      guard let last, case .job(var job) = segments[last.index] else { return nil }
      let seconds = Double(t.microseconds - last.start.microseconds) / 1_000_000
      job.stopReports(at: seconds)
      segments[last.index] = .job(job)
      return job.temperatures(at: seconds)
    }
    var temperatures: (tool: Double, bed: Double)?
    var unlocked: Set<String> = []
    // The companion's SoC timer runs while OctoPrint is up, from its startup; between jobs the session keeps it.
    var upSince: Timestamp?
    var companion: HomeAssistantCompanion?
    var socRandom = SeededRandom(seed: seed ^ 0x534F_4354)
    func socReports(through seconds: Double) -> [CapturedMessage] {
      guard let companion, let upSince else { return [] }
      // Ticks after `t`, up to and including the end (the next job's own ticks come after its start).
      let end = Timestamp(microseconds: t.microseconds + Int64(seconds * 1_000_000) + 1)
      return HomeAssistantCompanion.timerTicks(every: HomeAssistantCompanion.socInterval, from: upSince, until: end)
        .filter { $0 > t }.flatMap { tick in
          companion.messages(forSoCTemperature: twoDecimals(44.5 + socRandom.gaussian(sigma: 0.6)), at: tick)
        }
    }
    for step in printer.steps {
      switch step {
      case .wait(let seconds):
        // After a job its reports go on; after a disconnect only the SoC timer does.
        if last == nil { segments.append(.messages(socReports(through: seconds))) }
        t = Timestamp(microseconds: t.microseconds + Int64(seconds * 1_000_000))
      case .disconnect(let seconds):
        var lastJob: PrinterJob?
        if let last, case .job(let job) = segments[last.index] { lastJob = job }
        let into = last.map { Double(t.microseconds - $0.start.microseconds) / 1_000_000 } ?? 0
        temperatures = handOver(&segments, at: t) ?? temperatures
        last = nil
        var messages: [CapturedMessage] = []
        if printerUp {
          // Reference, "Printer disconnect": Disconnecting, UpdatedFiles, Disconnected, OFFLINE.
          let events: [(Double, String, [(String, Payload)])] = [
            (0, "Disconnecting", []), (0.02, "UpdatedFiles", [("type", .string("printables"))]),
            (0.05, "Disconnected", []),
            (0.06, "PrinterStateChanged", [("state_id", .string("OFFLINE")), ("state_string", .string("Offline"))]),
          ]
          for (offset, name, fields) in events {
            let at = Timestamp(microseconds: t.microseconds + Int64(offset * 1_000_000))
            messages.append(PrinterJob.eventMessage(name, fields, base: topic, plugin: base.plugin, at: at))
            if let lastJob, let companion = lastJob.companion {
              // The companion follows the connection events: still connected while disconnecting, then offline.
              let status = lastJob.disconnectStatus(at: into + offset, stillConnected: name == "Disconnecting")
              messages += companion.messages(forEvent: name, printer: status, at: at)
            }
          }
        }
        // The SoC timer goes on while the printer is away; a tick within the events goes among them.
        messages += socReports(through: seconds)
        segments.append(
          .messages(messages.enumerated().sorted { ($0.1.timestamp, $0.0) < ($1.1.timestamp, $1.0) }.map(\.1)))
        printerUp = false
        t = Timestamp(microseconds: t.microseconds + Int64(seconds * 1_000_000))
      case .restart(let seconds):
        temperatures = handOver(&segments, at: t) ?? temperatures
        last = nil
        if pluginUp && base.plugin == .current {
          // OctoPrint dies: the broker publishes the plugin's last will.
          segments.append(
            .messages([
              CapturedMessage(
                timestamp: t, topic: "\(topic)/mqtt", payload: Array("disconnected".utf8), qos: .atLeastOnce,
                retain: true)
            ]))
        }
        (pluginUp, printerUp) = (false, false)
        upSince = nil
        t = Timestamp(microseconds: t.microseconds + Int64(seconds * 1_000_000))
      case .job(var o):
        temperatures = handOver(&segments, at: t) ?? temperatures
        o.plugin = base.plugin
        o.heaters = base.heaters
        o.achievements = base.achievements
        o.printerData = base.printerData
        o.homeAssistant = base.homeAssistant
        o.printerName = printer.name
        o.baseTopic = topic
        o.start = t
        o.seed = seed
        o.printerNumber = number
        o.printers = count
        o.connectPlugin = !pluginUp
        o.connectPrinter = !printerUp
        if !pluginUp { upSince = t }
        o.serverUptime = upSince.map { Double(t.microseconds - $0.microseconds) / 1_000_000 } ?? 0
        o.startingTemperatures = temperatures
        o.unlockedAchievements = unlocked
        let job = PrinterJob(options: o, random: SeededRandom(seed: random.next()))
        unlocked = job.achievementsAfter
        companion = job.companion
        last = (segments.count, t)
        segments.append(.job(job))
        t = Timestamp(microseconds: t.microseconds + Int64(job.quietAfter * 1_000_000))
        pluginUp = true
        printerUp = o.outcome != .failed
      }
    }
  }

  /// The next message in time order, or nil when the queue is done.
  mutating func next() -> CapturedMessage? {
    while index < segments.count {
      switch segments[index] {
      case .job(var job):
        segments[index] = .messages([])  // not copied on write while it runs
        let m = job.next()
        segments[index] = .job(job)
        if let m { return m }
      case .messages(let list):
        if position < list.count {
          position += 1
          return list[position - 1]
        }
      }
      index += 1
      position = 0
    }
    return nil
  }
}

extension PrinterSession {
  /// A session of one job (`simulate print-job` without a scenario).
  init(job: PrinterJob) {
    segments = [.job(job)]
    base = job.o.base
  }

  /// Changes the running job at `time` (see `PrinterJob.apply`); nil when it took effect, else why not.
  mutating func apply(_ command: JobCommand, at time: Timestamp, takingBack: Int) -> String? {
    guard index < segments.count, case .job(var job) = segments[index] else { return "no job is printing" }
    let t = Double(time.microseconds - job.o.start.microseconds) / 1_000_000
    segments[index] = .messages([])
    let refusal = job.apply(command, at: t, takingBack: takingBack)
    segments[index] = .job(job)
    return refusal
  }
}
