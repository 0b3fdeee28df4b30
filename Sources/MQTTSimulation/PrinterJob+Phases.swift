import MQTTCapture

// What a printer's phases publish, and how the plugin writes it.
extension PrinterJob {
  func stamp(_ t: Double) -> Int { Int((Double(o.start.microseconds) / 1e6 + t).rounded(.down)) }

  /// An event as the plugin publishes it at `time`: its own fields, then `_event`, then `_timestamp`
  /// (current); 2017: `_event` second, no stamp. `ZChange` and `FirmwareData` are retained (current).
  static func eventMessage(
    _ name: String, _ fields: [(String, Payload)], base: String, plugin: PrintJobOptions.Plugin, at time: Timestamp
  ) -> CapturedMessage {
    let isCurrent = plugin == .current
    var members: [(String, Payload)] = fields
    let eventMember: (String, Payload) = ("_event", Payload.string(name))
    if isCurrent {
      members.append(eventMember)
      let stampMember: (String, Payload) = ("_timestamp", Payload.int(Int(time.microseconds / 1_000_000)))
      members.append(stampMember)
    } else {
      members.insert(eventMember, at: members.isEmpty ? 0 : 1)
    }
    let retained: Bool = isCurrent && (name == "ZChange" || name == "FirmwareData")
    return CapturedMessage(
      timestamp: time, topic: "\(base)/event/\(name)", payload: Array(Payload.object(members).text.utf8),
      retain: retained)
  }

  /// An event, and what the Home Assistant companion publishes for it.
  mutating func event(_ t: Double, _ name: String, _ fields: [(String, Payload)]) {
    publish([Self.eventMessage(name, fields, base: o.base, plugin: o.plugin, at: timestamp(t))], at: t)
    if let companion {
      publish(companion.messages(forEvent: name, printer: status(at: t), at: timestamp(t)), at: t)
    }
  }

  mutating func event(_ t: Double, _ name: String) {
    event(t, name, [])
  }

