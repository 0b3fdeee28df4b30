import Foundation
import MQTTCapture
import Testing

/// Reads every message of a capture as python3 sees it: `[topic, payload hex, qos, retain, properties]` a line.
private let captureDump = """
  import base64, gzip, json, sys
  opener = gzip.open if open(sys.argv[1], "rb").read(2) == b"\\x1f\\x8b" else open
  for line in opener(sys.argv[1], "rt", encoding="utf-8"):
      r = json.loads(line)
      if "topic" not in r:
          continue
      p = r["payload"].encode() if "payload" in r else base64.b64decode(r["payload_b64"])
      print(json.dumps([r["topic"], p.hex(), r["qos"], r["retain"], r.get("properties", {})]))
  """

@Suite("convert against real mosquitto_sub output", .serialized)
struct ConvertEndToEndTests {
  /// Waits until `process` has written `lines` lines to stdout.
  private func waitForLines(_ process: Running, _ lines: Int, timeout: TimeInterval = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if process.stdoutSoFar.filter({ $0 == 0x0A }).count >= lines { return }
      usleep(20_000)
    }
    throw TestFailure("\(process.process.arguments ?? []) wrote fewer than \(lines) lines in \(timeout) s")
  }

  private func dump(_ path: String) throws -> [String] {
    let r = try Running(try which("python3"), ["-c", captureDump, path]).wait(timeout: 30)
    guard r.status == 0 else { throw TestFailure("python3 could not read \(path): \(r.stderr)") }
    return r.stdoutText.split(separator: "\n").map(String.init)
  }

  @Test("mosquitto_sub -F %j, %J and -v of a known set, converted, match what capture recorded of it")
  func mosquittoSub() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    // A retained message first: every subscriber gets it on subscribing, which shows it is listening.
    try mosquittoPub(broker, ["-t", "set/retained", "-m", "kept", "-r", "-q", "1"])
    let capture = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "set/#", "-o", path("cap.jsonl.gz"), "--quiet",
    ])
    try waitUntilRecording(path("cap.jsonl.gz"))
    let sub = [
      "-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "set/#", "-q", "2", "-V", "mqttv5", "--retain-as-published",
    ]
    let percentJ = try Running(try which("mosquitto_sub"), sub + ["-F", "%j"])
    let percentCapitalJ = try Running(try which("mosquitto_sub"), sub + ["-F", "%J"])
    let verbose = try Running(try which("mosquitto_sub"), sub + ["-v"])
    for s in [percentJ, percentCapitalJ, verbose] { try waitForLines(s, 1) }

    // The known set: JSON, text, binary with a NUL, Latin-1, v5 properties, retained, empty; QoS 0, 1, 2. Each
    // is published once every subscriber has the one before, so all of them see one order (a QoS 2 message
    // reaches a subscriber later than a QoS 0 one published just after it).
    var count = 1
    func publish(_ arguments: [String], stdin: Data? = nil) throws {
      try mosquittoPub(broker, ["-V", "mqttv5"] + arguments, stdin: stdin)
      count += 1
      for s in [percentJ, percentCapitalJ, verbose] { try waitForLines(s, count) }
      let deadline = Date().addingTimeInterval(10)
      while (try? messages(readAll(path("cap.jsonl.gz")).records).count) ?? 0 < count, Date() < deadline {
        usleep(20_000)
      }
    }
    try publish(["-t", "set/json", "-q", "0", "-m", #"{"new": 9.0, "old": 8.8}"#])
    try publish(["-t", "set/text", "-q", "1", "-m", "hello world"])
    try publish(["-t", "set/bin", "-q", "2", "-s"], stdin: Data([0x62, 0x00, 0x01, 0xFF]))
    try publish(["-t", "set/latin1", "-q", "1", "-s"], stdin: Data([0x6C, 0xE9, 0x74, 0xE9]))
    try publish([
      "-t", "set/props", "-q", "2", "-m", "[1, 2]", "-D", "publish", "user-property", "k", "v1", "-D", "publish",
      "user-property", "k", "v2", "-D", "publish", "content-type", "application/json", "-D", "publish",
      "correlation-data", "req-7", "-D", "publish", "response-topic", "set/reply",
    ])
    try publish(["-t", "set/sticky", "-q", "1", "-r", "-m", "on"])
    try publish(["-t", "set/empty", "-q", "0", "-n"])
    // A payload %j cuts at its NUL to "bin", 5 bytes written as its payloadlen, before and after JSON text.
    try publish(["-t", "set/nul", "-q", "0", "-s"], stdin: Data([0x62, 0x69, 0x6E, 0x00, 0xFF]))
    try publish(["-t", "set/json2", "-q", "0", "-m", #"{"a":1}"#])
    try publish(["-t", "set/nul", "-q", "0", "-s"], stdin: Data([0x62, 0x69, 0x6E, 0x00, 0xFF]))
    usleep(300_000)
    for s in [percentJ, percentCapitalJ, verbose, capture] { s.signal(SIGINT) }
    let outputs = [percentJ, percentCapitalJ, verbose].map { $0.wait(timeout: 10).stdout }
    #expect(capture.wait(timeout: 10).status == 0)
    let recorded = try dump(path("cap.jsonl.gz"))
    #expect(recorded.count == 11)

    // %j: everything but the binary payload, which mosquitto_sub cut at its NUL byte.
    try outputs[0].write(to: URL(fileURLWithPath: path("j.jsonl")))
    let j = try mqttDumper(["convert", path("j.jsonl"), "-o", path("j.jsonl.gz")])
    #expect(j.status == 0, "\(j.stderr)")
    #expect(
      j.stderr == """
        mqtt-dumper: warning: mosquitto_sub -F %j cuts a payload at its first NUL byte: 3 payloads cut short (their payloadlen is larger).
        mqtt-dumper: converted 11 messages from mosquitto-json to capture in \(path("j.jsonl.gz"))

        """)
    var expected = recorded
    expected[3] = recorded[3].replacingOccurrences(of: #""620001ff""#, with: #""62""#)
    #expect(recorded[3].contains(#""620001ff""#))
    for i in [8, 10] {
      #expect(recorded[i].contains(#""62696e00ff""#))
      expected[i] = recorded[i].replacingOccurrences(of: #""62696e00ff""#, with: #""62696e""#)
    }
    #expect(try dump(path("j.jsonl.gz")) == expected)

    // Its last three lines alone: the first one could be %J's JSON string "bin"; the next one says it is %j.
    let lastThree = outputs[0].split(separator: 0x0A).suffix(3).map { Data($0) + Data([0x0A]) }.reduce(Data(), +)
    try lastThree.write(to: URL(fileURLWithPath: path("j3.jsonl")))
    let j3 = try mqttDumper(["convert", path("j3.jsonl"), "-o", path("j3.jsonl.gz")])
    #expect(
      j3.stderr == """
        mqtt-dumper: warning: mosquitto_sub -F %j cuts a payload at its first NUL byte: 2 payloads cut short (their payloadlen is larger).
        mqtt-dumper: converted 3 messages from mosquitto-json to capture in \(path("j3.jsonl.gz"))

        """)
    #expect(try dump(path("j3.jsonl.gz")) == Array(expected.suffix(3)))

    // The same lines gzip-compressed (by gzip itself) read the same.
    let gzip = try Running(try which("sh"), ["-c", "gzip -c \"$0\" > \"$1\"", path("j.jsonl"), path("j-gz.gz")])
      .wait(timeout: 30)
    #expect(gzip.status == 0, "\(gzip.stderr)")
    let fromGzip = try mqttDumper(["convert", path("j-gz.gz"), "-o", path("j-gz.jsonl.gz"), "--quiet"])
    #expect(fromGzip.status == 0, "\(fromGzip.stderr)")
    #expect(try dump(path("j-gz.jsonl.gz")) == expected)

    // %J: the JSON payloads only, as cJSON re-printed them.
    try outputs[1].write(to: URL(fileURLWithPath: path("J.jsonl")))
    let capitalJ = try mqttDumper(["convert", path("J.jsonl"), "-o", path("J.jsonl.gz"), "--quiet"])
    #expect(capitalJ.status == 0, "\(capitalJ.stderr)")
    #expect(capitalJ.stderr.contains("not JSON: 7 messages lost"), "\(capitalJ.stderr)")
    let jsonOnly = try dump(path("J.jsonl.gz"))
    #expect(jsonOnly.count == 4)
    #expect(jsonOnly[0] == #"["set/json", "\#(Data(#"{"new":9,"old":8.8}"#.utf8).hex)", 0, false, {}]"#)
    #expect(jsonOnly[1] == recorded[5].replacingOccurrences(of: Data("[1, 2]".utf8).hex, with: Data("[1,2]".utf8).hex))
    #expect(jsonOnly[2] == recorded[7])
    #expect(jsonOnly[3] == recorded[9])

    // -v: topics and payloads byte for byte; no QoS, retain flags or properties.
    try outputs[2].write(to: URL(fileURLWithPath: path("v.txt")))
    let v = try mqttDumper(["convert", path("v.txt"), "-o", path("v.jsonl.gz"), "--quiet"])
    #expect(v.status == 0, "\(v.stderr)")
    #expect(v.stderr.contains("mosquitto_sub -v has no times"), "\(v.stderr)")
    let fromVerbose = try dump(path("v.jsonl.gz"))
    let topicsAndPayloads = { (lines: [String]) in
      lines.map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
    }
    #expect(topicsAndPayloads(fromVerbose) == topicsAndPayloads(recorded))

    // The capture to CSV, read by Python's csv module: every message, payload bytes as recorded.
    let csv = try mqttDumper(["convert", path("cap.jsonl.gz"), "--to", "csv", "-o", path("cap.csv")])
    #expect(csv.status == 0, "\(csv.stderr)")
    #expect(csv.stderr.contains("those of 1 message were left out"), "\(csv.stderr)")
    let check = """
      import base64, csv, json, sys
      rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
      assert rows[0] == ["time", "topic", "qos", "retain", "encoding", "payload"], rows[0]
      for t, topic, qos, retain, enc, payload in rows[1:]:
          p = payload.encode() if enc == "text" else base64.b64decode(payload)
          print(json.dumps([topic, p.hex(), int(qos), retain == "true"]), enc)
      """
    let rows = try Running(try which("python3"), ["-c", check, path("cap.csv")]).wait(timeout: 30)
    #expect(rows.status == 0, "\(rows.stderr)")
    let expectedRows = recorded.enumerated().map { i, line in
      line.replacing(#/, \{.*\}\]$/#, with: "]") + ([3, 4, 8, 10].contains(i) ? " base64" : " text")
    }
    #expect(rows.stdoutText.split(separator: "\n").map(String.init) == expectedRows)

    // The CSV back to a capture (told by its header row): the same messages, their properties lost.
    let fromCSV = try mqttDumper(["convert", path("cap.csv"), "-o", path("csv.jsonl.gz")])
    #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
    #expect(
      fromCSV.stderr == """
        mqtt-dumper: warning: the CSV has no MQTT v5 properties: the messages have none.
        mqtt-dumper: converted 11 messages from csv to capture in \(path("csv.jsonl.gz"))

        """)
    #expect(try dump(path("csv.jsonl.gz")) == recorded.map { $0.replacing(#/\{.*\}\]$/#, with: "{}]") })

    // And to %j lines and back: the same messages.
    let out = try mqttDumper(["convert", path("cap.jsonl.gz"), "--to", "mosquitto-json", "-o", path("back.jsonl")])
    #expect(out.status == 0, "\(out.stderr)")
    let back = try mqttDumper(["convert", path("back.jsonl"), "-o", path("back.jsonl.gz"), "--quiet"])
    #expect(back.status == 0 && back.stderr == "", "\(back.stderr)")
    #expect(try dump(path("back.jsonl.gz")) == recorded)
  }

  @Test("damaged or unknown input, --direction without pcap, an existing output: one sentence, exit status 2")
  func refusals() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
      let p = dir.appendingPathComponent(name).path
      try Data(bytes).write(to: URL(fileURLWithPath: p))
      return p
    }
    let good =
      #"{"tst":"2026-11-26T03:29:51.689864Z+0000","topic":"a","qos":0,"retain":0,"payloadlen":2,"payload":"hi"}"#
    let cut = try file("cut.jsonl", Array((good + "\n" + good.prefix(56)).utf8))
    let out = dir.appendingPathComponent("out.jsonl.gz").path
    let r = try mqttDumper(["convert", cut, "-o", out])
    #expect(r.status == 2)
    #expect(
      r.stderr == "mqtt-dumper: error: \(cut), line 2, is not JSON (unterminated string at byte 57), not "
        + "mosquitto_sub -F %j; the messages before it were converted (--from names another format).\n")
    #expect(try readAll(out).records.count == 1, "the message before the damage is in the output")

    // Compressed lines whose gzip stream stops before its end (a recorder killed): converted, named, status 2.
    let killed = dir.appendingPathComponent("killed.jsonl.gz").path
    let make =
      "import sys, zlib; c = zlib.compressobj(wbits=31); "
      + "open(sys.argv[1], 'wb').write(c.compress((sys.argv[2] + '\\n').encode() * 3) + c.flush(zlib.Z_SYNC_FLUSH))"
    #expect(try Running(try which("python3"), ["-c", make, killed, good]).wait(timeout: 30).status == 0)
    let k = try mqttDumper(["convert", killed, "-o", "-", "--quiet"])
    #expect(k.status == 2)
    #expect(k.stdoutText.split(separator: "\n").count == 4, "a header and the three messages")
    #expect(
      k.stderr == "mqtt-dumper: warning: \(killed) was cut off after line 3 (its compressed data stops before the "
        + "end); every complete line before that was read.\n")

    let garbage = try file("garbage.bin", [0x00, 0x13, 0x37, 0xFF, 0x00, 0x42])
    let g = try mqttDumper(["convert", garbage, "-o", "-"])
    #expect(g.status == 2)
    #expect(g.stdout.isEmpty)
    #expect(
      g.stderr == "mqtt-dumper: error: cannot tell which tool wrote \(garbage) (it starts with binary data that is "
        + "no packet capture); name its format with --from (capture, mosquitto-json, mosquitto-verbose, "
        + "mqtt-recorder, mqtt-recorder-text, mqtt-recorder-base64, hivemq-json, csv, pcap).\n")

    // Text that is not mosquitto_sub -v is not taken as it: a Markdown heading, a capture named as -v.
    let readme = try file("README.md", Array("# mqtt-dumper\n\nRecord MQTT traffic losslessly\n".utf8))
    let m = try mqttDumper(["convert", readme, "-o", "-"])
    #expect(m.status == 2 && m.stdout.isEmpty)
    #expect(m.stderr.hasPrefix("mqtt-dumper: error: cannot tell which tool wrote \(readme) (its first line is none"))
    let capture = try file("c.jsonl", Array(k.stdout))
    let c = try mqttDumper(["convert", capture, "--from", "mosquitto-verbose", "-o", "-"])
    #expect(c.status == 2)
    #expect(c.stdoutText.split(separator: "\n").count == 1, "a header and no message")
    #expect(
      c.stderr.hasPrefix(
        "mqtt-dumper: error: \(capture), line 1, is a capture's header, not mosquitto_sub -v (convert tells a "
          + "capture without --from)"), "\(c.stderr)")

    // A pcap magic number goes to the packet-capture reader (whatever it says of a 4-byte file, it fails).
    let pcap = try file("lo.pcap", [0xD4, 0xC3, 0xB2, 0xA1])
    let p = try mqttDumper(["convert", pcap, "-o", "-"])
    #expect(p.status == 2)
    #expect(!p.stderr.contains("cannot tell"), "\(p.stderr)")

    let plain = try file("j.jsonl", Array((good + "\n").utf8))
    let d = try mqttDumper(["convert", plain, "--direction", "to-subscribers", "-o", "-"])
    #expect(d.status == 2)
    #expect(
      d.stderr == "mqtt-dumper: error: --direction is for pcap input only; \(plain) is mosquitto-json.\n")
    let exists = try mqttDumper(["convert", plain, "-o", plain])
    #expect(exists.status == 2)
    #expect(exists.stderr == "mqtt-dumper: error: --output \(plain) is the input \(plain); write to another file.\n")
    let stdin = try mqttDumper(["convert", "-", "-o", "-"], stdin: Data((good + "\n").utf8))
    #expect(stdin.status == 2)
    #expect(stdin.stderr.contains("give --from"), "\(stdin.stderr)")
    let piped = try mqttDumper(
      ["convert", "-", "--from", "mosquitto-json", "-o", "-", "--quiet"], stdin: Data((good + "\n").utf8))
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(
      piped.stdoutText.hasSuffix(#"{"ts":1795663791.689864,"topic":"a","qos":0,"retain":false,"payload":"hi"}"# + "\n"))
  }
}

extension Data {
  fileprivate var hex: String { map { String(format: "%02x", $0) }.joined() }
}
