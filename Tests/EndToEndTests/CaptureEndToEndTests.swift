import Foundation
import MQTTCapture
import Testing

/// `mqtt-dumper capture` against a real mosquitto, with mosquitto_pub as the independent publisher.
@Suite("capture against a real broker", .serialized)
struct CaptureEndToEndTests {
  @Test("payloads round-trip byte for byte: UTF-8, all 256 byte values, empty and 1 MB, at QoS 0, 1 and 2")
  func byteExactRoundTrip() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("rt.jsonl.gz").path
    let run = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-h", "127.0.0.1", "-t", "rt/#", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)

    let utf8 = Array("Grüße, 3D-Drucker 🖨️ \"quoted\" \\ back\nslash\ttab \u{0}nul".utf8)
    let allBytes = (0...255).map { UInt8($0) }
    var big = [UInt8](repeating: 0, count: 1_000_000)
    for i in big.indices { big[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
    let cases: [(String, [UInt8], Int)] = [
      ("rt/utf8", utf8, 0), ("rt/binary", allBytes, 1), ("rt/big", big, 2),
      ("rt/json", Array(#"{"new": 9.0, "old": 8.8}"#.utf8), 2),
    ]
    for (topic, payload, qos) in cases {
      let file = dir.appendingPathComponent(topic.replacingOccurrences(of: "/", with: "_")).path
      try Data(payload).write(to: URL(fileURLWithPath: file))
      try mosquittoPub(broker, ["-t", topic, "-q", "\(qos)", "-f", file])
    }
    try mosquittoPub(broker, ["-t", "rt/empty", "-n", "-q", "1"])
    usleep(500_000)
    run.signal(SIGINT)
    let finished = run.wait()
    #expect(finished.status == 0, "capture failed: \(finished.stderr)")

    let (records, truncation) = try readAll(capture)
    #expect(truncation == nil)
    let got = messages(records)
    // QoS 2 messages reach the recorder at PUBREL, so a later QoS 0/1 message may overtake them.
    #expect(got.map(\.topic).sorted() == (cases.map(\.0) + ["rt/empty"]).sorted())
    for (topic, payload, qos) in cases {
      let m = got.first { $0.topic == topic }
      #expect(m?.payload == payload, "payload of \(topic) differs")
      #expect(m?.qos.rawValue == UInt8(qos), "QoS of \(topic)")
      #expect(m?.retain == false)
    }
    #expect(got.first { $0.topic == "rt/empty" }?.payload == [])
    // And the file really is gzip that zcat reads, with the binary payload as base64.
    let zcat = try Running(try which("gzip"), ["-dc", capture]).wait()
    #expect(zcat.status == 0)
    #expect(
      zcat.stdoutText.contains(
        #""topic":"rt/binary","qos":1,"retain":false,"payload_b64":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w=="}"#
      ))
    #expect(
      zcat.stdoutText.contains(#""topic":"rt/json","qos":2,"retain":false,"payload":"{\"new\": 9.0, \"old\": 8.8}"}"#))
  }

  @Test("-T/--exclude leaves matching topics out, and -C does not count them")
  func exclude() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("x.jsonl.gz").path
    let run = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-h", "127.0.0.1", "-t", "x/#", "-T", "x/skip/#", "--exclude", "x/+/noise",
      "-C", "2", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)
    for topic in ["x/skip/a", "x/skip", "x/a/noise", "x/keep", "x/b/noise", "x/also"] {
      try mosquittoPub(broker, ["-t", topic, "-m", topic, "-q", "1"])
    }
    let finished = run.wait(timeout: 20)
    #expect(finished.status == 0, "capture did not stop after 2 recorded messages: \(finished.stderr)")
    #expect(messages(try readAll(capture).records).map(\.topic) == ["x/keep", "x/also"])
    let bad = try mqttDumper(["capture", "-T", "a/#/b", "-o", dir.appendingPathComponent("y.jsonl.gz").path])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("a/#/b"))
  }

