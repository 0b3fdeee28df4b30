import MQTTCapture
import Testing

@testable import MQTTSimulation

private func job(_ configure: (inout PrintJobOptions) -> Void = { _ in }) -> [CapturedMessage] {
  var o = PrintJobOptions()
  o.duration = 600
  o.start = Timestamp(microseconds: 1_764_068_856_000_000)
  configure(&o)
  return PrintJobSimulation.messages(o)
}

private func text(_ m: CapturedMessage) -> String { String(decoding: m.payload, as: UTF8.self) }

/// The sequence of events as the reference's "Order of events" names them: an event's name, a state change's
/// `state_id`, `ChartMarked <type>`, and `progress <n>` for the progress topic when `progress` is set. Layer
/// and timelapse frame events are left out (the reference summarises them), and so are achievements, which the
/// reference does not order.
private func eventOrder(
  _ messages: [CapturedMessage], base: String = "octoPrint", progress: Bool = false
) -> [String] {
  messages.compactMap { m -> String? in
    if progress && m.topic == "\(base)/progress/printing", let value = try? JSONParser.parse(text(m)) {
      return "progress \(value["progress"]?.numberLiteral ?? "?")"
    }
    guard m.topic.hasPrefix("\(base)/event/") else { return nil }
    let name = String(m.topic.dropFirst(base.count + 7))
    if ["ZChange", "CaptureStart", "CaptureDone", "plugin_achievements_achievement_unlocked"].contains(name) {
      return nil
    }
    let value = try? JSONParser.parse(text(m))
    if name == "PrinterStateChanged", let id = value?["state_id"]?.stringValue { return id }
    if name == "ChartMarked", let type = value?["type"]?.stringValue { return "ChartMarked \(type)" }
    return name
  }
}

/// The part of `order` from the first `first` on.
private func from(_ first: String, _ order: [String]) -> [String] { Array(order.drop { $0 != first }) }

/// A payload's keys in wire order.
private func keysOf(_ m: CapturedMessage) throws -> [String] {
  guard case .object(let members) = try JSONParser.parse(text(m)) else { return [] }
  return members.map(\.key)
}

@Suite("print job simulation")
struct PrintJobSimulationTests {
  @Test("every payload is JSON (but the plugin's connected flag), messages are in time order")
  func wellFormed() throws {
    for outcome in PrintJobOptions.Outcome.allCases {
      let messages = job { $0.outcome = outcome }
      #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
      for m in messages where m.topic != "octoPrint/mqtt" {
        #expect(throws: Never.self) { try JSONParser.parse(text(m)) }
      }
      #expect(messages.first.map(text) == "connected")
    }
  }

  @Test("the same seed and start give the same job byte for byte; another seed does not")
  func deterministic() {
    let a = job { $0.seed = 42 }
    let b = job { $0.seed = 42 }
    let c = job { $0.seed = 43 }
    #expect(a == b)
    #expect(a != c)
  }

  // The expected orders below are transcribed from ../shared/reference/octoprint-mqtt.md, "Order of events"
  // (a real OctoPrint 1.11.8 + OctoPrint-MQTT 0.8.16 observed), each arrow a step; not from the simulator.

