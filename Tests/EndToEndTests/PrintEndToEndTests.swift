import Foundation
import MQTTCapture
import Testing

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Writes a capture with the given messages (the library's writer, already tested on its own).
private func makeCapture(_ messages: [CapturedMessage], name: String = "c.jsonl.gz") throws -> String {
  let path = try temporaryDirectory().appendingPathComponent(name).path
  let header = CaptureHeader(
    created: "2025-11-25T11:07:36.000000Z", tool: "test", broker: "localhost:1883", protocolName: "mqttv5",
    subscriptions: [CaptureSubscription(filter: "#", qos: .exactlyOnce)])
  let writer = try CaptureWriter(path: path, header: header)
  for m in messages { try writer.write(m) }
  try writer.close()
  return path
}

private func message(_ seconds: Int64, _ topic: String, _ payload: String, retain: Bool = false) -> CapturedMessage {
  CapturedMessage(
    timestamp: Timestamp(microseconds: (1_764_068_856 + seconds) * 1_000_000), topic: topic,
    payload: Array(payload.utf8),
    retain: retain)
}

@Suite("print, samples and json", .serialized)
struct PrintEndToEndTests {
  @Test("samples on the shipped 2017 capture reproduces every JSON block of the document")
  func documentFromCapture() throws {
    let capture = repoRoot.appendingPathComponent("captures/octoprint-2017-document.jsonl.gz").path
    let result = try mqttDumper([
      "samples", capture, "--variants", "2", "--redact-paths", "--title", "OctoPrint MQTT Events",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let text = result.stdoutText
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "```json" {
        current = []
      } else if line == "```", let c = current {
        blocks.append(c.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    let expected = try documentBlocks()
    #expect(blocks == expected)
    #expect(
      text.hasPrefix(
        "# OctoPrint MQTT Events\n\n## Printing Events\nPrint job started: `octoprint/event/PrintStarted`\n"))
    #expect(text.contains("## Time Lapse\nImage capture start: `octoprint/event/CaptureStart`"))
    #expect(text.contains("## Temperatures\nHot End temperature: `octoprint/temperature/tool0`"))
    #expect(text.contains("Bed temperature: `octoprint/temperature/bed`"))
  }

  @Test("samples gives unknown topics an entry, and --format json for tools")
  func samplesUnknownAndJSON() throws {
    let capture = try makeCapture([
      message(0, "octoPrint/temperature/tool0", #"{"actual": 21.3, "target": 0.0, "_timestamp": 1764068856}"#),
      message(1, "home/printer/power", "off"),
      message(2, "octoPrint/event/plugin_achievements_achievement_unlocked", #"{"name": "First print"}"#),
    ])
    let md = try mqttDumper(["samples", capture])
    #expect(md.status == 0)
    #expect(md.stdoutText.contains("## Temperatures\nHot End temperature: `octoPrint/temperature/tool0`"))
    #expect(
      md.stdoutText.contains(
        "## Other Events\nPlugin achievements achievement unlocked: `octoPrint/event/plugin_achievements_achievement_unlocked`"
      ))
    #expect(md.stdoutText.contains("## home/printer\nPower: `home/printer/power`\n\n```\noff\n```"))
    let json = try mqttDumper(["samples", capture, "--format", "json"])
    let parsed = try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]]
    #expect(parsed?.count == 3)
    #expect(json.stdoutText.contains(#""samples":[{"actual":21.3,"target":0.0,"_timestamp":1764068856}]"#))
  }

  @Test("--variants picks payloads that differ in the fields that vary, not in timestamps")
  func variants() throws {
    let states = ["OPERATIONAL", "OPERATIONAL", "STARTING", "PRINTING", "PRINTING", "FINISHING", "OPERATIONAL"]
    let capture = try makeCapture(
      states.enumerated().map { i, s in
        message(
          Int64(i), "octoPrint/event/PrinterStateChanged",
          #"{"state_id": "\#(s)", "_event": "PrinterStateChanged", "_timestamp": \#(1_764_068_856 + i)}"#)
      })
    let result = try mqttDumper(["samples", capture, "--variants", "3", "--format", "json"])
    let ids = result.stdoutText.components(separatedBy: #""state_id":""#).dropFirst().map { $0.prefix { $0 != "\"" } }
    #expect(ids == ["OPERATIONAL", "STARTING", "PRINTING"])
  }

  @Test("print shows each message with time, topic, flags and the payload pretty-printed")
  func prettyAndCompact() throws {
    let capture = try makeCapture([
      message(0, "octoPrint/event/ZChange", #"{"new": 9.0, "old": 8.8}"#, retain: true),
      message(1, "octoPrint/mqtt", "connected"),
      message(2, "camera/raw", "\u{0}\u{1}"),
    ])
    let pretty = try mqttDumper(["print", capture, "--utc", "-t", "octoPrint/#"])
    #expect(pretty.status == 0)
    #expect(
      pretty.stdoutText.contains(
        """
        2025-11-25 11:07:36.000Z octoPrint/event/ZChange  (qos 0, retained, 24 bytes)
        {
          "new": 9.0,
          "old": 8.8
        }

        2025-11-25 11:07:37.000Z octoPrint/mqtt  (qos 0, 9 bytes)
        connected

        """))
    #expect(!pretty.stdoutText.contains("camera/raw"))
    #expect(!pretty.stdoutText.contains("\u{1B}["), "no colour when piped")

    let compact = try mqttDumper(["print", capture, "--compact", "--exclude", "camera/#"])
    #expect(compact.stdoutText == "octoPrint/event/ZChange {\"new\": 9.0, \"old\": 8.8}\noctoPrint/mqtt connected\n")

    let coloured = try mqttDumper(["print", capture, "--color", "always", "--limit", "1"])
    #expect(coloured.stdoutText.contains("\u{1B}[1;34m\"new\"\u{1B}[0m"))

    let window = try mqttDumper(["print", capture, "--compact", "--since", "1s", "--until", "1.5s"])
    #expect(window.stdoutText == "octoPrint/mqtt connected\n")

    let jsonl = try mqttDumper(["print", capture, "--format", "jsonl", "--grep", "conn"])
    let lines = jsonl.stdoutText.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(
      lines[1] == #"{"ts":1764068857.000000,"topic":"octoPrint/mqtt","qos":0,"retain":false,"payload":"connected"}"#)
  }

  @Test("--format jsonl passes on every line of the capture: events, the retained snapshot's marks, later sessions")
  func jsonlKeepsEverything() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("sessions.jsonl.gz").path
    func t(_ s: Int64) -> Timestamp { Timestamp(microseconds: 1_764_068_856_000_000 + s * 1_000_000) }
    for (session, mode) in [(0, CaptureWriter.Mode.createNew), (1, .append)] {
      let header = CaptureHeader(
        created: t(Int64(session) * 10).rfc3339, tool: "test", broker: "localhost:1883", protocolName: "mqttv5",
        subscriptions: [CaptureSubscription(filter: "#", qos: .atLeastOnce)])
      let writer = try CaptureWriter(path: path, mode: mode, header: header)
      let base = Int64(session) * 10
      try writer.write(.event(ConnectionEvent(kind: .connected, timestamp: t(base))))
      try writer.write(.event(ConnectionEvent(kind: .retainedSnapshot, timestamp: t(base))))
      try writer.write(
        CapturedMessage(timestamp: t(base + 1), topic: "a/state", payload: Array("on".utf8), retain: true))
      try writer.write(.event(ConnectionEvent(kind: .retainedSnapshotEnd, timestamp: t(base + 1))))
      try writer.write(CapturedMessage(timestamp: t(base + 2), topic: "a/temp", payload: Array("21.5".utf8)))
      try writer.write(.event(ConnectionEvent(kind: .disconnected, timestamp: t(base + 3), reason: "broker went away")))
      try writer.close()
    }
    let jsonl = try mqttDumper(["print", path, "--format", "jsonl"])
    #expect(jsonl.status == 0, "\(jsonl.stderr)")
    // zcat is the independent reader: the same 14 lines (2 headers, 8 events, 4 messages), byte for byte.
    let zcat = try Running("/bin/sh", ["-c", "zcat '\(path)'"]).wait(timeout: 30)
    #expect(zcat.stdoutText.split(separator: "\n").count == 14)
    #expect(jsonl.stdoutText == zcat.stdoutText)
  }

  @Test("standard input given twice: the second reading is named as such, exit 2")
  func standardInputTwice() throws {
    let capture = try makeCapture([message(0, "a", "1")])
    let data = try Data(contentsOf: URL(fileURLWithPath: capture))
    let twice = try mqttDumper(["stats", "-", "-"], stdin: data)
    #expect(twice.status == 2)
    #expect(
      twice.stderr.hasSuffix(
        "standard input is empty (or was read already: give - once), not an mqtt-dumper capture; record one "
          + "with `mqtt-dumper capture -o FILE`.\n"), "\(twice.stderr)")
  }

  @Test("a closed pipe (| head) stops print quietly")
  func closedPipe() throws {
    let capture = try makeCapture((0..<20_000).map { message(Int64($0), "t/\($0 % 5)", #"{"i": \#($0)}"#) })
    let shell = try Running("/bin/bash", ["-c", "set -o pipefail; '\(try toolPath())' print '\(capture)' | head -5"])
      .wait()
    #expect(shell.stdoutText.filter { $0 == "\n" }.count == 5)
    #expect(shell.stderr.isEmpty, "stderr: \(shell.stderr)")
    #expect(shell.status == 0)
  }

  @Test("filters that leave no message say so on stderr; the output stays what it was (exit 0)")
  func nothingMatched() throws {
    let capture = try makeCapture([message(0, "octoPrint/temperature/bed", #"{"actual": 60}"#)])
    let warning =
      "mqtt-dumper: warning: no message in \(capture) matched the filters; `mqtt-dumper info FILE` lists its topics and time span.\n"
    for command in [["print"], ["samples"], ["schema"]] {
      let result = try mqttDumper(command + [capture, "-t", "octoprint/#"])
      #expect(result.status == 0, "\(command): \(result.stderr)")
      #expect(result.stderr == warning, "\(command)")
    }
    // A filter that keeps a message, and no filter at all, are quiet.
    for arguments in [["print", capture, "-t", "octoPrint/#"], ["print", capture]] {
      let result = try mqttDumper(arguments)
      #expect(result.status == 0)
      #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
    }
  }

  @Test("bad payloads: 100,000-deep JSON, invalid UTF-8, NUL bytes, 50 MB")
  func badPayloads() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    var big = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000_000)
    big[0] = UInt8(ascii: "\"")
    big[big.count - 1] = UInt8(ascii: "\"")
    let capture = try makeCapture([
      message(0, "deep", deep),
      CapturedMessage(timestamp: Timestamp(microseconds: 1), topic: "latin1", payload: [0x47, 0x72, 0xFC, 0xDF, 0x65]),
      message(2, "nul", "a\u{0}b"),
      CapturedMessage(timestamp: Timestamp(microseconds: 3), topic: "big", payload: big),
    ])
    let result = try mqttDumper(["print", capture, "--max-bytes", "64"], timeout: 120)
    #expect(result.status == 0, "\(result.stderr)")
    let text = result.stdoutText
    #expect(
      text.contains(
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n… 199,936 more bytes not shown (--max-bytes 0 shows all)"
      ))
    #expect(text.contains("(binary, 5 bytes)\n00000000  47 72 fc df 65"))
    #expect(text.contains("a\\x00b"))
    #expect(text.contains("… 49,999,936 more bytes not shown"))
    // Without a limit the deep payload is shown as it was sent, not a crash.
    let full = try mqttDumper(["print", capture, "-t", "deep", "--compact", "--max-bytes", "0"])
    #expect(full.status == 0)
    #expect(full.stdoutText == "deep \(deep)\n")
    let whole = try mqttDumper(["print", capture, "-t", "big", "--max-bytes", "0"], timeout: 120)
    #expect(whole.status == 0)
    #expect(whole.stdout.count > 50_000_000)
    // By default a payload is cut at 64 KiB, saying so: one screenful of output, not 50 MB of it.
    let capped = try mqttDumper(["print", capture, "-t", "big"], timeout: 120)
    #expect(capped.status == 0)
    #expect(capped.stdout.count < 70_000)
    #expect(capped.stdoutText.contains("\n… 49,934,464 more bytes not shown (--max-bytes 0 shows all)\n"))
  }

  @Test("print names a cut-off capture after showing it, and a foreign file at once")
  func badFiles() throws {
    let capture = try makeCapture((0..<200).map { message(Int64($0), "t", "payload \($0)") })
    var data = try Data(contentsOf: URL(fileURLWithPath: capture))
    data = data.prefix(data.count - 10)
    try data.write(to: URL(fileURLWithPath: capture))
    let cut = try mqttDumper(["print", capture, "--compact"])
    #expect(cut.status == 2)
    // The last compressed block is damaged: what it held is lost, everything flushed before it is there.
    #expect(cut.stdoutText.split(separator: "\n").count >= 150)
    #expect(cut.stdoutText.hasPrefix("t payload 0\nt payload 1\n"))
    #expect(cut.stderr.contains("was cut off"))

    let notes = try temporaryDirectory().appendingPathComponent("notes.txt").path
    try "not a capture\n".write(toFile: notes, atomically: true, encoding: .utf8)
    let foreign = try mqttDumper(["print", notes])
    #expect(foreign.status == 2)
    #expect(
      foreign.stderr
        == "mqtt-dumper: error: \(notes) is not an mqtt-dumper capture (line 1 is not a capture header); record one with `mqtt-dumper capture -o FILE`.\n"
    )
  }

  @Test("json pretty-prints lines keeping literals, and names a bad line")
  func jsonCommand() throws {
    let ok = try mqttDumper(["json"], stdin: Data("{\"new\": 9.0, \"big\": 12345678901234567890}\n".utf8))
    #expect(ok.stdoutText == "{\n  \"new\": 9.0,\n  \"big\": 12345678901234567890\n}\n")
    let bad = try mqttDumper(["json"], stdin: Data("{}\n{\"a\": }\n".utf8))
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("standard input, line 2: not JSON"))
  }

  @Test("print --live shows a broker's messages as they arrive")
  func live() throws {
    let broker = try TestBroker()
    let run = try startMQTTDumper([
      "print", "--live", "-p", "\(broker.port)", "-t", "live/#", "--compact", "--limit", "2",
    ])
    usleep(700_000)
    try mosquittoPub(broker, ["-t", "live/a", "-m", #"{"x": 1.0}"#])
    try mosquittoPub(broker, ["-t", "other", "-m", "not shown"])
    try mosquittoPub(broker, ["-t", "live/b", "-m", "two"])
    let result = run.wait(timeout: 10)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdoutText == "live/a {\"x\": 1.0}\nlive/b two\n")
  }
}
