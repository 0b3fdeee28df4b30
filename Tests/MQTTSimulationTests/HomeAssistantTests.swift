import Foundation
import MQTTCapture
import Testing

@testable import MQTTSimulation

// Expectations are transcribed by hand from OctoPrint-HomeAssistant's `octoprint_homeassistant/__init__.py`
// (commit 8a0639b), and checked with python3's own `json` where the spelling matters.

private let companion = HomeAssistantCompanion(baseTopic: "octoPrint", nodeID: "abc123")
private let t0 = Timestamp(microseconds: 1_764_068_856_250_000)

private func text(_ m: CapturedMessage) -> String { String(decoding: m.payload, as: UTF8.self) }

/// Runs python3 on `script` with `input` on stdin; its stdout.
private func python(_ script: String, input: String) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script]
  let stdin = Pipe()
  let stdout = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  try process.run()
  stdin.fileHandleForWriting.write(Data(input.utf8))
  try stdin.fileHandleForWriting.close()
  let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  #expect(process.terminationStatus == 0)
  return out
}

/// Each line parsed by Python's `json.loads` and written again by `json.dumps` with its defaults, as the plugin does.
private func pythonRoundTrip(_ lines: [String]) throws -> [String] {
  let script = "import sys, json\nfor line in sys.stdin: print(json.dumps(json.loads(line)))"
  return try python(script, input: lines.joined(separator: "\n") + "\n").split(separator: "\n").map(String.init)
}

private let device =
  #"{"ids": "abc123", "name": "OctoPrint", "mf": "Clifford Roche", "mdl": "HomeAssistant Discovery for OctoPrint", "sw": "HomeAssistant Discovery for OctoPrint 3.7.0"}"#
private let lastWill = #"{"t": "~mqtt", "pl_avail": "connected", "pl_not_avail": "disconnected"}"#

@Suite("the Home Assistant companion plugin")
struct HomeAssistantTests {
  @Test("announces every default entity under homeassistant/<component>/<node_id>_<NAME>/config, retained, QoS 0")
  func discoveryTopics() {
    let configs = companion.discoveryConfigs(at: t0)
    let expected =
      ["binary_sensor/abc123_CONNECTED", "binary_sensor/abc123_PRINTING"]
      + [
        "EVENT", "PRINTING_S", "PRINTING_P", "PRINTING_F", "PRINTING_T", "PRINTING_E", "PRINTING_ETA", "PRINTING_C",
        "PRINTING_Z", "SLICING_P", "SLICING_F", "TOOL0", "TOOL0_TARGET", "BED", "BED_TARGET", "SOC",
      ].map { "sensor/abc123_" + $0 }
      + ["switch/abc123_CONNECT", "button/abc123_STOP", "button/abc123_CANCEL", "switch/abc123_PAUSE"]
      + ["button/abc123_SHUTDOWN", "button/abc123_REBOOT", "button/abc123_RESTART"]
    #expect(configs.map(\.topic) == expected.map { "homeassistant/\($0)/config" })
    #expect(configs.allSatisfy { $0.retain && $0.qos == .atMostOnce })
  }

