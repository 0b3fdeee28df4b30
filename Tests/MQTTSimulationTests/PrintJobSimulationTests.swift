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

/// The sequence of `_event` names (and state ids) on event topics, with layer and timelapse events left out.
private func eventOrder(_ messages: [CapturedMessage], base: String = "octoPrint") -> [String] {
  messages.compactMap { m -> String? in
    guard m.topic.hasPrefix("\(base)/event/") else { return nil }
    let name = String(m.topic.dropFirst(base.count + 7))
    if ["ZChange", "CaptureStart", "CaptureDone"].contains(name) { return nil }
    if name == "PrinterStateChanged", let value = try? JSONParser.parse(text(m)),
      let id = value["state_id"]?.stringValue
    {
      return id
    }
    return name
  }
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

  @Test("a completed job follows OctoPrint's event order")
  func doneOrder() {
    #expect(
      eventOrder(job()) == [
        "Connecting", "OPEN_SERIAL", "CONNECTING", "OPERATIONAL", "Connected", "FirmwareData",
        "FileSelected", "STARTING", "PrintStarted", "ChartMarked", "GcodeScriptBeforePrintStartedRunning",
        "GcodeScriptBeforePrintStartedFinished", "PRINTING", "Home",
        "FINISHING", "ChartMarked", "PrintDone", "GcodeScriptAfterPrintDoneRunning",
        "GcodeScriptAfterPrintDoneFinished",
        "OPERATIONAL", "MetadataStatisticsUpdated", "MovieRendering", "MovieDone",
      ])
  }

  @Test("cancel, pause/resume and a communication error follow their orders")
  func otherOrders() {
    let cancelled = eventOrder(job { $0.outcome = .cancelled })
    #expect(
      Array(cancelled.drop { $0 != "Home" }.dropFirst()) == [
        "CANCELLING", "PrintCancelling", "PrintCancelled", "GcodeScriptAfterPrintCancelledRunning",
        "GcodeScriptAfterPrintCancelledFinished", "PrintFailed", "OPERATIONAL", "MovieRendering", "MovieDone",
      ])
    let paused = eventOrder(job { $0.outcome = .pausedResumed })
    #expect(
      Array(paused.drop { $0 != "Home" }.dropFirst().prefix(12)) == [
        "PAUSING", "PrintPaused", "GcodeScriptAfterPrintPausedRunning", "GcodeScriptAfterPrintPausedFinished",
        "PositionUpdate", "PAUSED", "RESUMING", "GcodeScriptBeforePrintResumedRunning",
        "GcodeScriptBeforePrintResumedFinished", "PrintResumed", "PRINTING", "FINISHING",
      ])
    let failed = eventOrder(job { $0.outcome = .failed })
    #expect(
      Array(failed.drop { $0 != "Home" }.dropFirst()) == [
        "ERROR", "PrintFailed", "Error", "Disconnected", "CLOSED_WITH_ERROR",
      ])
  }

  @Test("payloads have the plugin's keys in its order; ZChange and FirmwareData are retained")
  func payloadShapes() throws {
    let messages = job()
    func keys(_ topic: String) throws -> [String] {
      let m = try #require(messages.first { $0.topic == topic })
      guard case .object(let members) = try JSONParser.parse(text(m)) else { return [] }
      return members.map(\.key)
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