  @Test("connect and print start follow the reference's order")
  func startOrder() {
    // Connect: Connecting → PrinterStateChanged OPEN_SERIAL → CONNECTING → OPERATIONAL → Connected → FirmwareData.
    // Print: FileSelected → STARTING → PrintStarted → ChartMarked print → GcodeScriptBeforePrintStarted
    // Running/Finished → PRINTING → Home.
    #expect(
      Array(eventOrder(job()).prefix(14)) == [
        "Connecting", "OPEN_SERIAL", "CONNECTING", "OPERATIONAL", "Connected", "FirmwareData",
        "FileSelected", "STARTING", "PrintStarted", "ChartMarked print", "GcodeScriptBeforePrintStartedRunning",
        "GcodeScriptBeforePrintStartedFinished", "PRINTING", "Home",
      ])
  }

  @Test("a completed job ends in the reference's order, progress 100 after OPERATIONAL")
  func doneOrder() {
    // FINISHING → ChartMarked done → PrintDone → GcodeScriptAfterPrintDone Running/Finished → MovieRendering →
    // MetadataStatisticsUpdated → OPERATIONAL → progress 100 → MovieDone.
    #expect(
      from("FINISHING", eventOrder(job(), progress: true)) == [
        "FINISHING", "ChartMarked done", "PrintDone", "GcodeScriptAfterPrintDoneRunning",
        "GcodeScriptAfterPrintDoneFinished", "MovieRendering", "MetadataStatisticsUpdated", "OPERATIONAL",
        "progress 100", "MovieDone",
      ])
  }

  @Test("a cancelled job follows the reference's cancel order; progress 0 at the next 5 s tick")
  func cancelOrder() throws {
    let messages = job { $0.outcome = .cancelled }
    // PrintCancelling → CANCELLING → PrintCancelled → ChartMarked cancel → GcodeScriptAfterPrintCancelled
    // Running/Finished → MetadataStatisticsUpdated → PrintFailed → MovieRendering → OPERATIONAL → MovieDone.
    #expect(
      from("PrintCancelling", eventOrder(messages)) == [
        "PrintCancelling", "CANCELLING", "PrintCancelled", "ChartMarked cancel",
        "GcodeScriptAfterPrintCancelledRunning", "GcodeScriptAfterPrintCancelledFinished",
        "MetadataStatisticsUpdated", "PrintFailed", "MovieRendering", "OPERATIONAL", "MovieDone",
      ])
    let operational = try #require(messages.last { $0.topic.hasSuffix("/PrinterStateChanged") })
    let last = try #require(messages.last { $0.topic == "octoPrint/progress/printing" })
    #expect(text(last).contains(#""progress": 0"#))
    let selected = try #require(messages.first { $0.topic.hasSuffix("/FileSelected") })
    let sinceSelected = last.timestamp.microseconds - selected.timestamp.microseconds
    #expect(sinceSelected % 5_000_000 == 0, "on the 5 s timer started at FileSelected")
    #expect(last.timestamp > operational.timestamp)
    #expect(last.timestamp.microseconds - operational.timestamp.microseconds <= 5_000_000)
  }

  @Test("pause and resume follow the reference's order")
  func pauseOrder() {
    // PAUSING → PrintPaused → ChartMarked pause → GcodeScriptAfterPrintPaused* → PositionUpdate → PAUSED;
    // resume: RESUMING → PrintResumed → ChartMarked resume → GcodeScriptBeforePrintResumed* → PRINTING.
    #expect(
      Array(from("PAUSING", eventOrder(job { $0.outcome = .pausedResumed })).prefix(13)) == [
        "PAUSING", "PrintPaused", "ChartMarked pause", "GcodeScriptAfterPrintPausedRunning",
        "GcodeScriptAfterPrintPausedFinished", "PositionUpdate", "PAUSED", "RESUMING", "PrintResumed",
        "ChartMarked resume", "GcodeScriptBeforePrintResumedRunning", "GcodeScriptBeforePrintResumedFinished",
        "PRINTING",
      ])
  }

  @Test("a communication error follows the reference's order")
  func failedOrder() {
    // ERROR → PrintFailed → Error → Disconnected → CLOSED_WITH_ERROR.
    #expect(
      from("ERROR", eventOrder(job { $0.outcome = .failed })) == [
        "ERROR", "PrintFailed", "Error", "Disconnected", "CLOSED_WITH_ERROR",
      ])
  }

  @Test("GcodeScript events carry exactly the keys of the event that ran the script")
  func scriptKeys() throws {
    // Reference: BeforePrintStarted = PrintStarted's, AfterPrintDone = PrintDone's (no user),
    // AfterPrintCancelled = PrintCancelled's, AfterPrintPaused = PrintPaused's, BeforePrintResumed = PrintResumed's.
    let pairs: [(PrintJobOptions.Outcome, String, String)] = [
      (.done, "PrintStarted", "GcodeScriptBeforePrintStarted"),
      (.done, "PrintDone", "GcodeScriptAfterPrintDone"),
      (.cancelled, "PrintCancelled", "GcodeScriptAfterPrintCancelled"),
      (.pausedResumed, "PrintPaused", "GcodeScriptAfterPrintPaused"),
      (.pausedResumed, "PrintResumed", "GcodeScriptBeforePrintResumed"),
    ]
    for (outcome, trigger, script) in pairs {
      let messages = job { $0.outcome = outcome }
      let triggered = try #require(messages.first { $0.topic == "octoPrint/event/\(trigger)" })
      let own = try keysOf(triggered).filter { !$0.hasPrefix("_") }
      for suffix in ["Running", "Finished"] {
        let m = try #require(messages.first { $0.topic == "octoPrint/event/\(script)\(suffix)" })
        #expect(try keysOf(m) == own + ["_event", "_timestamp"], "\(script)\(suffix)")
      }
    }
    let done = try #require(job().first { $0.topic == "octoPrint/event/GcodeScriptAfterPrintDoneRunning" })
    #expect(try keysOf(done) == ["name", "path", "origin", "size", "owner", "time", "_event", "_timestamp"])
  }

  @Test("achievements: a fresh server's first finished or cancelled job, and none with achievements off")
  func achievements() throws {
    func unlocked(_ messages: [CapturedMessage]) throws -> [String] {
      try messages.filter { $0.topic == "octoPrint/event/plugin_achievements_achievement_unlocked" }.map {
        try #require(JSONParser.parse(text($0))["key"]?.stringValue)
      }
    }
    // 2025-11-25 (a Tuesday) 11:07 UTC: nothing for the start; finishing unlocks the first-print achievement.
    let done = job()
    #expect(try unlocked(done) == ["one_small_step_for_man"])
    let m = try #require(done.first { $0.topic.hasSuffix("/plugin_achievements_achievement_unlocked") })
    #expect(
      try keysOf(m) == [
        "key", "name", "description", "hidden", "nag", "timebased", "type", "logo", "_event", "_timestamp",
      ])
    #expect(try unlocked(job { $0.outcome = .cancelled }) == ["all_beginnings_are_hard"])
    // A 5-minute job is a sprint; Friday 2025-11-28 at 23:30 UTC is a night owl's TGIF.
    let friday = job {
      $0.start = Timestamp(microseconds: 1_764_372_600_000_000)
      $0.duration = 300
    }
    #expect(try unlocked(friday) == ["night_owl", "tgif", "sprint", "one_small_step_for_man"])
    let off = job {
      $0.start = Timestamp(microseconds: 1_764_372_600_000_000)
      $0.achievements = false
    }
    #expect(try unlocked(off).isEmpty)
  }

  @Test("printerData: progress payloads carry OctoPrint's printer data; off by default")
  func printerData() throws {
    #expect(!job().contains { text($0).contains("printer_data") })
    let messages = job { $0.printerData = true }
    let progress = messages.filter { $0.topic == "octoPrint/progress/printing" && text($0).contains("printer_data") }
    let printing = try #require(progress.first { text($0).contains(#""text": "Printing""#) })
    #expect(try keysOf(printing) == ["location", "path", "progress", "printer_data", "_timestamp"])
    let data = try #require(JSONParser.parse(text(printing))["printer_data"])
    guard case .object(let members) = data else { throw CancellationError() }
    #expect(members.map(\.key) == ["state", "job", "currentZ", "progress", "offsets", "resends"])
    #expect(data["state"]?["flags"]?["printing"] == .bool(true))
    #expect(data["job"]?["file"]?["name"]?.stringValue == "NodeMCU_Case.gcode")
    let last = try #require(progress.last)
    #expect(text(last).contains(#""progress": 100"#) && text(last).contains(#""text": "Operational""#))
  }

  @Test("payloads have the plugin's keys in its order; ZChange and FirmwareData are retained")
  func payloadShapes() throws {
    let messages = job()
    func keys(_ topic: String) throws -> [String] {
      try keysOf(#require(messages.first { $0.topic == topic }))
    }
    #expect(
      try keys("octoPrint/event/PrintStarted") == [
        "name", "path", "origin", "size", "owner", "user", "_event", "_timestamp",
      ])
    #expect(
      try keys("octoPrint/event/PrintDone") == [
        "name", "path", "origin", "size", "owner", "time", "_event", "_timestamp",
      ])
    #expect(try keys("octoPrint/event/ZChange") == ["new", "old", "_event", "_timestamp"])
    #expect(try keys("octoPrint/progress/printing") == ["location", "path", "progress", "_timestamp"])
    #expect(try keys("octoPrint/temperature/tool0") == ["actual", "target", "_timestamp"])
    #expect(
      try keys("octoPrint/event/MovieDone") == [
        "gcode", "movie", "movie_basename", "movie_prefix", "_event", "_timestamp",
      ])
    let z = messages.filter { $0.topic == "octoPrint/event/ZChange" }
    #expect(z.allSatisfy { $0.retain && $0.qos == .atMostOnce })
    #expect(text(z[0]).hasPrefix(#"{"new": 0.2, "old": null"#))
    #expect(messages.first { $0.topic == "octoPrint/mqtt" }.map { $0.qos == .atLeastOnce && $0.retain } == true)
    #expect(messages.filter { $0.topic == "octoPrint/event/PrintStarted" }.allSatisfy { !$0.retain })
    // Progress ends at 100 after PrintDone.
    let last = try #require(messages.last { $0.topic == "octoPrint/progress/printing" })
    #expect(text(last).contains(#""progress": 100"#))
  }

  @Test("the 2017 plugin: octoprint/, no _timestamp, the document's key orders, .mpg movies, no last will")
  func plugin2017() throws {
    let messages = job { $0.plugin = .v2017 }
    #expect(messages.allSatisfy { $0.topic.hasPrefix("octoprint/") })
    #expect(!messages.contains { text($0).contains("_timestamp") })
    #expect(!messages.contains { $0.topic == "octoprint/mqtt" })
    let started = try #require(messages.first { $0.topic == "octoprint/event/PrintStarted" })
    guard case .object(let members) = try JSONParser.parse(text(started)) else { return }
    #expect(members.map(\.key) == ["origin", "_event", "name", "file", "path", "filename", "size"])
    let z = try #require(messages.first { $0.topic == "octoprint/event/ZChange" })
    #expect(text(z) == #"{"new": 0.2, "_event": "ZChange", "old": null}"#)
    let movie = try #require(messages.first { $0.topic == "octoprint/event/MovieDone" })
    #expect(text(movie).contains(".mpg\""))
    #expect(!eventOrder(messages, base: "octoprint").contains("STARTING"))
  }

  @Test("heaters reach their targets, report within 0.1 °C steps, and cool afterwards", arguments: HeaterModel.allCases)
  func heaters(model: HeaterModel) throws {
    let messages = job {
      $0.heaters = model
      $0.toolTemperature = 215
      $0.bedTemperature = 55
    }
    for (heater, target) in [("tool0", 215.0), ("bed", 55.0)] {
      let readings = try messages.filter { $0.topic == "octoPrint/temperature/\(heater)" }.map {
        m -> (Double, Double) in
        let v = try JSONParser.parse(text(m))
        return (Double(v["actual"]!.numberLiteral!)!, Double(v["target"]!.numberLiteral!)!)
      }
      let whileTargeted = readings.filter { $0.1 == target }.map(\.0)
      #expect((whileTargeted.max() ?? 0) >= target - 0.5, "\(heater) reached \(whileTargeted.max() ?? 0)")
      #expect((whileTargeted.max() ?? 0) <= target + 8, "\(heater) overshoot")
      let afterwards = readings.drop { $0.1 != target }.drop { $0.1 == target }
      #expect(!afterwards.isEmpty && afterwards.allSatisfy { $0.1 == 0 })
      #expect((afterwards.last?.0 ?? 999) < target - 5, "\(heater) cools after the job")
    }
  }

  @Test("made lazily, messages still come in time order: many printers, every outcome, crowded layers")
  func lazyOrder() {
    for outcome in PrintJobOptions.Outcome.allCases {
      let messages = job {
        $0.outcome = outcome
        $0.printers = 8
        $0.layers = 2000
        $0.duration = 120
      }
      #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }, "\(outcome)")
      for i in 1...8 {
        let z = messages.filter { $0.topic == "octoPrint/printer-\(i)/event/ZChange" }
        // Layers are numbered in order, each 0.2 mm above the last (the final lift aside).
        let heights = z.compactMap { try? JSONParser.parse(text($0))["new"]?.numberLiteral }.compactMap(Double.init)
        #expect(zip(heights, heights.dropFirst()).allSatisfy { $1 > $0 }, "printer \(i), \(outcome)")
      }
    }
  }

  @Test("--homeassistant: every topic a discovery config names is published by the job (or subscribed)")
  func homeAssistantWired() throws {
    let messages = job {
      $0.homeAssistant = true
      $0.printers = 2
      $0.outcome = .pausedResumed
    }
    let published = Set(messages.map(\.topic))
    let configs = messages.filter { $0.topic.hasPrefix("homeassistant/") }
    // Each printer announces its 25 entities three times at startup (startup, the retained echo, its own).
    #expect(configs.count == 2 * 25 * 3)
    var nodes: Set<String> = []
    for config in configs {
      let value = try JSONParser.parse(text(config))
      let tilde = try #require(value["~"]?.stringValue)
      #expect(tilde == "octoPrint/printer-1/" || tilde == "octoPrint/printer-2/")
      nodes.insert(try #require(value["device"]?["ids"]?.stringValue ?? value["dev"]?["ids"]?.stringValue))
      func expand(_ topic: String) -> String { topic.hasPrefix("~") ? tilde + topic.dropFirst() : topic }
      var named: [String] = []
      for key in ["stat_t", "json_attr_t"] { if let t = value[key]?.stringValue { named.append(expand(t)) } }
      if case .array(let list)? = value["avty"] {
        named += list.compactMap { $0["t"]?.stringValue }.map(expand)
      }
      for topic in named {
        let filter = try #require(TopicFilter(topic))
        #expect(published.contains { filter.matches($0) }, "\(config.topic) names \(topic), never published")
      }
      if let command = value["cmd_t"]?.stringValue {
        #expect(expand(command).hasPrefix(tilde + "hassControl/"), "\(config.topic)")
      }
    }
    #expect(nodes.count == 2, "one node per printer")
    // The state the companion keeps follows the job: printing, paused, resumed, done.
    let printing = messages.filter { $0.topic == "octoPrint/printer-1/hass/is_printing" }.map(text)
    #expect(printing == ["False", "True", "False"])
    let paused = messages.filter { $0.topic == "octoPrint/printer-1/hass/is_paused" }.map(text)
    #expect(paused == ["False", "False", "True", "False"])
    #expect(!job().contains { $0.topic.hasPrefix("homeassistant/") || $0.topic.contains("/hass/") })
  }

  @Test("several printers each get their own base topic and job")
  func printers() {
    let messages = job { $0.printers = 3 }
    for i in 1...3 {
      #expect(messages.filter { $0.topic == "octoPrint/printer-\(i)/event/PrintDone" }.count == 1)
    }
    #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
  }

  @Test("a timelapse frame per layer, at most one a second; none with timelapse off")
  func timelapse() {
    let messages = job { $0.layers = 20 }
    let z = messages.filter { $0.topic.hasSuffix("/ZChange") }
    let frames = messages.filter { $0.topic.hasSuffix("/CaptureStart") }
    #expect(z.count == 21)  // 20 layers and the final lift
    #expect(frames.count == 20)
    #expect(messages.filter { $0.topic.hasSuffix("/CaptureDone") }.count == 20)
    #expect(job { $0.timelapse = false }.allSatisfy { !$0.topic.contains("Capture") && !$0.topic.contains("Movie") })
  }
}
