import Foundation
import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("Packet captures: the pcap and pcapng containers")
struct PcapContainerTests {
  @Test("the directions are named as on the command line")
  func directionNames() {
    #expect(PcapDirection.allCases.map(\.rawValue) == ["from-publishers", "to-subscribers"])
  }

  @Test("a pcap file written out byte by byte: one PUBLISH on a connection that began before the capture")
  func literalFile() throws {
    let bytes: [UInt8] = [
      // pcap header: magic (little-endian, microseconds), version 2.4, zone 0, accuracy 0, snap 65535, Ethernet
      0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
      // record: 1764068856 s, 123456 µs, 63 bytes captured of 63
      0xF8, 0x8D, 0x25, 0x69, 0x40, 0xE2, 0x01, 0x00, 0x3F, 0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x00,
      // Ethernet: destination, source, type IPv4
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
      // IPv4: version 4 + 5 words, total length 49, don't fragment, TTL 64, TCP, 127.0.0.1 → 127.0.0.1
      0x45, 0x00, 0x00, 0x31, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0x7F, 0x00, 0x00, 0x01,
      0x7F, 0x00, 0x00, 0x01,
      // TCP: port 50000 → 1883, seq 1, ack 0, 5 words, PSH+ACK, window, checksum, urgent
      0xC3, 0x50, 0x07, 0x5B, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x18, 0xFF, 0xFF,
      0x00, 0x00, 0x00, 0x00,
      // MQTT PUBLISH QoS 0, remaining length 7, topic "a/b", payload "hi"
      0x30, 0x07, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x68, 0x69,
    ]
    let (messages, losses) = try decode(bytes)
    #expect(
      messages == [
        CapturedMessage(
          timestamp: Timestamp(microseconds: 1_764_068_856_123_456), topic: "a/b", payload: Array("hi".utf8))
      ])
    #expect(
      losses == [
        "127.0.0.1:50000 ↔ 127.0.0.1:1883 began before the capture: the broker is taken to be 127.0.0.1:1883; "
          + "MQTT 3.1.1 is guessed from its packets"
      ])
  }

  @Test(
    "classic pcap in both byte orders, with microsecond and nanosecond times",
    arguments: [(true, false), (false, false), (true, true), (false, true)])
  func classicPcap(littleEndian: Bool, nanoseconds: Bool) throws {
    let frames = simpleConversation().packets.map(LinkKind.ethernet.frame)
    let file = CaptureFileBytes.pcap(frames, linkType: 1, littleEndian: littleEndian, nanoseconds: nanoseconds)
    let (messages, losses) = try decode(file)
    #expect(messages == simpleMessages)
    #expect(losses == [])
  }

  @Test("the modified pcap format (magic 0xa1b2cd34): 8 more bytes in every record header")
  func modifiedPcap() throws {
    let frames = simpleConversation().packets.map(LinkKind.ethernet.frame)
    var file = le32(0xA1B2_CD34) + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(1)
    for (i, frame) in frames.enumerated() {
      let t = CaptureFileBytes.time(i)
      // time, captured and original lengths, then interface index (4), protocol (2), packet type, padding
      file += le32(UInt32(t / 1_000_000)) + le32(UInt32(t % 1_000_000)) + le32(UInt32(frame.count))
      file += le32(UInt32(frame.count)) + le32(1) + be16(0x0800) + [4, 0] + frame
    }
    let (messages, losses) = try decode(file)
    #expect(messages == simpleMessages)
    #expect(losses == [])
  }

  @Test(
    "pcapng in both byte orders, with the default, nanosecond and millisecond time resolutions",
    arguments: [true, false], [nil, 9, 3] as [UInt8?])
  func pcapng(littleEndian: Bool, resolution: UInt8?) throws {
    let frames = simpleConversation().packets.map(LinkKind.linuxCooked2.frame)
    let file = CaptureFileBytes.pcapng(frames, linkType: 276, littleEndian: littleEndian, resolution: resolution)
    let (messages, losses) = try decode(file)
    #expect(messages == simpleMessages)
    #expect(losses == [])
  }

  @Test("pcapng with a binary time resolution (2^-10 s) is read to within one unit")
  func binaryResolution() throws {
    let frames = simpleConversation().packets.map(LinkKind.ethernet.frame)
    let (messages, _) = try decode(CaptureFileBytes.pcapng(frames, linkType: 1, resolution: 0x8A))
    #expect(messages.map(\.topic) == ["a/b", "a/c"])
    for (message, expected) in zip(messages, simpleMessages) {
      let difference = expected.timestamp.microseconds - message.timestamp.microseconds
      #expect(difference >= 0 && difference < 977)  // 1/1024 s
    }
  }

  @Test("pcapng simple packet blocks are read, and their missing times said")
  func simplePackets() throws {
    let frames = simpleConversation().packets.map(LinkKind.raw.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcapng(frames, linkType: 101, simple: true))
    #expect(messages.map(\.topic) == ["a/b", "a/c"])
    #expect(messages.map(\.timestamp.microseconds) == [0, 0])
    #expect(losses == ["8 pcapng simple packets carry no time: each got the time of the packet before it"])
  }

  @Test("a file cut off inside its last packet: the messages before it, and a line saying where")
  func truncatedLastPacket() throws {
    var c = simpleConversation()
    c.client(MQTTBytes.publish("a/d", Array("three".utf8)))
    let file = CaptureFileBytes.pcap(c.packets.map(LinkKind.ethernet.frame), linkType: 1)
    let cut = Array(file.dropLast(10))
    let file2 = try TemporaryFile(cut)
    let recording = try PcapRecording(path: file2.path)
    var messages: [CapturedMessage] = []
    while let message = try recording.next() { messages.append(message) }
    let losses = recording.losses
    #expect(messages == simpleMessages)
    #expect(recording.truncation == losses.first)
    // The last record starts after the 24-byte file header and 8 records of 16 header bytes plus the frame.
    let lastRecord = 24 + c.packets.dropLast().reduce(0) { $0 + 16 + 14 + $1.count }
    #expect(
      losses == [
        "\(file2.path) is cut off in the last packet at byte \(lastRecord) (the recorder stopped before writing it all): "
          + "read up to there"
      ])
  }

  @Test("a pcapng file cut off inside a block header")
  func truncatedPcapng() throws {
    let frames = simpleConversation().packets.map(LinkKind.ethernet.frame)
    let file = CaptureFileBytes.pcapng(frames, linkType: 1) + [0x06, 0x00]
    let (messages, losses) = try decode(file)
    #expect(messages == simpleMessages)
    #expect(losses.count == 1)
    #expect(losses.first?.contains(" is cut off in the last block at byte \(file.count - 2) ") == true)
  }

  @Test(
    "a file that is not a packet capture gets one sentence",
    arguments: [
      (
        Array("{\"ts\":1}\n".utf8),
        "X is not a pcap or pcapng file (it looks like JSON text); record one with `tcpdump -i any -w FILE port 1883`."
      ),
      (
        [0x1F, 0x8B, 0x08, 0x00, 0x00],
        "X is not a pcap or pcapng file (it is gzip-compressed: decompress it first); record one with "
          + "`tcpdump -i any -w FILE port 1883`."
      ),
      (
        Array("hello world".utf8),
        "X is not a pcap or pcapng file (it begins with the text \"hell\"); record one with "
          + "`tcpdump -i any -w FILE port 1883`."
      ),
      (
        [0x00, 0x01, 0xFE, 0xFF],
        "X is not a pcap or pcapng file (it begins with the bytes 0x00 0x01 0xfe 0xff); record one with "
          + "`tcpdump -i any -w FILE port 1883`."
      ),
      ([], "X is empty, not a packet capture; record one with `tcpdump -i any -w FILE port 1883`."),
      (
        [0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00],
        "X is damaged at byte 6 (the file header is cut off); the packets before it were read."
      ),
    ] as [([UInt8], String)])
  func foreignFile(bytes: [UInt8], sentence: String) throws {
    let file = try TemporaryFile(bytes)
    do {
      _ = try PcapRecording(path: file.path)
      Issue.record("opened a file that is not a packet capture")
    } catch let error as PcapError {
      #expect(error.description == sentence.replacingOccurrences(of: "X ", with: "\(file.path) "))
    }
  }

  @Test("a missing file is CaptureError.cannotOpen, as for every input")
  func missingFile() {
    #expect(throws: CaptureError.cannotOpen(path: "/nonexistent/x.pcap", errno: ENOENT)) {
      try PcapRecording(path: "/nonexistent/x.pcap")
    }
  }

  @Test("a packet record claiming more bytes than any packet has is damage, said with its byte")
  func impossibleRecord() throws {
    let frames = simpleConversation().packets.map(LinkKind.ethernet.frame)
    var file = CaptureFileBytes.pcap(frames, linkType: 1)
    file += le32(0) + le32(0) + le32(0x7FFF_FFFF) + le32(0x7FFF_FFFF)
    let temporary = try TemporaryFile(file)
    let recording = try PcapRecording(path: temporary.path)
    #expect(try recording.next()?.topic == "a/b")
    #expect(try recording.next()?.topic == "a/c")
    #expect(
      throws: PcapError.damaged(
        path: temporary.path, offset: file.count - 16,
        reason: "a packet record claims 2147483647 bytes, more than any packet has")
    ) { try recording.next() }
  }
}

