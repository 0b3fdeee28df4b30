import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("Packet captures: MQTT packets")
struct PcapMQTTTests {
  /// Property bytes (MQTT 5 §2.2.2.2): identifier, then the value as its type says.
  static let allProperties: [UInt8] =
    [0x01, 1]  // payload format indicator: UTF-8
    + [0x02, 0, 0, 0x0E, 0x10]  // message expiry: 3600 s
    + [0x03] + MQTTBytes.string("application/json")  // content type
    + [0x08] + MQTTBytes.string("reply/here")  // response topic
    + [0x09, 0, 3, 0xDE, 0xAD, 0x00]  // correlation data
    + [0x26] + MQTTBytes.string("k") + MQTTBytes.string("v1")  // user property
    + [0x26] + MQTTBytes.string("k") + MQTTBytes.string("v2")  // the same name again
    + [0x0B, 0x81, 0x01]  // subscription identifier 129

  @Test("MQTT 5: every PUBLISH property, binary payloads, QoS 2, and the properties' order of user properties")
  func version5Properties() throws {
    var c = Conversation(brokerPort: 21_883)
    c.client(MQTTBytes.connect("v5", version: 5))
    c.broker(MQTTBytes.connack(version: 5))
    c.client(MQTTBytes.publish("p/all", [0, 1, 2, 0xFF], qos: 2, id: 5, properties: Self.allProperties))
    c.client(MQTTBytes.publish("p/none", [], properties: []))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.ethernet.frame), linkType: 1))
    let expected = MQTTProperties(
      contentType: "application/json", payloadFormatIndicator: 1, messageExpiryInterval: 3600,
      responseTopic: "reply/here", correlationData: [0xDE, 0xAD, 0x00],
      userProperties: [MQTTUserProperty("k", "v1"), MQTTUserProperty("k", "v2")])
    #expect(
      messages == [
        CapturedMessage(
          timestamp: frameTime(5), topic: "p/all", payload: [0, 1, 2, 0xFF], qos: .exactlyOnce, properties: expected),
        CapturedMessage(timestamp: frameTime(6), topic: "p/none", payload: []),
      ])
    #expect(losses == [])
  }

  @Test("topic aliases are resolved per connection and direction; an alias set before the capture is said")
  func topicAliases() throws {
    var c = Conversation()
    c.client(MQTTBytes.connect("alias", version: 5))
    c.broker(MQTTBytes.connack(version: 5))
    c.client(MQTTBytes.publish("long/topic/name", Array("1".utf8), properties: [0x23, 0, 1]))
    c.client(MQTTBytes.publish("", Array("2".utf8), properties: [0x23, 0, 1]))
    c.client(MQTTBytes.publish("other", Array("3".utf8), properties: [0x23, 0, 1]))  // alias 1 now means "other"
    c.client(MQTTBytes.publish("", Array("4".utf8), properties: [0x23, 0, 1]))
    // The broker's own alias 1, to the client, is another map: it does not change the client's.
    c.broker(MQTTBytes.publish("to/client", Array("5".utf8), properties: [0x23, 0, 1]))
    c.client(MQTTBytes.publish("", Array("6".utf8), properties: [0x23, 0, 1]))
    c.client(MQTTBytes.publish("", Array("7".utf8), properties: [0x23, 0, 2]))  // never set
    let frames = c.packets.map(LinkKind.ethernet.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 1))
    #expect(
      messages.map { "\($0.topic)=\($0.text)" } == [
        "long/topic/name=1", "long/topic/name=2", "other=3", "other=4", "other=6",
      ])
    #expect(losses == ["1 PUBLISH named their topic by an alias set before the capture began: skipped"])
    let (toClient, _) = try decode(CaptureFileBytes.pcap(frames, linkType: 1), direction: .toSubscribers)
    #expect(toClient.map { "\($0.topic)=\($0.text)" } == ["to/client=5"])
  }

  @Test("a DUP resend of an unacknowledged packet id counts once; the id may be used again once acknowledged")
  func duplicates() throws {
    var c = Conversation()
    c.client(MQTTBytes.connect("dup", clean: false))
    c.broker(MQTTBytes.connack())
    c.client(MQTTBytes.publish("d", Array("first".utf8), qos: 1, id: 9))
    c.client(MQTTBytes.publish("d", Array("first".utf8), qos: 1, dup: true, id: 9))
    c.broker(MQTTBytes.puback(9))
    c.client(MQTTBytes.publish("d", Array("second".utf8), qos: 1, id: 9))
    c.client(MQTTBytes.publish("d", Array("third".utf8), qos: 2, id: 10))
    c.client(MQTTBytes.disconnect)
    // The client reconnects (a new connection, the same session) and sends id 10 again with DUP.
    var again = Conversation(clientPort: 50_001)
    again.client(MQTTBytes.connect("dup", clean: false))
    again.broker(MQTTBytes.connack())
    again.client(MQTTBytes.publish("d", Array("third".utf8), qos: 2, dup: true, id: 10))
    let frames = (c.packets + again.packets).map(LinkKind.ethernet.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 1))
    #expect(messages.map(\.text) == ["first", "second", "third"])
    #expect(losses == ["2 DUP resends of a QoS 1 or 2 PUBLISH counted once"])
  }

  @Test("the broker is the side that answered CONNECT, whatever its port; to-subscribers takes its PUBLISHes")
  func directions() throws {
    // The broker listens on a high port, the client on a low one: only CONNECT tells them apart.
    var c = Conversation(clientPort: 1883, brokerPort: 40_000)
    c.client(MQTTBytes.connect("sub"))
    c.broker(MQTTBytes.connack())
    c.client(MQTTBytes.subscribe("#"))
    c.client(MQTTBytes.publish("up", Array("from client".utf8)))
    c.broker(MQTTBytes.publish("down", Array("to client".utf8), qos: 1, retain: true, id: 3))
    let frames = c.packets.map(LinkKind.ethernet.frame)
    let (published, _) = try decode(CaptureFileBytes.pcap(frames, linkType: 1))
    #expect(published.map(\.topic) == ["up"])
    let (delivered, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 1), direction: .toSubscribers)
    #expect(
      delivered == [
        CapturedMessage(
          timestamp: frameTime(7), topic: "down", payload: Array("to client".utf8), qos: .atLeastOnce, retain: true)
      ])
    #expect(losses == [])
  }

  /// A WebSocket frame (RFC 6455 §5.2): FIN and opcode, the mask bit and length (7 bits, or 126 and 16 bits),
  /// the masking key, the payload XORed with it.
  static func frame(_ payload: [UInt8], opcode: UInt8 = 2, fin: Bool = true, mask: [UInt8]? = nil) -> [UInt8] {
    var out: [UInt8] = [(fin ? 0x80 : 0) | opcode]
    let maskBit: UInt8 = mask == nil ? 0 : 0x80
    if payload.count < 126 {
      out.append(maskBit | UInt8(payload.count))
    } else {
      out += [maskBit | 126] + MQTTBytes.u16(payload.count)
    }
    guard let mask else { return out + payload }
    return out + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
  }

  @Test(
    "MQTT over WebSocket: the upgrade skipped, masked frames unmasked, packets across frames and frames across packets")
  func webSocket() throws {
    var c = Conversation(brokerPort: 9001)
    let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    c.client(Array("GET /mqtt HTTP/1.1\r\nHost: b\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n".utf8))
    c.broker(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n".utf8))
    c.client(Self.frame(MQTTBytes.connect("ws", version: 5), mask: key))
    c.broker(Self.frame(MQTTBytes.connack(version: 5)))
    let big = MQTTBytes.publish("ws/big", [UInt8](repeating: 0x42, count: 300), qos: 1, id: 1, properties: [])
    // One PUBLISH in a fragmented message (binary, then a ping, then the continuation), sent in two segments.
    let fragmented =
      Self.frame(Array(big.prefix(100)), fin: false, mask: key) + Self.frame([1, 2], opcode: 9, mask: key)
      + Self.frame(Array(big.dropFirst(100)), opcode: 0, mask: key)
    c.client(Array(fragmented.prefix(150)))
    c.client(Array(fragmented.dropFirst(150)))
    // Two PUBLISHes in one frame.
    c.client(
      Self.frame(
        MQTTBytes.publish("ws/a", Array("1".utf8), properties: [])
          + MQTTBytes.publish("ws/b", Array("2".utf8), properties: []),
        mask: key))
    c.broker(Self.frame(MQTTBytes.publish("ws/down", Array("3".utf8), properties: [])))
    let frames = c.packets.map(LinkKind.ethernet.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 1))
    #expect(messages.map(\.topic) == ["ws/big", "ws/a", "ws/b"])
    #expect(messages.first?.payload == [UInt8](repeating: 0x42, count: 300))
    #expect(messages.first?.timestamp == frameTime(8))
    #expect(losses == [])
    let (down, _) = try decode(CaptureFileBytes.pcap(frames, linkType: 1), direction: .toSubscribers)
    #expect(down.map(\.text) == ["3"])
  }

  @Test("TLS connections are said once per broker and skipped; other protocols too")
  func encrypted() throws {
    var tls1 = Conversation(clientPort: 50_010, brokerPort: 8883)
    tls1.client([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])
    tls1.broker([0x16, 0x03, 0x03, 0x00, 0x02, 1, 2])
    var tls2 = Conversation(clientPort: 50_011, brokerPort: 8883)
    tls2.client([0x16, 0x03, 0x01, 0x00, 0x01, 9])
    var http = Conversation(clientPort: 50_012, brokerPort: 9001)
    http.client(Array("GET /mqtt HTTP/1.1\r\nUpgrade: websocket\r\n\r\n".utf8))
    http.broker(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8))
    var other = Conversation(clientPort: 50_013, brokerPort: 5432)
    other.client([0, 0, 0, 8, 4, 0xD2, 0x16, 0x2F])
    let frames = (tls1.packets + tls2.packets + http.packets + other.packets + simpleConversation().packets)
      .map(LinkKind.linuxCooked.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 113))
    #expect(messages.map(\.topic) == ["a/b", "a/c"])
    #expect(
      losses == [
        "2 TLS connections to 127.0.0.1:8883: encrypted, skipped",
        "1 HTTP connection to 127.0.0.1:9001, not upgraded to WebSocket: HTTP/1.1 404 Not Found: skipped from there",
        "1 connection to 127.0.0.1:5432 not speaking MQTT: skipped",
      ])
  }

  @Test("a malformed PUBLISH (its topic longer than the packet) is counted and the stream goes on")
  func malformedPublish() throws {
    var c = Conversation()
    c.client(MQTTBytes.connect("bad"))
    c.client(MQTTBytes.packet(0x30, [0, 9, 0x61]))
    c.client(MQTTBytes.publish("good", Array("ok".utf8)))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.topic) == ["good"])
    #expect(losses == ["1 malformed MQTT packet skipped"])
  }

  @Test("a connection that began before the capture is read as MQTT 5 when its PUBLISH has properties")
  func versionGuess() throws {
    var c = Conversation(handshake: false)
    c.client(MQTTBytes.publish("g", Array("v5".utf8), properties: [0x03] + MQTTBytes.string("text/plain")))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.text) == ["v5"])
    #expect(messages.first?.properties.contentType == "text/plain")
    #expect(losses.first?.hasSuffix("MQTT 5 is guessed from its packets") == true)
  }
}
