import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("Packet captures: TCP reassembly")
struct PcapReassemblyTests {
  @Test("a PUBLISH split over one-byte segments, and many packets in one segment")
  func splitAndJoined() throws {
    var c = Conversation()
    c.client(MQTTBytes.connect("pub"))
    c.broker(MQTTBytes.connack())
    for byte in MQTTBytes.publish("split", Array("across segments".utf8)) { c.client([byte]) }
    c.client((1...50).flatMap { MQTTBytes.publish("many/\($0)", Array("\($0)".utf8)) })
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.first?.text == "across segments")
    // The split PUBLISH is complete with its last byte: frame 5 + its length - 1.
    let splitLength = MQTTBytes.publish("split", Array("across segments".utf8)).count
    #expect(messages.first?.timestamp == frameTime(5 + splitLength - 1))
    #expect(messages.dropFirst().map(\.topic) == (1...50).map { "many/\($0)" })
    #expect(Set(messages.dropFirst().map(\.timestamp)) == [frameTime(5 + splitLength)])
    #expect(losses == [])
  }

  @Test("a connection whose first bytes come one a segment: CONNECT, and a TLS hello")
  func openingByteByByte() throws {
    var c = Conversation()
    for byte in MQTTBytes.connect("slow") { c.client([byte]) }
    c.broker(MQTTBytes.connack())
    c.client(MQTTBytes.publish("slow", Array("ok".utf8)))
    var tls = Conversation(clientPort: 50_001, brokerPort: 8883)
    for byte in [0x16, 0x03, 0x01, 0x00, 0x01, 0x01] as [UInt8] { tls.client([byte]) }
    let frames = (c.packets + tls.packets).map(LinkKind.raw.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 101))
    #expect(messages.map(\.topic) == ["slow"])
    #expect(losses == ["1 TLS connection to 127.0.0.1:8883: encrypted, skipped"])
  }

  @Test("segments out of order are put back in order; retransmissions and overlaps are dropped")
  func reordering() throws {
    var c = Conversation()
    c.client(MQTTBytes.connect("pub"))
    let first = MQTTBytes.publish("t/1", Array("1".utf8))
    let second = MQTTBytes.publish("t/2", Array("2".utf8))
    let third = MQTTBytes.publish("t/3", Array("3".utf8))
    let seq = c.clientSeq
    // The third arrives first, then the second, the first; then all three again, and an overlapping run.
    let order: [(UInt32, [UInt8])] = [
      (seq + UInt32(first.count + second.count), third), (seq + UInt32(first.count), second), (seq, first),
      (seq, first + second + third), (seq + 2, Array((first + second).dropFirst(2))),
    ]
    for (s, bytes) in order { c.packets.append(c.segment(fromClient: true, seq: s, bytes)) }
    c.clientSeq += UInt32(first.count + second.count + third.count)
    c.client(MQTTBytes.publish("t/4", Array("4".utf8)))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.topic) == ["t/1", "t/2", "t/3", "t/4"])
    #expect(messages.map(\.timestamp) == [frameTime(6), frameTime(6), frameTime(6), frameTime(9)])
    #expect(losses == [])
  }

  @Test("bytes the recorder missed (the broker acknowledged them): a gap, said, and decoding goes on after it")
  func gapByAcknowledgement() throws {
    var c = simpleConversation()
    let lost = MQTTBytes.publish("lost", Array("x".utf8))
    c.clientSeq += UInt32(lost.count)  // sent, never captured
    c.broker(MQTTBytes.pingresp)  // acknowledges everything, the lost bytes too
    c.client(MQTTBytes.publish("after", Array("y".utf8)))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.topic) == ["a/b", "a/c", "after"])
    #expect(losses == ["127.0.0.1:50000 → 127.0.0.1:1883: \(lost.count) bytes not in the capture"])
  }

  @Test("a gap the capture ends in: segments held after it are decoded once the capture ends")
  func gapAtEnd() throws {
    var c = simpleConversation()
    let lost = MQTTBytes.publish("lost", Array("x".utf8))
    c.clientSeq += UInt32(lost.count)
    c.client(MQTTBytes.publish("later", Array("y".utf8)))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.topic) == ["a/b", "a/c", "later"])
    #expect(messages.last?.timestamp == frameTime(8))
    #expect(losses == ["127.0.0.1:50000 → 127.0.0.1:1883: \(lost.count) bytes not in the capture"])
  }

  @Test("a connection that began before the capture, mid-packet: found again at the next packet")
  func beganBeforeCapture() throws {
    var c = Conversation(handshake: false)
    let tail = Array(MQTTBytes.publish("cut", Array("off".utf8)).suffix(4))
    c.client(tail + MQTTBytes.publish("s/1", Array("one".utf8)))
    c.client(MQTTBytes.publish("s/2", Array("two".utf8), qos: 1, id: 7))
    c.broker(MQTTBytes.puback(7))
    let (messages, losses) = try decode(CaptureFileBytes.pcap(c.packets.map(LinkKind.raw.frame), linkType: 101))
    #expect(messages.map(\.topic) == ["s/1", "s/2"])
    #expect(
      losses == [
        "127.0.0.1:50000 ↔ 127.0.0.1:1883 began before the capture: the broker is taken to be 127.0.0.1:1883; "
          + "MQTT 3.1.1 is guessed from its packets",
        "127.0.0.1:50000 → 127.0.0.1:1883: 4 bytes skipped to find the next packet",
      ])
  }

  @Test("a packet time that runs backwards (several CPUs recording) is kept as it is: Conversion raises it")
  func timesRunningBackwards() throws {
    let frames = simpleConversation().packets.map(LinkKind.raw.frame)
    var file = CaptureFileBytes.pcap(frames, linkType: 101)
    // The second PUBLISH's record (frame 6): its seconds set to 1 s before the first PUBLISH's (frame 5).
    let recordStart = 24 + frames.prefix(6).reduce(0) { $0 + 16 + $1.count }
    let earlier = CaptureFileBytes.time(5) / 1_000_000 - 1
    file.replaceSubrange(recordStart..<(recordStart + 4), with: le32(UInt32(earlier)))
    let (messages, losses) = try decode(file)
    #expect(messages.map(\.topic) == ["a/b", "a/c"])
    let time6 = Timestamp(microseconds: earlier * 1_000_000 + CaptureFileBytes.time(6) % 1_000_000)
    #expect(messages.map(\.timestamp) == [frameTime(5), time6])
    #expect(losses == [])
  }

  @Test("a new connection on the same ports after an unseen end starts afresh")
  func portReuse() throws {
    let c = simpleConversation()
    // The same ports and the same initial sequence number: only the SYN says it is another connection.
    var again = Conversation()
    again.client(MQTTBytes.connect("pub"))
    again.client(MQTTBytes.publish("again", Array("3".utf8)))
    let frames = (c.packets + again.packets).map(LinkKind.raw.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 101))
    #expect(messages.map(\.topic) == ["a/b", "a/c", "again"])
    #expect(losses == [])
  }
}
