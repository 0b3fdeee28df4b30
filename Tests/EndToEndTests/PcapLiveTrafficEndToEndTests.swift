import Foundation
import MQTTCapture
import MQTTPcap
import Testing

/// Real traffic: mosquitto, paho-mqtt clients publishing a known set, tcpdump (pcap) and dumpcap (pcapng)
/// recording the loopback at once; tshark, Wireshark's decoder, reads the same files independently. Every
/// program runs in a process group of its own, stopped by signal to the group and checked gone at the end.
@Suite("Packet captures of real traffic")
struct PcapLiveTrafficEndToEndTests {
  @Test("tcpdump's pcap (-i any) and dumpcap's pcapng (lo) decode as paho sent and received, and as tshark reads them")
  func recordedTraffic() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let port = live.broker.port

    // tcpdump on every interface (Linux cooked v2 frames, as the docs advise), dumpcap on lo (Ethernet).
    let pcap = live.path("any.pcap")
    let pcapng = live.path("lo.pcapng")
    let tcpdump = try Self.startTcpdump(live, on: "any", into: pcap)
    let dumpcap = try live.processes.start(try which("dumpcap"), ["-i", "lo", "-f", "port \(port)", "-w", pcapng])
    try dumpcap.waitForStderr("Capturing on")

    _ = try which("tshark")  // tshark_publishes.py runs it
    let report = try outputOf(live, try pahoPython(), [scriptPath("pcap_publish.py"), "--port", "\(port)"])
    usleep(200_000)
    // SIGINT: both write out what they hold, and tcpdump says what it dropped.
    for recorder in [tcpdump, dumpcap] { recorder.signal(SIGINT) }
    let tcpdumpStderr = tcpdump.wait(timeout: 10).stderr
    dumpcap.wait(timeout: 10)
    // Immediate mode gives every packet a slot of the snap length: without -B a loaded machine overruns
    // the 2 MiB ring and the capture itself is incomplete. Say so rather than blame the decoder.
    #expect(tcpdumpStderr.split(separator: "\n").contains("0 packets dropped by kernel"), "\(tcpdumpStderr)")
    let json = try JSONSerialization.jsonObject(with: Data(report.utf8)) as! [String: Any]
    let sent = (json["sent"] as! [[String: Any]]).map(Self.describe)
    let received = (json["received"] as! [[String: Any]]).map(Self.describe)
    #expect(sent.count == 11)
    #expect(received.count == 11)

    for file in [pcap, pcapng] {
      let (published, publishedLosses) = try Self.read(file, .fromPublishers)
      let (delivered, deliveredLosses) = try Self.read(file, .toSubscribers)
      #expect(published.map(Self.describe) == sent, "\(file)")
      // paho hands on a QoS 2 message at PUBREL, so its order may differ from the wire's (tshark checks that).
      #expect(delivered.map(Self.describe).sorted() == received.sorted(), "\(file)")
      // The 3.1.1 client connects after the first message: the header names the first CONNECT's protocol.
      let mixed = "the capture's header says protocol mqttv5, the first CONNECT's; 1 connection spoke MQTT 3.1.1"
      #expect(publishedLosses == [mixed])
      #expect(deliveredLosses == [mixed])

      // The capture header convert writes, as python3 reads the first line of zcat: the test broker, MQTT 5,
      // and for to-subscribers the subscriber's filter.
      for (direction, subscriptions, subscribed) in [
        ("from-publishers", "[]", "nothing"),
        ("to-subscribers", #"[{"filter": "pcap/#", "qos": 2}]"#, "pcap/# (QoS 2)"),
      ] {
        let out = live.path("\(URL(fileURLWithPath: file).lastPathComponent)-\(direction).jsonl.gz")
        let converted = try mqttDumper(["convert", file, "--direction", direction, "-o", out])
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(
          converted.stderr
            == "mqtt-dumper: warning: \(mixed).\nmqtt-dumper: converted 11 messages from pcap to capture in \(out)\n")
        let header = try outputOf(live, try which("python3"), ["-c", Self.headerFacts, out])
        #expect(
          header == #"["127.0.0.1:\#(port)", "mqttv5", \#(subscriptions), ["\#(file)"]]"# + "\n", "\(direction)")
        // info and print read it as any capture.
        let info = try mqttDumper(["info", out])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(
          info.stdoutText.split(separator: "\n").contains(
            "  broker       127.0.0.1:\(port), mqttv5, subscribed to \(subscribed)"), "\(info.stdoutText)")
        let printed = try mqttDumper(["print", out])
        #expect(printed.status == 0, "\(printed.stderr)")
      }

      // tshark's reading: the same packets, times, topics (its aliases resolved too), QoS, retain, payloads.
      let tshark = try outputOf(live, try which("python3"), [scriptPath("tshark_publishes.py"), file, "\(port)"])
      let packets = try JSONSerialization.jsonObject(with: Data(tshark.utf8)) as! [[String: Any]]
      let tsharkLines = { (fromBroker: Bool) in
        packets.filter { $0["fromBroker"] as! Bool == fromBroker }.map {
          "\($0["ts"]!) \($0["topic"]!) q\($0["qos"]!) r\($0["retain"] as! Bool) \($0["payload"]!)"
        }
      }
      #expect(published.map(Self.summary) == tsharkLines(false), "\(file)")
      #expect(delivered.map(Self.summary) == tsharkLines(true), "\(file)")
    }
  }

  @Test("a connection that began before the capture: decoded from its next packet, its alias said lost")
  func connectionBeforeCapture() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let port = live.broker.port