@Suite("Packet captures: damaged files")
struct PcapDamageTests {
  @Test("randomly damaged pcap and pcapng files end in messages, losses or one sentence — never a crash")
  func randomDamage() throws {
    var c = simpleConversation()
    c.client(MQTTBytes.publish("v5", Array("x".utf8), qos: 1, id: 2, properties: PcapMQTTTests.allProperties))
    c.client(Array("GET / HTTP/1.1\r\n\r\n".utf8) + [0x82, 0x7E, 0xFF, 0xFF])
    let frames = c.packets.map(LinkKind.ethernet.frame)
    let files = [CaptureFileBytes.pcap(frames, linkType: 1), CaptureFileBytes.pcapng(frames, linkType: 1)]
    var random = SplitMix64(state: 13)  // the same damage every run
    var outcomes = [0, 0]
    for round in 0..<400 {
      var bytes = files[round % 2]
      for _ in 0..<Int.random(in: 1...8, using: &random) {
        let at = Int.random(in: 0..<bytes.count, using: &random)
        bytes[at] = UInt8.random(in: 0...255, using: &random)
      }
      do {
        _ = try decode(bytes)
        outcomes[0] += 1
      } catch is PcapError {
        outcomes[1] += 1
      }
    }
    #expect(outcomes[0] > 0 && outcomes[1] > 0)
  }
}