  @Test("retain is recorded as the publisher set it, for retained-on-subscribe and live messages")
  func retainAsPublished() throws {
    let broker = try TestBroker()
    try mosquittoPub(broker, ["-t", "r/old", "-m", "kept", "-r", "-q", "1"])
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("r.jsonl.gz").path
    let run = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-h", "127.0.0.1", "-t", "r/#", "-o", capture])
    try waitUntilRecording(capture)
    try mosquittoPub(broker, ["-t", "r/live", "-m", "retained-live", "-r"])
    try mosquittoPub(broker, ["-t", "r/live", "-m", "plain-live"])
    usleep(300_000)
    run.signal(SIGTERM)
    #expect(run.wait().status == 0)
    let got = messages(try readAll(capture).records).map {
      "\($0.topic)=\(String(decoding: $0.payload, as: UTF8.self)) retain=\($0.retain) qos=\($0.qos.rawValue)"
    }
    #expect(
      got == [
        "r/old=kept retain=true qos=1", "r/live=retained-live retain=true qos=0",
        "r/live=plain-live retain=false qos=0",
      ])
  }

  @Test("MQTT v5 properties are recorded")
  func properties() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("p.jsonl.gz").path
    let run = try startMQTTDumper(["capture", "-L", broker.url, "-o", capture])
    try waitUntilRecording(capture)
    try mosquittoPub(
      broker,
      [
        "-V", "5", "-t", "p/x", "-m", "{}", "-D", "publish", "content-type", "application/json",
        "-D", "publish", "payload-format-indicator", "1", "-D", "publish", "response-topic", "p/reply",
        "-D", "publish", "correlation-data", "req-42", "-D", "publish", "user-property", "printer", "mk3",
        "-D", "publish", "user-property", "printer", "mk4", "-D", "publish", "message-expiry-interval", "3600",
      ])
    usleep(300_000)
    run.signal(SIGINT)
    #expect(run.wait().status == 0)
    let m = try #require(messages(try readAll(capture).records).first)
    #expect(m.properties.contentType == "application/json")
    #expect(m.properties.payloadFormatIndicator == 1)
    #expect(m.properties.responseTopic == "p/reply")
    #expect(m.properties.correlationData == Array("req-42".utf8))
    #expect(m.properties.userProperties == [MQTTUserProperty("printer", "mk3"), MQTTUserProperty("printer", "mk4")])
    // The broker passes on the remaining lifetime, at most what was sent.
    #expect((3590...3600).contains(m.properties.messageExpiryInterval ?? 0))
  }

  @Test("overlapping filters record each message once", arguments: ["mqttv5", "mqttv311"])
  func overlappingFilters(protocolVersion: String) throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("o.jsonl.gz").path
    let run = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-V", protocolVersion, "-t", "o/#", "-t", "o/a", "-t", "+/a", "-t", "o/+",
      "-o", capture,
    ])
    try waitUntilRecording(capture)
    for (topic, text) in [("o/a", "1"), ("o/b", "2"), ("x/a", "3"), ("o/a/deep", "4")] {
      try mosquittoPub(broker, ["-t", topic, "-m", text])
    }
    usleep(300_000)
    run.signal(SIGINT)
    #expect(run.wait().status == 0)
    let got = messages(try readAll(capture).records).map {
      "\($0.topic)=\(String(decoding: $0.payload, as: UTF8.self))"
    }
    #expect(got == ["o/a=1", "o/b=2", "x/a=3", "o/a/deep=4"])
  }

  @Test("a broker restart is survived: reconnects, resubscribes and records the gap")
  func brokerRestart() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("restart.jsonl.gz").path
    let run = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-t", "s/#", "-o", capture])
    try waitUntilRecording(capture)
    try mosquittoPub(broker, ["-t", "s/1", "-m", "before"])
    usleep(200_000)
    broker.stop()
    usleep(700_000)
    try broker.start()
    // Publish until the recorder is back (it retries with backoff).
    var got: [CapturedMessage] = []
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
      try mosquittoPub(broker, ["-t", "s/2", "-m", "after"])
      usleep(300_000)
      got = messages((try? readAll(capture))?.records ?? [])
      if got.contains(where: { $0.topic == "s/2" }) { break }
    }
    run.signal(SIGINT)
    #expect(run.wait().status == 0)
    let (records, _) = try readAll(capture)
    #expect(messages(records).first?.topic == "s/1")
    #expect(messages(records).contains { $0.topic == "s/2" })
    let kinds = events(records).map(\.kind)
    #expect(kinds.prefix(3) == [.connected, .disconnected, .connected])
    #expect(events(records)[1].reason?.isEmpty == false)
  }

  @Test("a persistent session keeps QoS 1 messages published while the recorder was away")
  func persistentSession() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("session.jsonl.gz").path
    let first = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "q/#", "-q", "1", "--session", "rec-1", "-o", capture,
    ])
    try waitUntilRecording(capture)
    try mosquittoPub(broker, ["-t", "q/1", "-m", "while-recording", "-q", "1"])
    usleep(300_000)
    first.signal(SIGINT)
    #expect(first.wait().status == 0)
    for i in 2...4 { try mosquittoPub(broker, ["-t", "q/\(i)", "-m", "while-away", "-q", "1"]) }
    let second = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "q/#", "-q", "1", "--session", "rec-1", "-o", capture, "--append",
    ])
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline, messages((try? readAll(capture))?.records ?? []).count < 4 { usleep(100_000) }
    second.signal(SIGINT)
    #expect(second.wait().status == 0)
    let (records, truncation) = try readAll(capture)
    #expect(truncation == nil)
    #expect(messages(records).map(\.topic) == ["q/1", "q/2", "q/3", "q/4"])
    #expect(records.filter { if case .header = $0 { true } else { false } }.count == 1, "the appended session's header")
  }

  @Test("kill -9 loses at most the last ~100 ms: the file reads up to its last record and says it was cut off")
  func killNine() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("crash.jsonl.gz").path
    let run = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-t", "k/#", "-o", capture])
    try waitUntilRecording(capture)
    let lines = (1...500).map { #"{"n": \#($0)}"# }.joined(separator: "\n") + "\n"
    try mosquittoPub(broker, ["-t", "k/n", "-l", "-q", "1"], stdin: Data(lines.utf8))
    usleep(400_000)
    run.signal(SIGKILL)
    run.wait()
    let (records, truncation) = try readAll(capture)
    #expect(truncation != nil, "a killed capture has no gzip trailer")
    #expect(messages(records).count == 500)
    let info = try mqttDumper(["info", capture])
    #expect(info.status == 2)
    #expect(info.stdoutText.contains("messages     500 on 1 topic\n"))
    #expect(info.stderr.contains("was cut off"))
  }

  @Test("SIGTERM finishes the file: complete, nothing cut off")
  func sigtermFinishes() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("term.jsonl.gz").path
    let run = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-o", capture])
    try waitUntilRecording(capture)
    try mosquittoPub(broker, ["-t", "t", "-m", "x"])
    usleep(200_000)
    run.signal(SIGTERM)
    let finished = run.wait()
    #expect(finished.status == 0)
    #expect(finished.stderr.contains("recorded 1 message in"))
    let info = try mqttDumper(["info", capture])
    #expect(info.status == 0)
    #expect(info.stdoutText.contains("complete     yes"))
  }

  @Test("-C and -W stop the capture by themselves; -o - writes plain JSON Lines")
  func countDurationAndStdout() throws {
    let broker = try TestBroker()
    let counted = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-t", "c/#", "-C", "3", "-o", "-", "--quiet"])
    usleep(800_000)
    for i in 1...5 { try mosquittoPub(broker, ["-t", "c/\(i)", "-m", "\(i)"]) }
    let result = counted.wait(timeout: 10)
    #expect(result.status == 0)
    let lines = result.stdoutText.split(separator: "\n")
    #expect(lines.first?.hasPrefix(#"{"mqtt_dumper_capture":1,"#) == true)
    #expect(lines.filter { $0.contains(#""topic":"c/"#) }.count == 3)

    let start = Date()
    let timed = try mqttDumper(["capture", "-p", "\(broker.port)", "-W", "1.5s", "-o", "-", "--quiet"], timeout: 10)
    #expect(timed.status == 0)
    #expect(Date().timeIntervalSince(start) < 8)
  }

  @Test("rotation continues into numbered files, each a complete capture")
  func rotation() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("rot.jsonl.gz").path
    let run = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "big/#", "--rotate-size", "20kB", "--level", "1", "-o", capture,
    ])
    try waitUntilRecording(capture)
    let payload = (0..<30_000).map { _ in UInt8.random(in: 0...255) }  // incompressible: > 20 kB per message
    let file = dir.appendingPathComponent("payload").path
    try Data(payload).write(to: URL(fileURLWithPath: file))
    for _ in 1...3 {
      try mosquittoPub(broker, ["-t", "big/x", "-f", file])
      usleep(200_000)  // let each one be flushed, so the size is known before the next
    }
    usleep(400_000)
    run.signal(SIGINT)
    #expect(run.wait().status == 0)
    var total = 0
    for path in [
      capture, dir.appendingPathComponent("rot.1.jsonl.gz").path, dir.appendingPathComponent("rot.2.jsonl.gz").path,
    ] {
      let (records, truncation) = try readAll(path)
      #expect(truncation == nil, "\(path)")
      total += messages(records).count
    }
    #expect(total == 3)
  }
}