  @Test("options add the plugin's extra entities; the SoC sensor keeps the literal homeassistant/ prefix")
  func optionalEntities() {
    var c = companion
    c.extruders = 2
    c.heatedChamber = true
    c.psuControl = true
    c.cameraSnapshot = true
    c.discoveryPrefix = "ha"
    let topics = c.discoveryConfigs(at: t0).map(\.topic)
    #expect(topics.count == 25 + 2 + 2 + 2)
    for name in ["TOOL1", "TOOL1_TARGET", "CHAMBER", "CHAMBER_TARGET"] {
      #expect(topics.contains("ha/sensor/abc123_\(name)/config"))
    }
    #expect(topics.contains("homeassistant/sensor/abc123_SOC/config"))
    #expect(topics.suffix(2) == ["ha/switch/abc123_PSU/config", "ha/switch/abc123_CAMERA_SNAPSHOT/config"])
    #expect(
      c.subscriptions.map { $0.replacingOccurrences(of: "octoPrint/hassControl/", with: "") } == [
        "octoPrint/mqtt", "connect", "stop", "cancel", "pause", "shutdown", "reboot", "restart", "psu",
        "camera_snapshot", "jog", "connect", "home", "commands",
      ])
  }

  @Test("configs are spelled as the plugin writes them: avty first, ~ second, the entity's keys, °C escaped")
  func configTexts() throws {
    let byName = Dictionary(uniqueKeysWithValues: companion.discoveryConfigs(at: t0).map { ($0.topic, text($0)) })
    #expect(
      byName["homeassistant/button/abc123_CANCEL/config"]
        == #"{"avty": [{"t": "~hass/is_printing", "pl_avail": "True", "pl_not_avail": "False"}, "#
        + lastWill
        + #"], "~": "octoPrint/", "name": "OctoPrint Cancel Print", "uniq_id": "abc123_CANCEL", "#
        + #""cmd_t": "~hassControl/cancel", "device": "# + device + #", "ic": "mdi:cancel"}"#)
    #expect(
      byName["homeassistant/sensor/abc123_PRINTING_T/config"]
        == #"{"avty": [{"t": "~hass/printing", "val_tpl": "{{'False' if not value_json.progress.printTime else "#
        + #"'True'}}", "pl_avail": "True", "pl_not_avail": "False"}, "# + lastWill
        + #"], "~": "octoPrint/", "name": "OctoPrint Print Time", "uniq_id": "abc123_PRINTING_T", "#
        + #""stat_t": "~hass/printing", "val_tpl": "{{value_json.progress.printTime}}", "dev_cla": "duration", "#
        + #""unit_of_meas": "s", "device": "# + device + #", "ic": "mdi:clock-start"}"#)
    #expect(
      byName["homeassistant/sensor/abc123_TOOL0/config"]
        == #"{"avty": ["# + lastWill + #"], "~": "octoPrint/", "name": "OctoPrint Tool 0 Temperature", "#
        + #""uniq_id": "abc123_TOOL0", "stat_t": "~temperature/tool0", "unit_of_meas": "\u00b0C", "#
        + #""val_tpl": "{{value_json.actual|float(0)}}", "device": "# + device
        + #", "dev_cla": "temperature", "ic": "mdi:printer-3d-nozzle"}"#)
    #expect(
      byName["homeassistant/switch/abc123_CONNECT/config"]
        == #"{"avty": ["# + lastWill + #"], "~": "octoPrint/", "name": "OctoPrint Connect to printer", "#
        + #""uniq_id": "abc123_CONNECT", "cmd_t": "~hassControl/connect", "stat_t": "octoPrint/hass/Connected", "#
        + #""pl_off": "False", "pl_on": "True", "stat_on": "Connected", "stat_off": "Disconnected", "device": "#
        + device + #", "ic": "mdi:lan-connect"}"#)
    #expect(
      byName["homeassistant/sensor/abc123_PRINTING_ETA/config"]?.contains(
        #""stat_t": "~hass/printing", "json_attr_t": "~hass/printing", "json_attr_tpl": "{{value_json.job|tojson}}", "#
          + #""val_tpl": "{{value_json.job.estimatedPrintTime}}", "dev_cla": "duration", "unit_of_meas": "s", "#
          + #""device": "# + device + "}") == true)
  }

  @Test("every config is JSON that python3's json.dumps writes back byte for byte")
  func configsArePythonJSON() throws {
    var c = companion
    c.psuControl = true
    c.cameraSnapshot = true
    let texts = c.discoveryConfigs(at: t0).map(text)
    #expect(try pythonRoundTrip(texts) == texts)
  }

  @Test("every topic a config names (~ expanded) is published by the companion or the MQTT plugin, or subscribed")
  func namedTopicsExist() throws {
    var c = companion
    c.psuControl = true
    c.cameraSnapshot = true
    let printer = PrinterStatus(connected: true, data: .object([]))
    var published = Set(c.startup(printer: printer, at: t0).map(\.topic))
    for event in ["PrintStarted", "PrintPaused", "CaptureDone"] {
      published.formUnion(c.messages(forEvent: event, printer: printer, at: t0).map(\.topic))
    }
    published.formUnion(c.messages(forSoCTemperature: 48.3, at: t0).map(\.topic))
    // What OctoPrint-MQTT itself publishes (event/+ is the Last Event sensor's filter over all events).
    let mqttPlugin: Set = [
      "octoPrint/event/+", "octoPrint/progress/printing", "octoPrint/progress/slicing", "octoPrint/temperature/tool0",
      "octoPrint/temperature/bed", "octoPrint/mqtt",
    ]
    let subscribed = Set(c.subscriptions)
    var named: [String] = []
    for config in c.discoveryConfigs(at: t0) {
      let value = try JSONParser.parse(text(config))
      #expect(value["~"]?.stringValue == "octoPrint/")
      guard case .object(let members) = value, case .array(let avty)? = value["avty"] else {
        Issue.record("\(config.topic): no avty list")
        continue
      }
      #expect(members.first?.key == "avty")
      #expect(members.dropFirst().first?.key == "~")
      #expect(avty.last == (try JSONParser.parse(lastWill)))
      named += avty.compactMap { $0["t"]?.stringValue }
      named += ["stat_t", "json_attr_t", "cmd_t"].compactMap { value[$0]?.stringValue }
    }
    let expanded = named.map { $0.hasPrefix("~") ? "octoPrint/" + $0.dropFirst() : $0 }
    #expect(expanded.contains(c.availabilityTopic) && c.availabilityTopic == "octoPrint/mqtt")
    for topic in Set(expanded) {
      let isCommand = topic.contains("/hassControl/")
      #expect(
        isCommand ? subscribed.contains(topic) : published.contains(topic) || mqttPlugin.contains(topic), "\(topic)")
    }
    #expect(Set(expanded).count == 21)
  }

  @Test("node ids are 32 hex digits like uuid4().hex, unique across 10,000 printers, the same for the same seed")
  func nodeIDs() {
    let ids = (1...10_000).map { HomeAssistantCompanion.nodeID(seed: 7, printer: $0) }
    #expect(Set(ids).count == ids.count)
    #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
    #expect(ids.allSatisfy { Array($0)[12] == "4" && "89ab".contains(Array($0)[16]) })
    #expect(HomeAssistantCompanion.nodeID(seed: 7, printer: 3) == ids[2])
    #expect(HomeAssistantCompanion.nodeID(seed: 8, printer: 3) != ids[2])
  }

  @Test("startup publishes the configs, connected, is_printing/is_paused False, the status and the connection")
  func startup() {
    let idle = PrinterData(
      state: .operational, fileName: "a.gcode", fileSize: 1000, fileDate: 0, user: "maker", estimatedPrintTime: 60,
      printed: nil, printTime: nil, currentZ: nil)
    let printer = PrinterStatus(connected: false, data: idle.payload)
    let messages = companion.startup(printer: printer, at: t0)
    #expect(messages.count == 25 + 5)
    #expect(
      messages.suffix(5).map { $0.topic.hasSuffix("/printing") ? $0.topic : "\($0.topic) \(text($0))" } == [
        "octoPrint/mqtt connected", "octoPrint/hass/is_printing False", "octoPrint/hass/is_paused False",
        "octoPrint/hass/printing", "octoPrint/hass/Connected Disconnected",
      ])
    #expect(text(messages[28]).hasPrefix(#"{"state": {"text": "Operational", "#))
    #expect(text(messages[28]).hasSuffix(#"}, "_timestamp": 1764068856}"#))
    #expect(companion.messages(forAvailability: Array("connected".utf8), at: t0).count == 25)
    #expect(companion.messages(forAvailability: Array("disconnected".utf8), at: t0).isEmpty)
  }

  @Test("events publish what on_event publishes, in its order")
  func events() {
    let printer = PrinterStatus(connected: true, data: .object([]))
    func topics(_ event: String) -> [String] {
      companion.messages(forEvent: event, printer: printer, at: t0).map {
        $0.topic.replacingOccurrences(of: "octoPrint/", with: "")
          + ($0.topic.hasSuffix("/printing") ? "" : "=" + text($0))
      }
    }
    #expect(topics("PrintStarted") == ["hass/printing", "hass/is_printing=True", "hass/is_paused=False"])
    #expect(topics("PrintPaused") == ["hass/printing", "hass/is_paused=True"])
    #expect(topics("PrintResumed") == ["hass/printing", "hass/is_paused=False"])
    #expect(topics("PrintCancelled") == ["hass/printing", "hass/is_printing=False"])
    #expect(topics("PrintFailed") == ["hass/printing", "hass/is_printing=False"])
    #expect(topics("PrintDone") == ["hass/printing", "hass/is_printing=False"])
    #expect(topics("PrinterStateChanged") == ["hass/Connected=Connected", "hass/printing"])
    #expect(topics("ZChange") == ["hass/printing"])
    #expect(topics("FileSelected") == ["hass/printing"])
    #expect(topics("Home").isEmpty && topics("PrintCancelling").isEmpty && topics("MovieDone").isEmpty)
    let capture = companion.messages(forEvent: "CaptureDone", printer: printer, at: t0)
    #expect(capture.map(\.topic) == ["octoPrint/hass/printing", "octoPrint/camera"])
    #expect(capture[1].payload.prefix(2) == [0xFF, 0xD8] && capture[1].payload.suffix(2) == [0xFF, 0xD9])
  }

  @Test("hass/printing is OctoPrint's current data with the formatted times appended, then _timestamp")
  func printerStatus() throws {
    let data = PrinterData(
      state: .printing, fileName: "a.gcode", fileSize: 1000, fileDate: 1_764_000_000, user: "maker",
      estimatedPrintTime: 5400.5, printed: 0.5, printTime: 2700.7, currentZ: 1.2)
    let message = companion.messages(forProgress: PrinterStatus(connected: true, data: data.payload), at: t0)[0]
    #expect(message.topic == "octoPrint/hass/printing" && message.retain && message.qos == .atMostOnce)
    let payload = text(message)
    #expect(try pythonRoundTrip([payload]) == [payload])
    let keys = """
      import sys, json
      d = json.loads(sys.stdin.read())
      print(list(d)[-1], list(d["progress"])[-3:], list(d["job"])[-1])
      print(d["progress"]["printTimeLeftFormatted"], d["progress"]["printTimeFormatted"], d["job"]["estimatedPrintTimeFormatted"])
      """
    #expect(
      try python(keys, input: payload)
        == "_timestamp ['printTimeLeftOrigin', 'printTimeLeftFormatted', 'printTimeFormatted'] estimatedPrintTimeFormatted\n"
        + "0:44:59 0:45:00 1:30:00\n")
    // Not printing: the times are null, and so are their formatted forms.
    let idle = PrinterData(
      state: .operational, fileName: "a.gcode", fileSize: 1000, fileDate: 0, user: "maker", estimatedPrintTime: 60,
      printed: nil, printTime: nil, currentZ: nil)
    let idleText = text(companion.messages(forProgress: PrinterStatus(connected: true, data: idle.payload), at: t0)[0])
    #expect(idleText.contains(#""printTimeLeftFormatted": null, "printTimeFormatted": null}"#))
    #expect(idleText.contains(#""estimatedPrintTimeFormatted": "0:01:00"}"#))
  }

  @Test(
    "times are formatted like Python's str(timedelta) without the fraction",
    arguments: [
      0, 59.999, 3725.9, 86_399, 86_400, 90_061.5, 172_800, 1_000_000, -5,
    ])
  func timedelta(seconds: Double) throws {
    let expected = try python(
      "import datetime; print(str(datetime.timedelta(seconds=\(seconds))).split('.')[0])", input: "")
    #expect(HomeAssistantCompanion.formatted(seconds).text == "\"" + expected.dropLast() + "\"")
  }

  @Test("timers fire one interval after they start, then every interval, until the end")
  func timers() {
    let ticks = HomeAssistantCompanion.timerTicks(
      every: HomeAssistantCompanion.statusInterval, from: t0,
      until: Timestamp(microseconds: t0.microseconds + 180_000_000))
    #expect(ticks.map { ($0.microseconds - t0.microseconds) / 1_000_000 } == [60, 120])
    #expect(HomeAssistantCompanion.timerTicks(every: 30, from: t0, until: t0).isEmpty)
  }

  @Test("the SoC report is {temperature, _timestamp}, null without a sensor")
  func soc() {
    #expect(
      text(companion.messages(forSoCTemperature: 48.3, at: t0)[0])
        == #"{"temperature": 48.3, "_timestamp": 1764068856}"#)
    #expect(
      text(companion.messages(forSoCTemperature: nil, at: t0)[0]) == #"{"temperature": null, "_timestamp": 1764068856}"#
    )
    #expect(companion.messages(forSoCTemperature: nil, at: t0)[0].topic == "octoPrint/temperature/soc")
  }

  @Test("commands parse from exactly the payloads the plugin's handlers act on")
  func commands() {
    func parse(_ name: String, _ payload: String, base: String = "octoPrint") -> HomeAssistantCommand? {
      HomeAssistantCommand(topic: "\(base)/hassControl/\(name)", payload: Array(payload.utf8), baseTopic: base)
    }
    #expect(parse("cancel", "PRESS") == .cancel)
    #expect(parse("stop", "PRESS") == .emergencyStop)
    #expect(parse("pause", "True") == .pause)
    #expect(parse("pause", "False") == .resume)
    #expect(parse("connect", "True") == .connect)
    #expect(parse("connect", "False") == .disconnect)
    #expect(parse("shutdown", "PRESS") == .shutdownSystem)
    #expect(parse("reboot", "PRESS") == .rebootSystem)
    #expect(parse("restart", "PRESS") == .restartServer)
    #expect(parse("cancel", "PRESS", base: "octoPrint/printer-3") == .cancel)
    #expect(parse("jog", #"{"x": 0.1, "speed": 1.0 }"#) == .jog(x: 0.1, y: nil, z: nil, speed: 1))
    #expect(parse("jog", #"{"z": -2, "a": 5}"#) == .jog(x: nil, y: nil, z: -2, speed: nil))
    #expect(parse("home", #"["x", "y", "z"]"#) == .home(axes: ["x", "y", "z"]))
    #expect(parse("home", #"{"e": 1, "z": 0}"#) == .home(axes: ["z", "e"]))
    #expect(parse("home", #""zx""#) == .home(axes: ["x", "z"]))
    #expect(parse("commands", "G29") == .gcode(["G29"]))
    #expect(parse("commands", #"["G28", "G29"]"#) == .gcode(["G28", "G29"]))
    #expect(parse("commands", #""M117 hi""#) == .gcode(["M117 hi"]))
    let psu = HomeAssistantCommand(
      topic: "octoPrint/hassControl/psu", payload: Array("True".utf8), psuControl: true)
    #expect(psu == .psuOn)
    let snapshot = HomeAssistantCommand(
      topic: "octoPrint/hassControl/camera_snapshot", payload: Array("PRESS".utf8), cameraSnapshot: true)
    #expect(snapshot == .cameraSnapshot)
  }

  @Test("junk, other topics and payloads the handlers ignore give no command")
  func junk() {
    func parse(_ topic: String, _ payload: String) -> HomeAssistantCommand? {
      HomeAssistantCommand(topic: topic, payload: Array(payload.utf8))
    }
    for (topic, payload) in [
      ("octoPrint/hassControl/cancel", "True"), ("octoPrint/hassControl/cancel", "press"),
      ("octoPrint/hassControl/cancel", ""), ("octoPrint/hassControl/stop", "True"),
      ("octoPrint/hassControl/pause", "PRESS"), ("octoPrint/hassControl/pause", "true"),
      ("octoPrint/hassControl/connect", "PRESS"), ("octoPrint/hassControl/psu", "True"),
      ("octoPrint/hassControl/camera_snapshot", "PRESS"), ("octoPrint/hassControl/unknown", "PRESS"),
      ("octoPrint/hassControl/jog", "x"), ("octoPrint/hassControl/jog", #"{"speed": 1}"#),
      ("octoPrint/hassControl/jog", #"{"x": "far"}"#), ("octoPrint/hassControl/jog", "[1]"),
      ("octoPrint/hassControl/home", "12"), ("octoPrint/hassControl/home", "null"),
      ("octoPrint/hassControl/home", "{bad"), ("octoPrint/hassControl/commands", ""),
      ("octoPrint/hassControl/commands", "28"), ("octoPrint/hassControl/commands", #"["G28", 1]"#),
      ("octoprint/hassControl/cancel", "PRESS"), ("octoPrint/hass/cancel", "PRESS"),
      ("octoPrint/hassControl/cancel/x", "PRESS"), ("other/hassControl/cancel", "PRESS"),
    ] {
      #expect(parse(topic, payload) == nil, "\(topic) \(payload)")
    }
  }
}
