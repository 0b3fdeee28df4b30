import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("finding packets again after a gap")
struct PcapResyncTests {
  /// A subscriber's connection: CONNECT, SUBSCRIBE, then the broker delivers `post/1`, a 2,000-byte payload of
  /// C0 00 (a PINGREQ's bytes) in five segments that a snap length of 48 cut to 8 bytes each, then `post/2`.
  func deliveryAfterCutPayload() -> (frames: [[UInt8]], cut: [Int: Int]) {
    var c = Conversation()
    c.client(MQTTBytes.connect("sub"))
    c.broker(MQTTBytes.connack())
    c.client(MQTTBytes.subscribe("post/#"))
    c.broker(MQTTBytes.packet(0x90, MQTTBytes.u16(1) + [0]))
    c.broker(MQTTBytes.publish("post/1", Array("one".utf8)))
    let big = MQTTBytes.publish("post/big", Array([[UInt8]](repeating: [0xC0, 0x00], count: 1000).joined()))
    #expect(big.count == 2013)
    var cut: [Int: Int] = [:]
    for start in stride(from: 0, to: big.count, by: 500) {
      cut[c.packets.count] = 40 + 8  // IPv4 and TCP headers, 8 bytes of payload
      c.broker(Array(big[start..<min(big.count, start + 500)]))
    }
    c.broker(MQTTBytes.publish("post/2", Array("two".utf8)))
    return (c.packets, cut)
  }

  @Test("payload bytes that read as a PINGREQ after a gap do not make the broker the client")
  func roleKeptAfterGap() throws {
    let (frames, cut) = deliveryAfterCutPayload()
    let file = CaptureFileBytes.pcap(frames, linkType: 101, cut: cut)
    let (delivered, losses) = try decode(file, direction: .toSubscribers)
    #expect(delivered.map(\.topic) == ["post/1", "post/2"])
    #expect(delivered.map(\.text) == ["one", "two"])
    // Each cut segment after the first begins at an odd offset of the payload: 00 C0 00 C0 00 C0 00 C0; its
    // 00 and three C0 00 are skipped, the last C0 waits for a next byte that is lost with the segment's rest.
    #expect(
      losses == [
        "5 packets were cut by the recorder's snap length (-s 48): their bytes past it are lost; "
          + "record with the default snap length (no -s)",
        "127.0.0.1:1883 → 127.0.0.1:50000: 1,985 bytes not in the capture, 28 bytes skipped to find the next packet",
      ])
    let (published, _) = try decode(file, direction: .fromPublishers)
    #expect(published == [])
  }

  @Test("a capture whose every packet the snap length cut short of its TCP header: said, and cut off")
  func snapLengthCutEverything() throws {
    let frames = simpleConversation().packets.map(LinkKind.ethernet.frame)
    let cut = Dictionary(uniqueKeysWithValues: frames.indices.map { ($0, 50) })
    let file = try TemporaryFile(CaptureFileBytes.pcap(frames, linkType: 1, cut: cut))
    let recording = try PcapRecording(path: file.path)
    #expect(try recording.next() == nil)
    let line =
      "8 packets were cut by the recorder's snap length (-s 50): their bytes past it are lost; "
      + "record with the default snap length (no -s)"
    #expect(recording.losses == [line])
    #expect(recording.truncation == line)
  }

  @Test("a snap length that cut some packets while messages were read is said, not a cut-off file")
  func snapLengthCutSome() throws {
    var c = simpleConversation()
    c.client(MQTTBytes.publish("a/e", [UInt8](repeating: 0x41, count: 100)))
    let file = try TemporaryFile(
      CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101, cut: [8: 40 + 30]))
    let recording = try PcapRecording(path: file.path)
    var topics: [String] = []
    while let message = try recording.next() { topics.append(message.topic) }
    #expect(topics == ["a/b", "a/c"])
    #expect(
      recording.losses == [
        "1 packet was cut by the recorder's snap length (-s 70): its bytes past it are lost; "
          + "record with the default snap length (no -s)",
        "127.0.0.1:50000 → 127.0.0.1:1883: 107 bytes not in the capture",
      ])
    #expect(recording.truncation == nil)
  }

  @Test(
    "a connection older than the capture: packets that agree make the broker known, one contrary packet does not turn it"
  )
  func roleKnownByAgreeingPackets() throws {
    var c = Conversation(handshake: false)
    c.client(MQTTBytes.pingreq)
    c.broker(MQTTBytes.pingresp)
    c.client(MQTTBytes.subscribe("d/#"))
    c.broker(MQTTBytes.pingreq)  // what a broker never sends: taken for a PINGREQ, but no longer believed
    c.broker(MQTTBytes.publish("d/1", Array("one".utf8)))
    let file = CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101)
    let (delivered, losses) = try decode(file, direction: .toSubscribers)
    #expect(delivered.map(\.topic) == ["d/1"])
    #expect(
      losses == [
        "127.0.0.1:50000 ↔ 127.0.0.1:1883 began before the capture: MQTT 3.1.1 is guessed from its packets"
      ])
    let (published, _) = try decode(file, direction: .fromPublishers)
    #expect(published == [])
  }
}
