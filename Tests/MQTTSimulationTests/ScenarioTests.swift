import Foundation
import MQTTCapture
import Testing

@testable import MQTTSimulation

private func text(_ m: CapturedMessage) -> String { String(decoding: m.payload, as: UTF8.self) }

/// Per printer: event names (state ids for PrinterStateChanged, `mqtt=…` for the plugin's flag), without layers.
private func orders(_ messages: [CapturedMessage]) -> [String: [String]] {
  var out: [String: [String]] = [:]
  for m in messages {
    let parts = m.topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 3 else { continue }
    var name = parts.last!
    if name == "mqtt" {
      name = "mqtt=" + text(m)
    } else {
      guard parts[parts.count - 2] == "event",
        !["ZChange", "CaptureStart", "CaptureDone", "ChartMarked"].contains(name)
      else { continue }
      if name == "PrinterStateChanged" { name = (try? JSONParser.parse(text(m))["state_id"]?.stringValue) ?? "?" }
    }
    out[parts[1], default: []].append(name)
  }
  return out
}

private let farm = """
  seed: 7
  start: 2025-11-25T08:00:00Z
  printers:
    - name: prusa
      jobs:
        - file: benchy.gcode
          duration: 10m
        - wait: 2m
        - file: vase.gcode
          duration: 20m
          cancel_at: 60%
    - name: ender
      jobs:
        - duration: 10m
          fail_at: 50%
        - restart: 1m
        - duration: 10m
        - disconnect: 10m
  """

@Suite("scenarios: printers with queues of jobs, disconnects and restarts")
struct ScenarioTests {
  @Test("each printer runs its queue in order, in time order, as the reference orders each part")
  func farmRuns() throws {
    let scenario = try Scenario(yaml: farm)
    let messages = Array(PrintJobStream(scenario, base: PrintJobOptions()))
    #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
    #expect(messages.first?.timestamp.rfc3339.hasPrefix("2025-11-25T08:00:00") == true)
    let o = orders(messages)
    let connect = ["Connecting", "OPEN_SERIAL", "CONNECTING", "OPERATIONAL", "Connected", "FirmwareData"]
    let start = [
      "FileSelected", "STARTING", "PrintStarted", "GcodeScriptBeforePrintStartedRunning",
      "GcodeScriptBeforePrintStartedFinished", "PRINTING", "Home",
    ]
    let done = [
      "FINISHING", "PrintDone", "GcodeScriptAfterPrintDoneRunning", "GcodeScriptAfterPrintDoneFinished",
      "MovieRendering", "MetadataStatisticsUpdated", "plugin_achievements_achievement_unlocked", "OPERATIONAL",
      "MovieDone",
    ]
    let cancel = [
      "PrintCancelling", "CANCELLING", "PrintCancelled", "GcodeScriptAfterPrintCancelledRunning",
      "GcodeScriptAfterPrintCancelledFinished", "MetadataStatisticsUpdated", "PrintFailed",
      "plugin_achievements_achievement_unlocked", "MovieRendering", "OPERATIONAL", "MovieDone",
    ]
    // The second job runs on the connected printer: no new connect; its first-print achievement came already.
    #expect(o["prusa"] == ["mqtt=connected"] + connect + start + done + start + cancel)
    // A communication error takes the printer offline; OctoPrint dies (its last will) and comes back, connects
    // again, prints, and the printer is switched off (reference, "Printer disconnect").
    let failed = ["ERROR", "PrintFailed", "Error", "Disconnected", "CLOSED_WITH_ERROR"]
    let disconnect = ["Disconnecting", "UpdatedFiles", "Disconnected", "OFFLINE"]
    #expect(
      o["ender"] == ["mqtt=connected"] + connect + start + failed + ["mqtt=disconnected", "mqtt=connected"] + connect
        + start + done + disconnect)
    // The cancel came at 60 % of the job.
    let cancelled = try #require(messages.first { $0.topic == "octoPrint/prusa/event/PrintCancelled" })
    let progress = try #require(Double(JSONParser.parse(text(cancelled))["progress"]?.numberLiteral ?? ""))
    #expect(abs(progress - 60) < 0.5)
  }

  @Test("a later job starts with the heaters where the last left them")
  func heatersCarryOver() throws {
    let scenario = try Scenario(yaml: farm)
    let messages = Array(PrintJobStream(scenario, base: PrintJobOptions()))
    let second = try #require(messages.filter { $0.topic == "octoPrint/prusa/event/FileSelected" }.dropFirst().first)
    let tool = messages.filter { $0.topic == "octoPrint/prusa/temperature/tool0" }
    let before = try #require(tool.last { $0.timestamp < second.timestamp })
    let after = try #require(tool.first { $0.timestamp > second.timestamp })
    func actual(_ m: CapturedMessage) throws -> Double {
      try #require(Double(JSONParser.parse(text(m))["actual"]?.numberLiteral ?? ""))
    }
    #expect(try actual(before) > 60, "still warm after a 2-minute wait")
    #expect(abs(try actual(after) - actual(before)) < 15, "no jump back to room temperature")
  }

  @Test(
    "a bad scenario is one sentence naming the line and the field",
    arguments: [
      (
        "printers:\n  - jobs:\n      - duration: 20 minutes\n",
        "line 3: printers[0].jobs[0].duration: '20 minutes' is not a duration, like 20m or 1h30m"
      ),
      ("printers:\n  - jobs:\n      - durration: 20m\n", "line 3: printers[0].jobs[0].durration: unknown field"),
      (
        "printers:\n  - jobs:\n      - duration: 0s\n",
        "line 3: printers[0].jobs[0].duration: '0s' must be longer than zero, like 20m or 1h30m"
      ),
      (
        "printers:\n  - jobs:\n      - duration: 20m\n        cancel_at: 150%\n",
        "line 4: printers[0].jobs[0].cancel_at: '150%' must be a share"
      ),
      ("printers:\n  - jobs:\n      - wait: 2m\n", "line 3: printers[0].jobs: give at least one job"),
      ("seed: 1\n", "line 1: printers: give a list of printers"),
      ("printers: [a, {b\n", "line 2: it is not YAML"),
      (
        "printers:\n  - name: a\n    jobs: [{duration: 1m}]\n  - name: a\n    jobs: [{duration: 1m}]\n",
        "line 4: printers[1].name: 'a' names two printers"
      ),
      ("start: yesterday\nprinters:\n  - jobs: [{duration: 1m}]\n", "line 1: start: 'yesterday' is not a time"),
    ])
  func badFiles(yaml: String, expected: String) {
    do {
      _ = try Scenario(yaml: yaml)
      Issue.record("accepted: \(yaml)")
    } catch {
      #expect(error.description.hasPrefix(expected), "\(error.description)")
    }
  }

  @Test("the example shipped in examples/ is a valid scenario")
  func shippedExample() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../examples/farm-scenario.yaml")
    let scenario = try Scenario(yaml: String(contentsOf: url, encoding: .utf8))
    #expect(scenario.printers.map(\.name) == ["prusa", "ender"])
    #expect(scenario.seed == 7)
  }
}
