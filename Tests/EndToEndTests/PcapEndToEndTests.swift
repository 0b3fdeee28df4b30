import Foundation
import MQTTCapture
import Testing

/// Whether the binary has `convert` (issue 13's command, merged separately from the pcap reader): its line in
/// the list of subcommands. (`convert --help` proves nothing: an unknown word before --help still prints the
/// tool's help.)
private func hasConvert() -> Bool {
  guard let help = try? mqttDumper(["--help"], timeout: 30) else { return false }
  return help.stdoutText.split(separator: "\n").contains {
    $0.hasPrefix("  ") && $0.split(separator: " ").first == "convert"
  }
}

/// `mqtt-dumper convert` of a packet capture: tcpdump records the loopback while `mqtt-dumper capture`
/// records the same traffic from mosquitto_pub (an independent publisher); both must tell the same story.
@Suite("convert of packet captures", .serialized, .enabled(if: hasConvert()))
struct PcapEndToEndTests {
  @Test("tcpdump's file converts to what capture recorded of the same traffic, in both directions")
  func sameAsCapture() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pcap = dir.appendingPathComponent("lo.pcap").path
    let tcpdumpLog = dir.appendingPathComponent("tcpdump.log").path
    // Through sh, so that tcpdump's "listening on" goes to a file this test can watch.
    let tcpdump = try Running(
      try which("sh"),
      [
        "-c",
        "exec \(try which("tcpdump")) -i lo -w \(pcap) --immediate-mode -U -B 65536 port \(broker.port) 2>\(tcpdumpLog)",
      ])
    let deadline = Date().addingTimeInterval(10)
    while !((try? String(contentsOfFile: tcpdumpLog, encoding: .utf8)) ?? "").contains("listening on") {
      guard Date() < deadline else { throw TestFailure("tcpdump did not start listening") }
      usleep(20_000)
    }

    let capture = dir.appendingPathComponent("recorded.jsonl.gz").path
    let recorder = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-h", "127.0.0.1", "-t", "pc/#", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)
    let binary = dir.appendingPathComponent("binary").path
    try Data((0...255).map { UInt8($0) } + [UInt8](repeating: 0x5A, count: 70_000)).write(
      to: URL(fileURLWithPath: binary))
    try mosquittoPub(broker, ["-t", "pc/zero", "-m", "zero", "-q", "0"])
    try mosquittoPub(broker, ["-t", "pc/binary", "-f", binary, "-q", "1"])
    try mosquittoPub(broker, ["-t", "pc/two", "-m", "two", "-q", "2", "-V", "mqttv311"])
    try mosquittoPub(broker, ["-t", "pc/kept", "-m", "kept", "-q", "1", "-r"])
    try mosquittoPub(
      broker,
      [
        "-t", "pc/props", "-m", "{\"a\":1}", "-q", "1", "-V", "mqttv5", "-D", "publish", "content-type",
        "application/json", "-D", "publish", "user-property", "k", "v", "-D", "publish", "response-topic", "pc/reply",
        "-D", "publish", "correlation-data", "c0rr", "-D", "publish", "payload-format-indicator", "1",
      ])
    try mosquittoPub(broker, ["-t", "pc/kept", "-n", "-q", "1", "-r"])
    usleep(500_000)
    recorder.signal(SIGINT)
    #expect(recorder.wait().status == 0)
    tcpdump.signal(SIGINT)
    tcpdump.wait()

    let recorded = messages(try readAll(capture).records)
    #expect(recorded.count == 6)

    // From the publishers: what they sent. The recorder subscribes with QoS 2 and MQTT 5 (retain as
    // published), so topic, payload, QoS, retain and properties are the same; only the order of a QoS 2
    // message may differ (the broker releases it at PUBREL) and the times (the packet came first).
    let published = dir.appendingPathComponent("published.jsonl.gz").path
    let convert = try mqttDumper(["convert", pcap, "-o", published])
    #expect(convert.status == 0, "\(convert.stderr)")
    let fromPublishers = messages(try readAll(published).records)
    func key(_ m: CapturedMessage) -> String { "\(m.topic) \(m.payload) \(m.qos) \(m.retain) \(m.properties)" }
    #expect(fromPublishers.map(key).sorted() == recorded.map(key).sorted())

