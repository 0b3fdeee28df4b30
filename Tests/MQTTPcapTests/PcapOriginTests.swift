import Foundation
import MQTTCapture
import Testing

@testable import MQTTPcap

/// What a packet capture tells the header of the capture `convert` writes: brokers, protocol, subscriptions,
/// as known at the first message, and what came after said in the losses.
@Suite("Packet captures: the capture header's broker, protocol and subscriptions")
struct PcapOriginTests {
  /// An MQTT 5 SUBSCRIBE (§3.8): packet id, no properties, each filter with its options byte (QoS here).
  static func subscribe5(_ filters: [(String, UInt8)], id: Int = 1) -> [UInt8] {
    MQTTBytes.packet(0x82, MQTTBytes.u16(id) + [0] + filters.flatMap { MQTTBytes.string($0.0) + [$0.1] })
  }

  /// A 3.1.1 SUBSCRIBE (§3.8): packet id, each filter with its QoS byte.
  static func subscribe311(_ filters: [(String, UInt8)], id: Int = 1) -> [UInt8] {
    MQTTBytes.packet(0x82, MQTTBytes.u16(id) + filters.flatMap { MQTTBytes.string($0.0) + [$0.1] })
  }

  static let suback: [UInt8] = MQTTBytes.packet(0x90, MQTTBytes.u16(1) + [0])

  /// A v5 subscriber to 127.0.0.1:1883 asking for `a/#` (QoS 1) and `b` (QoS 0), then getting `a/x`.
  static func subscriber5() -> Conversation {
    var c = Conversation(clientPort: 50_010, brokerPort: 1883)
    c.client(MQTTBytes.connect("sub5", version: 5))
    c.broker(MQTTBytes.connack(version: 5))
    c.client(subscribe5([("a/#", 1), ("b", 0)]))
    c.broker(suback)
    c.broker(MQTTBytes.publish("a/x", Array("five".utf8), properties: []))
    return c
  }

  /// A 3.1.1 subscriber to 127.0.0.1:1884 asking for `c/+` (QoS 2), then getting `c/y`.
  static func subscriber311() -> Conversation {
    var c = Conversation(clientPort: 50_011, brokerPort: 1884)
    c.client(MQTTBytes.connect("sub311"))
    c.broker(MQTTBytes.connack())
    c.client(subscribe311([("c/+", 2)]))
    c.broker(suback)
    c.broker(MQTTBytes.publish("c/y", Array("old".utf8)))
    return c
  }

  static func recording(_ packets: [[UInt8]], _ direction: PcapDirection) throws -> (
    PcapRecording, [String], TemporaryFile
  ) {
    let file = try TemporaryFile(CaptureFileBytes.pcap(packets.map(LinkKind.raw.frame), linkType: 101))
    let recording = try PcapRecording(path: file.path, direction: direction)
    var topics: [String] = []
    #expect(recording.origin == .unknown)
    while let message = try recording.next() { topics.append(message.topic) }
    return (recording, topics, file)
  }

  @Test("one 3.1.1 publisher: its broker and protocol, no subscriptions (from-publishers), nothing more said")
  func simplePublisher() throws {
    let (recording, topics, _) = try Self.recording(simpleConversation().packets, .fromPublishers)
    #expect(topics == ["a/b", "a/c"])
    #expect(recording.origin == RecordingOrigin(broker: "127.0.0.1:1883", protocolName: "mqttv311"))
    #expect(recording.losses == [])
  }

