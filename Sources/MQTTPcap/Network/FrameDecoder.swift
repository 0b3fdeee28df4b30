/// Takes a frame apart down to its TCP segment: the link layers `tcpdump` and Wireshark write on Linux,
/// macOS and the BSDs, then IPv4 or IPv6, then TCP.
enum FrameDecoder {
  /// The link types understood (LINKTYPE_ values of the pcap and pcapng specifications).
  enum Link {
    static let null: UInt32 = 0  // BSD loopback: a 4-byte address family in the recorder's byte order
    static let ethernet: UInt32 = 1
    static let raw: UInt32 = 101  // IPv4 or IPv6, by the version nibble
    static let rawOpenBSD: UInt32 = 14
    static let loop: UInt32 = 108  // OpenBSD loopback: the family in network byte order
    static let linuxCooked: UInt32 = 113  // `tcpdump -i any` before libpcap 1.10
    static let ipv4: UInt32 = 228
    static let ipv6: UInt32 = 229
    static let linuxCooked2: UInt32 = 276  // `tcpdump -i any` since libpcap 1.10
  }

  static func decode(_ packet: LinkPacket) -> DecodedFrame {
    let data = packet.data
    switch packet.linkType {
    case Link.ethernet:
      var offset = data.startIndex + 12
      guard data.endIndex >= offset + 2 else { return .malformed }
      var type = UInt16(data[offset]) << 8 | UInt16(data[offset + 1])
      offset += 2
      // 802.1Q and 802.1ad (QinQ) tags: 2 bytes of tag, then the next type.
      while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
        guard data.endIndex >= offset + 4 else { return .malformed }
        type = UInt16(data[offset + 2]) << 8 | UInt16(data[offset + 3])
        offset += 4
      }
      return ip(type: type, data[offset...], packet)
    case Link.linuxCooked:
      guard data.count >= 16 else { return .malformed }
      let s = data.startIndex
      return ip(type: UInt16(data[s + 14]) << 8 | UInt16(data[s + 15]), data.dropFirst(16), packet)
    case Link.linuxCooked2:
      guard data.count >= 20 else { return .malformed }
      let s = data.startIndex
      return ip(type: UInt16(data[s]) << 8 | UInt16(data[s + 1]), data.dropFirst(20), packet)
    case Link.raw, Link.rawOpenBSD:
      guard let first = data.first else { return .malformed }
      return ip(type: first >> 4 == 6 ? 0x86DD : 0x0800, data, packet)
    case Link.ipv4:
      return ip(type: 0x0800, data, packet)
    case Link.ipv6:
      return ip(type: 0x86DD, data, packet)
    case Link.null, Link.loop:
      guard data.count >= 4 else { return .malformed }
      let bytes = Array(data.prefix(4))
      // The family is 2 for IPv4 everywhere; IPv6 is 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS).
      // Read it in whichever byte order gives a small number.
      let family = bytes[0] == 0 && bytes[1] == 0 ? Int(bytes[3]) : Int(bytes[0])
      let type: UInt16 = family == 2 ? 0x0800 : [10, 24, 28, 30].contains(family) ? 0x86DD : 0
      return ip(type: type, data.dropFirst(4), packet)
    default:
      return .unknownLink(packet.linkType)
    }
  }

  // MARK: - IP

  private static func ip(type: UInt16, _ data: ArraySlice<UInt8>, _ packet: LinkPacket) -> DecodedFrame {
    switch type {
    case 0x0800: return ipv4(data, packet)
    case 0x86DD: return ipv6(data, packet)
    default: return .other
    }
  }

  private static func ipv4(_ data: ArraySlice<UInt8>, _ packet: LinkPacket) -> DecodedFrame {
    guard data.count >= 20, let first = data.first, first >> 4 == 4 else { return .malformed }
    let s = data.startIndex
    let headerLength = Int(first & 0x0F) * 4
    let totalLength = Int(data[s + 2]) << 8 | Int(data[s + 3])
    guard headerLength >= 20, totalLength >= headerLength, data.count >= headerLength else { return .malformed }
    guard data[s + 9] == 6 else { return .other }
    let fragmentField = UInt16(data[s + 6]) << 8 | UInt16(data[s + 7])
    if fragmentField & 0x3FFF != 0 { return .fragment }  // more fragments, or an offset
    let source = Array(data[(s + 12)..<(s + 16)])
    let destination = Array(data[(s + 16)..<(s + 20)])
    // Offloading (TSO) may record a total length of 0: then the frame's own bytes are the packet.
    let end = totalLength == 0 ? data.count : totalLength
    return tcp(data.dropFirst(headerLength), claimed: end - headerLength, source, destination)
  }

  private static func ipv6(_ data: ArraySlice<UInt8>, _ packet: LinkPacket) -> DecodedFrame {
    guard data.count >= 40, let first = data.first, first >> 4 == 6 else { return .malformed }
    let s = data.startIndex
    var claimed = Int(data[s + 4]) << 8 | Int(data[s + 5])
    var next = data[s + 6]
    let source = Array(data[(s + 8)..<(s + 24)])
    let destination = Array(data[(s + 24)..<(s + 40)])
    var rest = data.dropFirst(40)
    // Extension headers: hop-by-hop, routing, destination options; a fragment header ends the walk.
    while next != 6 {
      switch next {
      case 0, 43, 60:
        guard rest.count >= 2 else { return .malformed }
        let length = (Int(rest[rest.startIndex + 1]) + 1) * 8
        guard rest.count >= length else { return .malformed }
        next = rest[rest.startIndex]
        rest = rest.dropFirst(length)
        claimed -= length
      case 44:
        return .fragment
      default:
        return .other
      }
    }
    return tcp(rest, claimed: claimed, source, destination)
  }

  // MARK: - TCP

  private static func tcp(_ data: ArraySlice<UInt8>, claimed: Int, _ source: [UInt8], _ destination: [UInt8])
    -> DecodedFrame
  {
    var cursor = ByteCursor(data)
    guard let sourcePort = cursor.u16(), let destinationPort = cursor.u16(), let sequence = cursor.u32(),
      let acknowledgement = cursor.u32(), let offsetByte = cursor.u8(), let flags = cursor.u8()
    else { return .malformed }
    let headerLength = Int(offsetByte >> 4) * 4
    guard headerLength >= 20, data.count >= headerLength, claimed >= headerLength else { return .malformed }
    let payloadLength = claimed - headerLength
    let payload = data.dropFirst(headerLength).prefix(payloadLength)
    return .segment(
      TCPSegment(
        source: Endpoint(address: source, port: sourcePort),
        destination: Endpoint(address: destination, port: destinationPort),
        sequence: sequence, acknowledgement: flags & 0x10 != 0 ? acknowledgement : nil,
        syn: flags & 0x02 != 0, fin: flags & 0x01 != 0, reset: flags & 0x04 != 0,
        payload: payload, missing: payloadLength - payload.count))
  }
}