    // To the subscribers: here only the recorder, so the same messages in the same order, each seen on the
    // wire about when the recorder took it off its socket: the packet socket stamps a loopback packet as it
    // handles it, which may be a few microseconds after the recorder read it, so allow a millisecond.
    let delivered = dir.appendingPathComponent("delivered.jsonl.gz").path
    let toSubscribers = try mqttDumper(["convert", pcap, "--direction", "to-subscribers", "-o", delivered])
    #expect(toSubscribers.status == 0, "\(toSubscribers.stderr)")
    let toRecorder = messages(try readAll(delivered).records)
    #expect(toRecorder.map(key) == recorded.map(key))
    for (wire, taken) in zip(toRecorder, recorded) {
      let lead = taken.timestamp.microseconds - wire.timestamp.microseconds
      #expect(lead > -1000 && lead < 1_000_000, "the recorder took \(taken.topic) \(lead) µs after the wire")
    }

    // Cut off in the last packet: everything before it, a line that says so, and the status of a damaged input.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: pcap))
    let cut = dir.appendingPathComponent("cut.pcap").path
    try bytes.dropLast(3).write(to: URL(fileURLWithPath: cut))
    let cutConvert = try mqttDumper(["convert", cut, "-o", dir.appendingPathComponent("cut.jsonl.gz").path])
    #expect(cutConvert.status == 2)
    #expect(cutConvert.stderr.contains("\(cut) is cut off in the last packet at byte"), "\(cutConvert.stderr)")

    // A file that is not a packet capture: one sentence, the input-file status.
    let text = dir.appendingPathComponent("notes.pcap").path
    try "just some notes\n".write(toFile: text, atomically: true, encoding: .utf8)
    let foreign = try mqttDumper([
      "convert", text, "--from", "pcap", "-o", dir.appendingPathComponent("x.jsonl.gz").path,
    ])
    #expect(foreign.status == 2)
    #expect(
      foreign.stderr
        == "mqtt-dumper: error: \(text) is not a pcap or pcapng file (it begins with the text \"just\"); record one "
        + "with `tcpdump -i any -w FILE port 1883`.\n")
  }

  /// Every message of a capture as python3 reads it: `topic payload` a line.
  private func topicsAndPayloads(_ path: String) throws -> String {
    let script = """
      import json, sys
      for line in open(sys.argv[1], encoding="utf-8"):
          r = json.loads(line)
          if "topic" in r:
              print(r["topic"], r["payload"])
      """
    let r = try Running(try which("python3"), ["-c", script, path]).wait(timeout: 30)
    guard r.status == 0 else { throw TestFailure("python3 could not read \(path): \(r.stderr)") }
    return r.stdoutText
  }

  @Test("a pcap on standard input (- with --from pcap) converts as the same file would")
  func standardInput() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("stdin.jsonl").path
    let r = try mqttDumper(["convert", "-", "--from", "pcap", "-o", out], stdin: pcapOfTwoPublishes())
    #expect(r.status == 0)
    #expect(r.stderr == "mqtt-dumper: converted 2 messages from pcap to capture in \(out)\n")
    #expect(try topicsAndPayloads(out) == "s/1 one\ns/2 two\n")
  }

  @Test("a pcap whose snap length cut every packet inside its TCP header (tcpdump -s 60): said, input-file status")
  func snapLengthCutEverything() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pcap = dir.appendingPathComponent("s30.pcap").path
    // 30 bytes: the IPv4 header and 10 of the TCP header's 20.
    try pcapOfTwoPublishes(snapLength: 30).write(to: URL(fileURLWithPath: pcap))
    let out = dir.appendingPathComponent("s30.jsonl").path
    let r = try mqttDumper(["convert", pcap, "-o", out])
    #expect(r.status == 2)
    #expect(
      r.stderr
        == "mqtt-dumper: warning: 7 packets were cut by the recorder's snap length (-s 30): their bytes past it are "
        + "lost; record with the default snap length (no -s).\n"
        + "mqtt-dumper: converted 0 messages from pcap to capture in \(out)\n")
  }
}
