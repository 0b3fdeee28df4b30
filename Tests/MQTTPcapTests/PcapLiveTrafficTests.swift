import Foundation
import MQTTCapture
import Testing

@testable import MQTTPcap

/// Real traffic: mosquitto, paho-mqtt clients publishing a known set, tcpdump (pcap) and dumpcap (pcapng)
/// recording the loopback at once; tshark, Wireshark's decoder, reads the same files independently.
@Suite("Packet captures of real traffic")
struct PcapLiveTrafficTests {
  @Test("tcpdump's pcap (-i any) and dumpcap's pcapng (lo) decode as paho sent and received, and as tshark reads them")
  func recordedTraffic() throws {
    let tools = ["mosquitto", "tcpdump", "dumpcap", "tshark", "python3"].map { ($0, findProgram($0)) }
    if let missing = tools.first(where: { $0.1 == nil }) {
      throw TestFailure("\(missing.0) is not installed (make test installs it: Makefile DEBS)")
    }
    let path = Dictionary(uniqueKeysWithValues: tools.map { ($0.0, $0.1!) })
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-pcap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = try freeLoopbackPort()
    let config = directory.appendingPathComponent("mosquitto.conf")
    try "listener \(port) 127.0.0.1\nallow_anonymous true\n".write(to: config, atomically: true, encoding: .utf8)
    let broker = try Background(path["mosquitto"]!, ["-c", config.path], in: directory, name: "mosquitto")
    defer { broker.stop(SIGTERM) }

    // tcpdump on every interface (Linux cooked v2 frames, as the docs advise), dumpcap on lo (Ethernet).
    let pcap = directory.appendingPathComponent("any.pcap").path
    let pcapng = directory.appendingPathComponent("lo.pcapng").path
    let tcpdump = try Background(
      path["tcpdump"]!, ["-i", "any", "-w", pcap, "--immediate-mode", "-U", "-B", "65536", "port", "\(port)"],
      in: directory, name: "tcpdump")
    defer { tcpdump.stop() }
    let dumpcap = try Background(
      path["dumpcap"]!, ["-i", "lo", "-f", "port \(port)", "-w", pcapng], in: directory, name: "dumpcap")
    defer { dumpcap.stop() }
    try tcpdump.waitForStderr("listening on")
    try dumpcap.waitForStderr("Capturing on")

    let report = try runToEnd(
      path["python3"]!, [scriptPath("pcap_publish.py"), "--port", "\(port)"], in: directory, name: "publish")
    usleep(200_000)
    tcpdump.stop()
    dumpcap.stop()
    // Immediate mode gives every packet a slot of the snap length: without -B a loaded machine overruns
    // the 2 MiB ring and the capture itself is incomplete. Say so rather than blame the decoder.
    #expect(tcpdump.stderr.split(separator: "\n").contains("0 packets dropped by kernel"), "\(tcpdump.stderr)")
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
      #expect(publishedLosses == [])
      #expect(deliveredLosses == [])

      // tshark's reading: the same packets, times, topics (its aliases resolved too), QoS, retain, payloads.
      let tshark = try runToEnd(
        path["python3"]!, [scriptPath("tshark_publishes.py"), file, "\(port)"], in: directory, name: "tshark")
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
    guard let mosquitto = findProgram("mosquitto"), let tcpdump = findProgram("tcpdump"),
      let mosquittoPub = findProgram("mosquitto_pub"), let python = findProgram("python3")
    else {
      throw TestFailure("mosquitto, mosquitto_pub, tcpdump or python3 is not installed (make test installs them)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-pcap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = try freeLoopbackPort()
    let config = directory.appendingPathComponent("mosquitto.conf")
    try "listener \(port) 127.0.0.1\nallow_anonymous true\n".write(to: config, atomically: true, encoding: .utf8)
    let broker = try Background(mosquitto, ["-c", config.path], in: directory, name: "mosquitto")
    defer { broker.stop(SIGTERM) }
    usleep(200_000)

    let ready = directory.appendingPathComponent("ready").path
    let go = directory.appendingPathComponent("go").path
    let publisher = try Background(
      python, [scriptPath("pcap_midstream.py"), "--port", "\(port)", "--ready", ready, "--go", go], in: directory,
      name: "publisher")
    defer { publisher.stop(SIGKILL) }
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: ready) {
      guard Date() < deadline, publisher.process.isRunning else {
        throw TestFailure("the publisher did not connect: \(publisher.stderr)")
      }
      usleep(20_000)
    }
    let pcap = directory.appendingPathComponent("late.pcap").path
    let recorder = try Background(
      tcpdump, ["-i", "lo", "-w", pcap, "--immediate-mode", "-U", "-B", "65536", "port", "\(port)"], in: directory,
      name: "tcpdump")
    defer { recorder.stop() }
    try recorder.waitForStderr("listening on")
    // A connection that starts inside the capture: its SYN shows which end is the broker.
    _ = try runToEnd(
      mosquittoPub, ["-p", "\(port)", "-h", "127.0.0.1", "-t", "mid/new", "-m", "fresh"], in: directory, name: "pub")
    _ = FileManager.default.createFile(atPath: go, contents: nil)
    publisher.process.waitUntilExit()
    #expect(publisher.process.terminationStatus == 0, "\(publisher.stderr)")
    usleep(200_000)
    recorder.stop()
    #expect(recorder.stderr.split(separator: "\n").contains("0 packets dropped by kernel"), "\(recorder.stderr)")

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
