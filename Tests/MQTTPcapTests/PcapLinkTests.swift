import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("Packet captures: link layers, IPv4 and IPv6")
struct PcapLinkTests {
  @Test(
    "each link type carries the same conversation over IPv4 and IPv6",
    arguments: LinkKind.allCases, [false, true])
  func linkTypes(link: LinkKind, ipv6: Bool) throws {
    let frames = simpleConversation(ipv6: ipv6).packets.map(link.frame)
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: link.linkType))
    #expect(messages == simpleMessages)
    #expect(losses == [])
  }

  @Test("BSD loopback written big-endian (the family 0x00000002) reads too")
  func bigEndianNull() throws {
    let frames = simpleConversation().packets.map { [0, 0, 0, 2] + $0 }
    let (messages, _) = try decode(CaptureFileBytes.pcap(frames, linkType: 0))
    #expect(messages == simpleMessages)
  }

  @Test("IPv6 addresses in loss lines are written as RFC 5952 says")
  func ipv6Text() {
    #expect(Endpoint.ipv6([UInt8](repeating: 0, count: 15) + [1]) == "::1")
    #expect(Endpoint.ipv6([0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]) == "2001:db8::1")
    #expect(
      Endpoint.ipv6([0xFE, 0x80] + [UInt8](repeating: 0, count: 6) + [0, 1, 0, 0, 0, 0, 0, 2]) == "fe80::1:0:0:2")
  }

  @Test("frames of an unknown link type, IP fragments and other protocols are counted, not decoded")
  func otherFrames() throws {
    var frames = simpleConversation().packets.map(LinkKind.raw.frame)
    // A UDP packet: not TCP, nothing to say.
    frames.append(
      [0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1] + [UInt8](repeating: 0, count: 8))
    // A first fragment (more fragments set) of a TCP packet.
    frames.append(
      [0x45, 0, 0, 40, 0, 0, 0x20, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1] + [UInt8](repeating: 0, count: 20))
    // An IPv4 header claiming 24 header words.
    frames.append([0x4F, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1])
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 101))
    #expect(messages == simpleMessages)
    #expect(
      losses == [
        "1 fragment of IP packets: not reassembled, skipped", "1 packet with damaged IP or TCP headers: skipped",
      ])
    let (none, unknown) = try decode(CaptureFileBytes.pcap(frames, linkType: 147))
    #expect(none == [])
    #expect(unknown == ["11 packets of link type 147, which this reader does not know: skipped"])
  }

  @Test("a snap length that cut a PUBLISH short loses that message, said, and the stream goes on")
  func snapLength() throws {
    var c = simpleConversation()
    c.client(MQTTBytes.publish("a/e", [UInt8](repeating: 0x41, count: 100)))
    c.client(MQTTBytes.publish("a/f", Array("after".utf8)))
    var frames = c.packets.map(LinkKind.ethernet.frame)
    frames[8] = Array(frames[8].prefix(14 + 40 + 30))  // 30 of the PUBLISH's 107 bytes
    let (messages, losses) = try decode(CaptureFileBytes.pcap(frames, linkType: 1))
    #expect(messages.map(\.topic) == ["a/b", "a/c", "a/f"])
    // The 30 bytes captured are of no use without the rest: the whole packet is lost.
    #expect(losses == ["127.0.0.1:50000 → 127.0.0.1:1883: 107 bytes not in the capture"])
  }
}