  mutating func state(_ t: Double, _ id: String, _ text: String) {
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
  mutating func progress(
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
  mutating func achievement(_ t: Double, _ achievement: Achievement) {
    guard current && o.achievements && !o.unlockedAchievements.contains(achievement.key) else { return }
    event(t, "plugin_achievements_achievement_unlocked", achievement.fields)
  }

  // MARK: - File and movie names

  var uploads: String { "/home/pi/.octoprint/uploads/" }
  var timelapseDir: String { "/home/pi/.octoprint/timelapse/" }
  var stem: String { o.fileName.hasSuffix(".gcode") ? String(o.fileName.dropLast(6)) : o.fileName }

  /// `<name>_<YYYYmmddHHMMSS>`, from the time the print started.
  func moviePrefix(_ t: Double) -> String {
    let ts = Timestamp(microseconds: o.start.microseconds + Int64(t * 1_000_000)).rfc3339  // 2025-11-25T11:07:36.…
    let digits = ts.prefix(19).filter(\.isNumber)
    return "\(stem)_\(digits)"
  }

  var fileFields: [(String, Payload)] {
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

  func fileFieldsAdding(_ extra: [(String, Payload)], dropping: Set<String> = []) -> [(String, Payload)] {
    let base = fileFields.filter { !dropping.contains($0.0) }
    if current {
      // Extra fields go before owner/user, as OctoPrint builds these payloads.
      let head = base.filter { $0.0 != "owner" && $0.0 != "user" }
      let tail = base.filter { $0.0 == "owner" || $0.0 == "user" }
      return head + extra + tail
    }
    return base + extra
  }

  // MARK: - Phases

  /// The plugin connects to the broker (current plugin: its retained state, progress and slicing).
  mutating func pluginConnects() {
    guard current && o.connectPlugin else { return }
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
    if let companion {
      // The companion starts once the MQTT plugin is connected, then sees `connected` on `<base>/mqtt` twice
      // (the retained message and its own echo) and announces itself each time.
      publish(companion.startup(printer: status(at: t + 0.01), at: timestamp(t + 0.01)), at: t + 0.01)
      for echo in [0.02, 0.03] {
        publish(companion.messages(forAvailability: Array("connected".utf8), at: timestamp(t + echo)), at: t + echo)
      }
    }
  }

  /// OctoPrint connects to the printer.
  mutating func printerConnects() {
    guard o.connectPrinter else { return }
    var t = timeline.connecting
    event(t, "Connecting")
    if current {
      state(t + 0.01, "OPEN_SERIAL", "Opening serial connection")
      state(t + 0.05, "CONNECTING", "Connecting")
    }
    t = timeline.operational
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
  }

  /// The file is selected and the job starts: start scripts, heater targets, homing.
  mutating func startJob() {
    let t = timeline.selected
    event(t, "FileSelected", fileFields)
    if current { state(t + 0.05, "STARTING", "Starting") }
    let started = timeline.started
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
  }

  /// The job prints to the end (after a pause, with `.pausedResumed`): the final lift, PrintDone, the movie.
  mutating func finishPrinting() {
    let end = timeline.end
    if let lastZ { zChange(end - 0.5, new: twoDecimals(lastZ + 10), old: lastZ) }  // the final lift
    if current {
      state(end, "FINISHING", "Finishing")
      event(end + 0.001, "ChartMarked", [("type", .string("done")), ("label", .string("Done"))])
    }
    let time = printTime
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
    movie(end + 0.005, failed: false)
    statisticsUpdated(end + 0.006)
    if time < 600 { achievement(end + 0.007, .sprint) }
    achievement(end + 0.008, .oneSmallStep)
    state(end + 0.3, "OPERATIONAL", "Operational")
  }

  /// The user cancels the job: PrintCancelled, then PrintFailed with reason `cancelled`, progress back to 0.
  mutating func cancel() {
    let end = timeline.end
    let position: Payload = .object(["x", "t", "z", "e", "y", "f"].map { ($0, Payload.null) })
    let fraction = timeline.printedFraction(end)
    let failedFields: [(String, Payload)] = [
      ("position", position), ("fileposition", .int(Int(Double(o.fileSize) * fraction))),
      ("progress", .float(twoDecimals(fraction * 100))),
    ]
    if current {
      event(end, "PrintCancelling", fileFields)
      state(end + 0.01, "CANCELLING", "Cancelling")
      let tail: [(String, Payload)] = [("time", .float(printTime))]
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
    movie(end + 0.31, failed: true)
    state(end + 0.4, "OPERATIONAL", "Operational")
  }

  /// The printer stops answering: PrintFailed with reason `error`, Error, and the connection closes.
  mutating func fail() {
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
          ("time", .float(printTime)), ("reason", .string("error")),
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
  }

  func printerData(_ state: PrinterData.State, printed: Double?, printTime: Double?) -> PrinterData {
    let layers = Double(layerCount)
    return PrinterData(
      state: state, fileName: o.fileName, fileSize: o.fileSize,
      fileDate: stamp(0) - 3600, user: o.user, estimatedPrintTime: (o.duration * 0.93).rounded(),
      printed: printed, printTime: printTime,
      currentZ: printed.map { twoDecimals(o.layerHeight * max(1, ($0 * layers).rounded(.up))) })
  }

  /// OctoPrint updated the file's print statistics (current plugin only).
  mutating func statisticsUpdated(_ t: Double) {
    guard current else { return }
    event(t, "MetadataStatisticsUpdated", [("storage", .string("local")), ("path", .string(o.fileName))])
  }

  mutating func zChange(_ t: Double, new: Double, old: Double?) {
    let oldValue: Payload = old.map { .float($0) } ?? .null
    if current {
      event(t, "ZChange", [("new", .float(new)), ("old", oldValue)])
    } else {
      publish(
        t, "event/ZChange",
        Payload.object([("new", .float(new)), ("_event", .string("ZChange")), ("old", oldValue)]).text)
    }
  }

  /// The job pauses where the plan says.
  mutating func pause() {
    guard let p = timeline.pauseAt else { return }
    let fraction = timeline.printedFraction(p)
    let (x, y, e) = pausePosition
    let z = height(at: p)
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
  }

  /// The job resumes at the pause's end.
  mutating func resume() {
    guard let p = timeline.pauseAt else { return }
    let r = p + timeline.pauseLength
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

  mutating func movie(_ t: Double, failed: Bool) {
    guard o.timelapse, frames > 0 else { return }
    let prefix = moviePrefix(timeline.started) + (failed ? "-fail" : "")
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

}