  @Test(
    "to-subscribers: what was known at the first message is the header; a later broker, version and filter are said")
  func laterFactsAreSaid() throws {
    let packets = Self.subscriber5().packets + Self.subscriber311().packets
    let (recording, topics, _) = try Self.recording(packets, .toSubscribers)
    #expect(topics == ["a/x", "c/y"])
    #expect(
      recording.origin
        == RecordingOrigin(
          broker: "127.0.0.1:1883", protocolName: "mqttv5",
          subscriptions: [
            CaptureSubscription(filter: "a/#", qos: .atLeastOnce), CaptureSubscription(filter: "b", qos: .atMostOnce),
          ]))
    #expect(
      recording.losses == [
        "1 broker first seen after the first message, not in the capture's header: 127.0.0.1:1884",
        "the capture's header says protocol mqttv5, the first CONNECT's; 1 connection spoke MQTT 3.1.1",
        "1 subscription asked for after the first message, not in the capture's header: c/+ (QoS 2)",
      ])
  }

  @Test("two brokers before the first message: both named; the protocol is the first CONNECT's")
  func severalBrokers() throws {
    let old = Self.subscriber311().packets
    // The 3.1.1 subscriber connects and subscribes first; its message comes last.
    let packets = old.dropLast() + Self.subscriber5().packets + [old.last!]
    let (recording, topics, _) = try Self.recording(Array(packets), .toSubscribers)
    #expect(topics == ["a/x", "c/y"])
    #expect(
      recording.origin
        == RecordingOrigin(
          broker: "127.0.0.1:1884, 127.0.0.1:1883", protocolName: "mqttv311",
          subscriptions: [
            CaptureSubscription(filter: "c/+", qos: .exactlyOnce),
            CaptureSubscription(filter: "a/#", qos: .atLeastOnce),
            CaptureSubscription(filter: "b", qos: .atMostOnce),
          ]))
    #expect(
      recording.losses == [
        "the capture's header says protocol mqttv311, the first CONNECT's; 1 connection spoke MQTT 5"
      ])
  }

  @Test("from-publishers keeps no subscriptions; the same filter twice is one")
  func publishersHaveNoSubscriptions() throws {
    var c = Self.subscriber5()
    c.client(Self.subscribe5([("a/#", 1)], id: 2))
    let (publishers, _, _) = try Self.recording(c.packets + simpleConversation().packets, .fromPublishers)
    #expect(publishers.origin == RecordingOrigin(broker: "127.0.0.1:1883", protocolName: "mqttv5"))
    #expect(
      publishers.losses == [
        "the capture's header says protocol mqttv5, the first CONNECT's; 1 connection spoke MQTT 3.1.1"
      ])
    let (subscribers, _, _) = try Self.recording(c.packets, .toSubscribers)
    #expect(subscribers.origin.subscriptions.map(\.filter) == ["a/#", "b"])
    #expect(subscribers.losses == [])
  }

  @Test("no CONNECT before the first message: the protocol is unknown, the broker the one taken to be")
  func noConnect() throws {
    var c = Conversation(clientPort: 50_002, handshake: false)
    c.client(MQTTBytes.publish("s/1", Array("one".utf8)))
    let (recording, topics, _) = try Self.recording(c.packets + simpleConversation().packets, .fromPublishers)
    #expect(topics == ["s/1", "a/b", "a/c"])
    #expect(recording.origin == RecordingOrigin(broker: "127.0.0.1:1883"))
    #expect(
      recording.losses == [
        "127.0.0.1:50002 ↔ 127.0.0.1:1883 began before the capture: the broker is taken to be 127.0.0.1:1883; "
          + "MQTT 3.1.1 is guessed from its packets",
        "the capture's header says protocol unknown: no CONNECT came before the first message; "
          + "1 connection spoke MQTT 3.1.1",
      ])
  }

  @Test("convert into a capture: the header's first line says the broker, protocol and subscriptions")
  func captureHeader() throws {
    let file = try TemporaryFile(
      CaptureFileBytes.pcap(Self.subscriber5().packets.map(LinkKind.raw.frame), linkType: 101))
    let out = file.directory.appendingPathComponent("out.jsonl").path
    let summary = try Conversion.run(
      try PcapRecording(path: file.path, direction: .toSubscribers),
      into: ConvertOutputFormat.capture.open(path: out, replace: false, source: "sub.pcap"))
    #expect(summary.messages == 1)
    let first = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").first ?? ""
    #expect(
      first.hasSuffix(
        #","broker":"127.0.0.1:1883","protocol":"mqttv5","subscriptions":[{"filter":"a/#","qos":1},"#
          + #"{"filter":"b","qos":0}],"sources":["sub.pcap"]}"#), "\(first)")
  }

  @Test("a 3.1.1 connection older than the capture, guessed MQTT 5 by a payload starting 00: the misread said")
  func misreadAsVersion5() throws {
    var c = Conversation(handshake: false)
    c.client(MQTTBytes.publish("t/1", [0x00, 0x41]))
    c.client(MQTTBytes.publish("t/2", [0x00, 0x42]))
    // 'z' (122) cannot be a property length here: MQTT 3.1.1 after all.
    c.client(MQTTBytes.publish("t/3", Array("zz".utf8)))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.payload) == [[0x41], [0x42], Array("zz".utf8)])
    #expect(
      losses == [
        "127.0.0.1:50000 ↔ 127.0.0.1:1883 began before the capture: the broker is taken to be 127.0.0.1:1883; "
          + "MQTT 3.1.1 is guessed from its packets; 2 messages before the PUBLISH that showed it were read as "
          + "MQTT 5, without the first byte of their payload (00)"
      ])
  }
}
