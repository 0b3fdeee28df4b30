import Foundation
import MQTTCapture
import Testing

private func at(_ seconds: Double) -> Timestamp {
  Timestamp(microseconds: 1_764_068_856_000_000 + Int64(seconds * 1_000_000))
}

/// Records what a broker receives on `filter` while `body` runs.
private func recording(_ broker: TestBroker, _ filter: String, _ body: () throws -> Void) throws -> [CapturedMessage] {
  let dir = try temporaryDirectory()
  let path = dir.appendingPathComponent("recapture.jsonl.gz").path
  let capture = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-t", filter, "-o", path, "--quiet"])
  try waitUntilRecording(path)
  try body()
  usleep(400_000)
  capture.signal(SIGINT)
  let finished = capture.wait()
  guard finished.status == 0 else { throw TestFailure("capture failed: \(finished.stderr)") }
  return messages(try readAll(path).records)
}

@Suite("replay against a real broker", .serialized)
struct ReplayEndToEndTests {
  @Test("a replay captured again is byte-exact: topic, payload, QoS, retain and properties")
  func byteExact() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let props = MQTTProperties(
      contentType: "application/json", payloadFormatIndicator: 1, responseTopic: "r/1", correlationData: [0, 255],
      userProperties: [MQTTUserProperty("a", "1"), MQTTUserProperty("a", "2")])
    let source: [CapturedMessage] = [
      CapturedMessage(timestamp: at(0), topic: "x/json", payload: Array(#"{"new": 9.0}"#.utf8), qos: .atMostOnce),
      CapturedMessage(
        timestamp: at(0.01), topic: "x/binary", payload: (0...255).map { UInt8($0) }, qos: .atLeastOnce, retain: true),
      CapturedMessage(timestamp: at(0.02), topic: "x/empty", payload: [], qos: .exactlyOnce),
      CapturedMessage(
        timestamp: at(0.03), topic: "x/props", payload: Array("p".utf8), qos: .atLeastOnce, properties: props),
    ]
    let path = try writeCapture(source, in: dir)
    let got = try recording(broker, "x/#") {
      let r = try mqttDumper(["replay", path, "-p", "\(broker.port)", "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(got.count == source.count)
    for s in source {
      let g = got.first { $0.topic == s.topic }
      #expect(g?.payload == s.payload, "\(s.topic)")
      #expect(g?.qos == s.qos, "\(s.topic)")
      #expect(g?.retain == s.retain, "\(s.topic)")
      #expect(g?.properties == s.properties, "\(s.topic)")
    }
  }

  @Test("--map, --prefix, filters, --from/--to and overrides do what they say")
  func rewriting() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let path = try writeCapture(
      [
        CapturedMessage(timestamp: at(0), topic: "octoPrint/event/PrintStarted", payload: Array("1".utf8)),
        CapturedMessage(
          timestamp: at(0.1), topic: "octoPrint/temperature/tool0", payload: Array("2".utf8), retain: true),
        CapturedMessage(timestamp: at(0.2), topic: "home/power", payload: Array("3".utf8)),
        CapturedMessage(timestamp: at(5), topic: "octoPrint/event/PrintDone", payload: Array("4".utf8)),
      ], in: dir)
    let got = try recording(broker, "#") {
      let r = try mqttDumper([
        "replay", path, "-p", "\(broker.port)", "--quiet", "--map", "octoPrint/+/#=lab/printer-2/+/#", "--prefix",
        "sim/",
        "--exclude", "home/#", "--to", "1s", "--qos", "1", "--no-retain",
      ])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(got.map(\.topic) == ["sim/lab/printer-2/event/PrintStarted", "sim/lab/printer-2/temperature/tool0"])
    #expect(got.allSatisfy { $0.qos == .atLeastOnce && !$0.retain })
  }

  @Test("--shift-timestamps and --time-field set time fields to the moment of sending, and change nothing else")
  func shiftTimestamps() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let payloads = [
      #"{"actual": 21.3, "target": 0.0, "_timestamp": 1764068856}"#,
      #"{"data": {"time": "2025-11-25T11:07:36.250Z", "ms": 1}, "_timestamp": 1764068856}"#,
      "connected",
    ]
    let path = try writeCapture(
      payloads.enumerated().map { i, p in
        CapturedMessage(timestamp: at(Double(i) * 0.05), topic: "octoPrint/t/\(i)", payload: Array(p.utf8))
      }, in: dir)
    let before = Date().timeIntervalSince1970
    let got = try recording(broker, "octoPrint/#") {
      let r = try mqttDumper([
        "replay", path, "-p", "\(broker.port)", "--quiet", "--shift-timestamps", "--time-field", "data.time",
      ])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let after = Date().timeIntervalSince1970
    try #require(got.count == 3)
    // Read back with Python's json (an independent parser): the times are the replay's, the rest is as sent.
    let script = """
      import json, sys, datetime
      for line in sys.stdin:
          v = json.loads(line)
          t = v.pop("_timestamp")
          d = v.get("data", {}).pop("time", None)
          # data.time has milliseconds; a payload without it repeats _timestamp (whole seconds).
          iso = datetime.datetime.fromisoformat(d.replace("Z", "+00:00")).timestamp() if d else t
          print(t, iso, json.dumps(v, separators=(",", ":")))
      """
    let input = got.prefix(2).map { String(decoding: $0.payload, as: UTF8.self) }.joined(separator: "\n") + "\n"
    let r = try Running(try which("python3"), ["-c", script], stdin: Data(input.utf8)).wait(timeout: 30)
    let lines = r.stdoutText.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2).map(String.init) }
    try #require(lines.count == 2, "\(r.stderr)")
    for line in lines {
      let (t, iso) = (Double(line[0])!, Double(line[1])!)
      #expect(t >= before.rounded(.down) && t <= after, "\(t) not within the replay")
      // Written truncated to its precision (whole seconds, or milliseconds): never after the replay, never
      // more than that precision before it started.
      #expect(iso >= before.rounded(.down) && iso <= after, "\(iso) not within the replay")
    }
    #expect(lines[0][2] == #"{"actual":21.3,"target":0.0}"#)
    #expect(lines[1][2] == #"{"data":{"ms":1}}"#)
    // Every other byte unchanged: only the values' bytes differ, and the millisecond precision is kept.
    let second = String(decoding: got[1].payload, as: UTF8.self)
    #expect(second.hasPrefix(#"{"data": {"time": "20"#) && second.contains(#"Z", "ms": 1}, "_timestamp": 17"#))
    #expect(second.count == payloads[1].count)
    #expect(got[2].payload == Array("connected".utf8))
  }

  @Test("--grep and --limit select as in print: --limit N publishes N messages and stops")
  func grepAndLimit() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let path = try writeCapture(
      (0..<6).map {
        CapturedMessage(timestamp: at(Double($0) * 0.01), topic: "g/\($0)", payload: Array("n\($0 % 2)".utf8))
      }, in: dir)
    let got = try recording(broker, "g/#") {
      let r = try mqttDumper(["replay", path, "-p", "\(broker.port)", "--quiet", "--grep", "n1", "--limit", "2"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(got.map(\.topic) == ["g/1", "g/3"])
  }

  @Test("--loop repeats with time running forward; --speed scales the gaps")
  func loopAndSpeed() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let path = try writeCapture(
      [
        CapturedMessage(timestamp: at(0), topic: "l/a", payload: Array("a".utf8)),
        CapturedMessage(timestamp: at(1), topic: "l/b", payload: Array("b".utf8)),
        CapturedMessage(timestamp: at(2), topic: "l/c", payload: Array("c".utf8)),
      ], in: dir)
    let got = try recording(broker, "l/#") {
      let r = try mqttDumper(["replay", path, "-p", "\(broker.port)", "--quiet", "--speed", "4", "--loop", "2"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(got.map(\.topic) == ["l/a", "l/b", "l/c", "l/a", "l/b", "l/c"])
    // At speed 4 the 2 s pass takes 0.5 s, and the second pass starts one mean gap (0.25 s) later.
    let span = Double(got.last!.timestamp.microseconds - got.first!.timestamp.microseconds) / 1e6
    #expect(span > 0.9 && span < 2.5, "two passes at speed 4 took \(span) s, expected about 1.25 s")
    let ordered = zip(got, got.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }
    #expect(ordered)
  }

  @Test("--dry-run prints the schedule without a broker")
  func dryRun() throws {
    let dir = try temporaryDirectory()
    let path = try writeCapture(
      [
        CapturedMessage(timestamp: at(0), topic: "d/a", payload: Array("a".utf8), qos: .atLeastOnce, retain: true),
        CapturedMessage(timestamp: at(1.5), topic: "d/b", payload: Array("bb".utf8)),
      ], in: dir)
    let r = try mqttDumper(["replay", path, "--dry-run", "--speed", "2", "--prefix", "x/"])
    #expect(r.status == 0)
    #expect(r.stdoutText == "+0.000s  x/d/a  (qos 1, retained, 1 byte)\n+0.750s  x/d/b  (qos 0, 2 bytes)\n")
  }

  @Test("an unreachable broker and bad rules are one sentence each")
  func errors() throws {
    let dir = try temporaryDirectory()
    let path = try writeCapture([CapturedMessage(timestamp: at(0), topic: "e", payload: [])], in: dir)
    let port = try freeLoopbackPort()
    let r = try mqttDumper(["replay", path, "-p", "\(port)", "-h", "127.0.0.1"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("cannot connect to 127.0.0.1:\(port): connection refused"))
    let bad = try mqttDumper(["replay", path, "--map", "a/#=b/+"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("--map 'a/#=b/+' is not a rule"))
    let speed = try mqttDumper(["replay", path, "--speed", "0"])
    #expect(speed.status == 2)
    #expect(speed.stderr.contains("--speed must be a positive number"))
  }
}
