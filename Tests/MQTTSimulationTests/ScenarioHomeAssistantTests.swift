import Foundation
import MQTTCapture
import Testing

@testable import MQTTSimulation

private func text(_ m: CapturedMessage) -> String { String(decoding: m.payload, as: UTF8.self) }

/// Two printers with the companion: `prusa` prints twice and is switched off; `ender` prints, OctoPrint dies
/// (the broker's last will) and comes back a minute later, and prints again.
private let farm = """
  seed: 3
  start: 2025-11-25T08:00:00Z
  homeassistant: true
  printers:
    - name: prusa
      jobs:
        - duration: 1m
        - duration: 1m
        - disconnect: 1m
    - name: ender
      jobs:
        - duration: 1m
        - restart: 1m
        - duration: 1m
  """

private func farmMessages(yaml: String = farm, base: PrintJobOptions = PrintJobOptions()) throws -> [CapturedMessage] {
  Array(PrintJobStream(try Scenario(yaml: yaml, defaults: base), base: base))
}

/// The node id of a discovery config topic (`homeassistant/sensor/<node id>_BED/config`).
private func nodeID(_ topic: String) -> String {
  String(topic.split(separator: "/")[2].split(separator: "_")[0])
}

@Suite("scenarios with the Home Assistant companion")
struct ScenarioHomeAssistantTests {
  @Test("each scenario printer announces the companion's 25 configs under its own node id, base topic and name")
  func discoveryPerPrinter() throws {
    let messages = try farmMessages()
    let configs = messages.filter { $0.topic.hasPrefix("homeassistant/") }
    #expect(configs.allSatisfy { $0.retain && $0.qos == .atMostOnce && $0.topic.hasSuffix("/config") })
    let ids = Set(configs.map { nodeID($0.topic) })
    try #require(ids.count == 2)
    for id in ids {
      #expect(id.count == 32 && id.allSatisfy(\.isHexDigit) && id == id.lowercased())
      #expect(Set(configs.filter { nodeID($0.topic) == id }.map(\.topic)).count == 25)
    }
    // Written out by hand from the plugin's `_generate_device_registration` (see HomeAssistantTests).
    for name in ["prusa", "ender"] {
      let connected = try #require(
        configs.first { $0.topic.hasPrefix("homeassistant/binary_sensor/") && text($0).contains("octoPrint/\(name)/") })
      let id = nodeID(connected.topic)
      #expect(connected.topic == "homeassistant/binary_sensor/\(id)_CONNECTED/config")
      #expect(
        text(connected)
          == #"{"avty": [{"t": "~mqtt", "pl_avail": "connected", "pl_not_avail": "disconnected"}], "#
          + #""~": "octoPrint/\#(name)/", "name": "OctoPrint \#(name) Connected", "uniq_id": "\#(id)_CONNECTED", "#
          + #""stat_t": "~hass/Connected", "pl_on": "Connected", "pl_off": "Disconnected", "#
          + #""dev_cla": "connectivity", "device": {"ids": "\#(id)", "name": "OctoPrint \#(name)", "#
          + #""mf": "Clifford Roche", "mdl": "HomeAssistant Discovery for OctoPrint", "#
          + #""sw": "HomeAssistant Discovery for OctoPrint 3.7.0"}}"#)
      // Every config of the printer names its base topic and its device.
      let own = configs.filter { nodeID($0.topic) == id }
      #expect(own.allSatisfy { text($0).contains(#""~": "octoPrint/\#(name)/""#) })
      #expect(own.allSatisfy { text($0).contains(#""device": {"ids": "\#(id)", "name": "OctoPrint \#(name)""#) })
    }
  }

  @Test("availability follows a restart: the last will, then connected and the configs again, same node id")
  func availabilityAcrossRestart() throws {
    let messages = try farmMessages()
    let flag = messages.filter { $0.topic == "octoPrint/ender/mqtt" }
    // Reference: the plugin's `connected` (QoS 1, retained) on each broker connect; the companion's own
    // `connected` at startup (QoS 0, retained, through `mqtt_publish`); a hard kill: the broker's last will only.
    #expect(
      flag.map { "\(text($0)) q\($0.qos.rawValue) \($0.retain)" } == [
        "connected q1 true", "connected q0 true", "disconnected q1 true", "connected q1 true", "connected q0 true",
      ])
    let down = flag[2].timestamp
    let up = flag[3].timestamp
    #expect(up.microseconds - down.microseconds == 60_000_000)
    // The configs come at each startup (and twice more as `connected` reaches the plugin), none while it is down;
    // those after the restart are the same bytes: Home Assistant finds the same device.
    let ender = flag[0].timestamp
    let configs = messages.filter {
      $0.topic.hasPrefix("homeassistant/") && text($0).contains(#""~": "octoPrint/ender/""#)
    }
    let before = configs.filter { $0.timestamp < down }
    let after = configs.filter { $0.timestamp > up }
    #expect(before.count == 75 && after.count == 75 && configs.count == 150)
    #expect(before.allSatisfy { $0.timestamp.microseconds - ender.microseconds <= 30_000 })
    #expect(after.allSatisfy { $0.timestamp.microseconds - up.microseconds <= 30_000 })
    #expect(after.map(\.topic) == before.map(\.topic))
    #expect(after.map(\.payload) == before.map(\.payload))
    // The printer that did not restart announces itself once (three times at its startup) and keeps its flag.
    let prusa = messages.filter { $0.topic == "octoPrint/prusa/mqtt" }
    #expect(prusa.map(text) == ["connected", "connected"])
  }

  @Test("a scenario's disconnect reaches the companion: hass/Connected Disconnected, hass/printing Offline, no job")
  func disconnectState() throws {
    let messages = try farmMessages()
    let disconnected = try #require(messages.first { $0.topic == "octoPrint/prusa/event/Disconnected" })
    let after = messages.filter { $0.timestamp >= disconnected.timestamp }
    #expect(
      after.filter { $0.topic == "octoPrint/prusa/hass/Connected" }.map(text) == ["Disconnected", "Disconnected"])
    let status = try #require(after.last { $0.topic == "octoPrint/prusa/hass/printing" })
    let data = try JSONParser.parse(text(status))
    #expect(data["state"]?["text"]?.stringValue == "Offline")
    #expect(data["job"]?["file"]?["name"] == .null)
    // While disconnecting the connection still exists.
    let disconnecting = try #require(messages.first { $0.topic == "octoPrint/prusa/event/Disconnecting" })
    let first = messages.first {
      $0.topic == "octoPrint/prusa/hass/Connected" && $0.timestamp == disconnecting.timestamp
    }
    #expect(first.map(text) == "Connected")
  }

  @Test("the 30 s SoC timer keeps its beat from each startup across jobs and a disconnect; none while down")
  func socTimer() throws {
    let messages = try farmMessages()
    func ticks(_ name: String) -> [Int64] {
      messages.filter { $0.topic == "octoPrint/\(name)/temperature/soc" }.map(\.timestamp.microseconds)
    }
    func flags(_ name: String) -> [Int64] {
      messages.filter { $0.topic == "octoPrint/\(name)/mqtt" && $0.qos == .atLeastOnce }.map(\.timestamp.microseconds)
    }
    // prusa: up from its first connect to the end of its 1-minute disconnect, a report every 30 s throughout.
    let prusaUp = try #require(flags("prusa").first)
    let prusa = ticks("prusa")
    let disconnected = try #require(messages.first { $0.topic == "octoPrint/prusa/event/Disconnecting" })
    let end = disconnected.timestamp.microseconds + 60_000_000
    #expect(prusa.first == prusaUp + 30_000_000)
    #expect(zip(prusa, prusa.dropFirst()).allSatisfy { $1 - $0 == 30_000_000 })
    #expect(prusa.last.map { $0 <= end && end - $0 < 30_000_000 } == true)
    // ender: from its first startup until it dies, none while it is down, then from its second startup.
    let ender = flags("ender")
    try #require(ender.count == 3)
    let before = ticks("ender").filter { $0 <= ender[1] }
    let after = ticks("ender").filter { $0 > ender[1] }
    #expect(before.first == ender[0] + 30_000_000 && after.first == ender[2] + 30_000_000)
    #expect(zip(before, before.dropFirst()).allSatisfy { $1 - $0 == 30_000_000 })
    #expect(zip(after, after.dropFirst()).allSatisfy { $1 - $0 == 30_000_000 })
    #expect(before.last.map { ender[1] - $0 < 30_000_000 } == true)
  }

  @Test("--homeassistant gives a scenario the companion as the file's key does; without either, none")
  func flagOrKey() throws {
    let withoutKey = farm.replacingOccurrences(of: "homeassistant: true\n", with: "")
    var flag = PrintJobOptions()
    flag.homeAssistant = true
    #expect(try farmMessages(yaml: withoutKey, base: flag).map(\.topic) == farmMessages().map(\.topic))
    #expect(
      try !farmMessages(yaml: withoutKey).contains {
        $0.topic.hasPrefix("homeassistant/") || $0.topic.contains("/hass/")
      })
  }

  @Test(
    "a bad homeassistant key is one sentence naming the line and the field",
    arguments: [
      (
        "homeassistant: yes\nprinters:\n  - jobs: [{duration: 1m}]\n",
        "line 1: homeassistant: 'yes' must be true or false"
      ),
      (
        "homeassistant: true\nprinters:\n  - jobs: [{duration: 1m}]\n",
        "line 1: homeassistant: the companion needs the current plugin (OctoPrint-MQTT 0.8); drop --plugin 2017"
      ),
    ])
  func badKey(yaml: String, expected: String) {
    var o = PrintJobOptions()
    if expected.contains("2017") { o.plugin = .v2017 }
    do {
      _ = try Scenario(yaml: yaml, defaults: o)
      Issue.record("accepted: \(yaml)")
    } catch {
      #expect(error.description == expected)
    }
  }
}