    let ready = live.path("ready")
    let go = live.path("go")
    let publisher = try live.processes.start(
      try pahoPython(), [scriptPath("pcap_midstream.py"), "--port", "\(port)", "--ready", ready, "--go", go])
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: ready) {
      guard Date() < deadline, publisher.process.isRunning else {
        throw TestFailure("the publisher did not connect: \(publisher.stderrSoFar)")
      }
      usleep(20_000)
    }
    let pcap = live.path("late.pcap")
    let tcpdump = try Self.startTcpdump(live, on: "lo", into: pcap)
    // A connection that starts inside the capture: its SYN shows which end is the broker.
    try mosquittoPub(live.broker, ["-t", "mid/new", "-m", "fresh"])
    _ = FileManager.default.createFile(atPath: go, contents: nil)
    let published = publisher.wait(timeout: 30)
    #expect(published.status == 0, "\(published.stderr)")
    usleep(200_000)
    tcpdump.signal(SIGINT)
    let tcpdumpStderr = tcpdump.wait(timeout: 10).stderr
    #expect(tcpdumpStderr.split(separator: "\n").contains("0 packets dropped by kernel"), "\(tcpdumpStderr)")

    let (messages, losses) = try Self.read(pcap, .fromPublishers)
    #expect(
      messages.map(Self.describe) == [
        "mid/new q0 rfalse 6672657368", "mid/after/1 q1 rfalse 6f6e65 user k=v", "mid/after/2 q0 rfalse 74776f",
      ])
    #expect(losses.count == 2)
    #expect(losses.first == "1 PUBLISH named their topic by an alias set before the capture began: skipped")
    let line = losses.last ?? ""
    #expect(line.hasPrefix("127.0.0.1:"))
    #expect(
      line.hasSuffix(
        " ↔ 127.0.0.1:\(port) began before the capture: the broker is taken to be 127.0.0.1:\(port); MQTT 5 is "
          + "guessed from its packets"), "\(line)")
  }

  /// A python3 program printing the broker, protocol, subscriptions and sources of the capture header on the
  /// first line of `zcat <argv[1]>`, as a JSON list.
  static let headerFacts = """
    import json, subprocess, sys
    first = subprocess.run(["zcat", sys.argv[1]], capture_output=True, check=True).stdout.split(b"\\n")[0]
    h = json.loads(first)
    print(json.dumps([h["broker"], h["protocol"], h["subscriptions"], h["sources"]]))
    """

  /// tcpdump recording the broker's port on `interface` into `file` (immediate mode, each packet written at
  /// once, a 64 MiB ring), once it says it is listening.
  static func startTcpdump(_ live: LiveBroker, on interface: String, into file: String) throws -> Running {
    let tcpdump = try live.processes.start(
      try which("tcpdump"),
      ["-i", interface, "-w", file, "--immediate-mode", "-U", "-B", "65536", "port", "\(live.broker.port)"])
    try tcpdump.waitForStderr("listening on")
    return tcpdump
  }

  /// Runs a program among the test's processes to its end; its standard output.
  func outputOf(_ live: LiveBroker, _ executable: String, _ arguments: [String]) throws -> String {
    let result = try live.processes.run(executable, arguments, timeout: 60)
    guard result.status == 0 else {
      throw TestFailure(
        "\(URL(fileURLWithPath: arguments.first ?? executable).lastPathComponent) exited with "
          + "\(result.status): \(result.stderr)")
    }
    return result.stdoutText
  }

  static func read(_ path: String, _ direction: PcapDirection) throws -> ([CapturedMessage], [String]) {
    let recording = try PcapRecording(path: path, direction: direction)
    var messages: [CapturedMessage] = []
    while let message = try recording.next() { messages.append(message) }
    return (messages, recording.losses)
  }

  static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
  }

  /// A message as tshark's fields say it.
  static func summary(_ m: CapturedMessage) -> String {
    "\(m.timestamp) \(m.topic) q\(m.qos.rawValue) r\(m.retain) \(hex(m.payload))"
  }

  /// A message with its properties, as the publishing script describes it.
  static func describe(_ m: CapturedMessage) -> String {
    let p = m.properties
    var parts = ["\(m.topic) q\(m.qos.rawValue) r\(m.retain) \(hex(m.payload))"]
    if let v = p.contentType { parts.append("contentType=\(v)") }
    if let v = p.payloadFormatIndicator { parts.append("payloadFormatIndicator=\(v)") }
    if let v = p.messageExpiryInterval { parts.append("messageExpiryInterval=\(v)") }
    if let v = p.responseTopic { parts.append("responseTopic=\(v)") }
    if let v = p.correlationData { parts.append("correlationData=\(hex(v))") }
    for u in p.userProperties { parts.append("user \(u.name)=\(u.value)") }
    return parts.joined(separator: " ")
  }

  static func describe(_ m: [String: Any]) -> String {
    let p = m["properties"] as! [String: Any]
    var parts = ["\(m["topic"]!) q\(m["qos"]!) r\(m["retain"] as! Bool) \(m["payload"]!)"]
    for key in ["contentType", "payloadFormatIndicator", "messageExpiryInterval", "responseTopic", "correlationData"] {
      if let v = p[key] { parts.append("\(key)=\(v)") }
    }
    for pair in p["userProperties"] as? [[String]] ?? [] { parts.append("user \(pair[0])=\(pair[1])") }
    return parts.joined(separator: " ")
  }
}
