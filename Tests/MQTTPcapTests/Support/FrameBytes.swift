// IPv4/IPv6 + TCP frames and pcap/pcapng files as bytes, from RFC 791, RFC 8200, RFC 9293, the pcap and
// pcapng specifications (draft-ietf-opsawg-pcap, -pcapng) and the LINKTYPE_ list of tcpdump.org.
// Checksums stay zero: readers of captures do not check them (offloading leaves them wrong anyway).

import Foundation

enum LinkKind: CaseIterable {
  case ethernet, vlan, linuxCooked, linuxCooked2, raw, null

  var linkType: UInt32 {
    switch self {
    case .ethernet, .vlan: return 1
    case .linuxCooked: return 113
    case .linuxCooked2: return 276
    case .raw: return 101
    case .null: return 0
    }
  }

  /// `ip` (an IPv4 or IPv6 packet) inside this link's header.
  func frame(_ ip: [UInt8]) -> [UInt8] {
    let v6 = ip[0] >> 4 == 6
    let etherType: [UInt8] = v6 ? [0x86, 0xDD] : [0x08, 0x00]
    switch self {
    case .ethernet:
      return [UInt8](repeating: 0, count: 12) + etherType + ip
    case .vlan:
      return [UInt8](repeating: 0, count: 12) + [0x81, 0x00, 0x00, 0x2A] + etherType + ip
    case .linuxCooked:
      // packet type, ARPHRD (772 loopback), address length, 8 address bytes, protocol
      return [0, 0, 0x03, 0x04, 0, 6] + [UInt8](repeating: 0, count: 8) + etherType + ip
    case .linuxCooked2:
      // protocol, reserved, interface index, ARPHRD, packet type, address length, 8 address bytes
      return etherType + [0, 0] + [0, 0, 0, 1] + [0x03, 0x04, 0, 6] + [UInt8](repeating: 0, count: 8) + ip
    case .raw:
      return ip
    case .null:
      // The address family in the recording host's (here little-endian) byte order: 2 IPv4, 30 IPv6 (macOS).
      return (v6 ? [30, 0, 0, 0] : [2, 0, 0, 0]) + ip
    }
  }
}

struct TCPFlags: OptionSet {
  let rawValue: UInt8
  static let fin = TCPFlags(rawValue: 0x01)
  static let syn = TCPFlags(rawValue: 0x02)
  static let rst = TCPFlags(rawValue: 0x04)
  static let psh = TCPFlags(rawValue: 0x08)
  static let ack = TCPFlags(rawValue: 0x10)
}

func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
func be32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(v >> $0 & 0xFF) } }
func le16(_ v: Int) -> [UInt8] { be16(v).reversed() }
func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }

/// An IP packet holding one TCP segment (a 20-byte TCP header, no options).
func tcpPacket(
  from source: [UInt8], _ sourcePort: Int, to destination: [UInt8], _ destinationPort: Int, seq: UInt32,
  ack: UInt32, flags: TCPFlags, payload: [UInt8]
) -> [UInt8] {
  let tcp =
    be16(sourcePort) + be16(destinationPort) + be32(seq) + be32(ack) + [0x50, flags.rawValue] + be16(65535)
    + [0, 0, 0, 0] + payload
  if source.count == 16 {
    return [0x60, 0, 0, 0] + be16(tcp.count) + [6, 64] + source + destination + tcp
  }
  return [0x45, 0] + be16(20 + tcp.count) + [0, 0, 0x40, 0, 64, 6, 0, 0] + source + destination + tcp
}

/// One TCP connection's frames, sequence numbers kept: `client(…)`/`broker(…)` send bytes one way.
struct Conversation {
  var client: (address: [UInt8], port: Int) = ([127, 0, 0, 1], 50_000)
  var broker: (address: [UInt8], port: Int) = ([127, 0, 0, 1], 1883)
  var clientSeq: UInt32 = 1000
  var brokerSeq: UInt32 = 9000
  /// Each frame's IP packet.
  var packets: [[UInt8]] = []

  init(clientPort: Int = 50_000, brokerPort: Int = 1883, ipv6: Bool = false, handshake: Bool = true) {
    client.port = clientPort
    broker.port = brokerPort
    if ipv6 {
      client.address = [UInt8](repeating: 0, count: 15) + [1]
      broker.address = client.address
    }
    if handshake {
      packets.append(segment(fromClient: true, seq: clientSeq, flags: [.syn], ack: 0, []))
      packets.append(segment(fromClient: false, seq: brokerSeq, flags: [.syn, .ack], ack: clientSeq + 1, []))
      clientSeq += 1
      brokerSeq += 1
      packets.append(segment(fromClient: true, seq: clientSeq, flags: [.ack], ack: brokerSeq, []))
    }
  }

  func segment(fromClient: Bool, seq: UInt32, flags: TCPFlags = [.ack, .psh], ack: UInt32? = nil, _ payload: [UInt8])
    -> [UInt8]
  {
    let (from, to) = fromClient ? (client, broker) : (broker, client)
    return tcpPacket(
      from: from.address, from.port, to: to.address, to.port, seq: seq,
      ack: ack ?? (fromClient ? brokerSeq : clientSeq), flags: flags, payload: payload)
  }

  /// The client sends `bytes` in one segment.
  mutating func client(_ bytes: [UInt8]) {
    packets.append(segment(fromClient: true, seq: clientSeq, bytes))
    clientSeq += UInt32(bytes.count)
  }

  /// The broker sends `bytes` in one segment.
  mutating func broker(_ bytes: [UInt8]) {
    packets.append(segment(fromClient: false, seq: brokerSeq, bytes))
    brokerSeq += UInt32(bytes.count)
  }
}

/// pcap and pcapng files around frames, one frame a millisecond from `start`.
enum CaptureFileBytes {
  static let start: Int64 = 1_764_068_856_000_000  // 2025-11-25T11:07:36Z, in microseconds

  static func time(_ index: Int) -> Int64 { start + Int64(index) * 1000 }

  /// `cut` maps a frame's index to how many of its bytes were captured (a snap length): the record says the
  /// rest was on the wire.
  static func pcap(
    _ frames: [[UInt8]], linkType: UInt32, littleEndian: Bool = true, nanoseconds: Bool = false, cut: [Int: Int] = [:]
  ) -> [UInt8] {
    let w32 = littleEndian ? le32 : be32
    let w16 = littleEndian ? le16 : be16
    var out =
      w32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4) + w16(2) + w16(4) + w32(0) + w32(0) + w32(262_144)
      + w32(linkType)
    for (i, frame) in frames.enumerated() {
      let t = time(i)
      let fraction = nanoseconds ? UInt32(t % 1_000_000) * 1000 : UInt32(t % 1_000_000)
      let kept = Array(frame.prefix(cut[i] ?? frame.count))
      out += w32(UInt32(t / 1_000_000)) + w32(fraction) + w32(UInt32(kept.count)) + w32(UInt32(frame.count)) + kept
    }
    return out
  }

  /// A pcapng block: type, total length, body (padded to 4), total length.
  static func block(_ type: UInt32, _ body: [UInt8], littleEndian: Bool) -> [UInt8] {
    let w32 = littleEndian ? le32 : be32
    let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
    let length = UInt32(12 + padded.count)
    return w32(type) + w32(length) + padded + w32(length)
  }

  /// A section header, one interface (with `if_tsresol` when `resolution` is given), an Enhanced Packet
  /// Block per frame (or Simple Packet Blocks when `simple`).
  static func pcapng(
    _ frames: [[UInt8]], linkType: UInt32, littleEndian: Bool = true, resolution: UInt8? = nil, simple: Bool = false
  ) -> [UInt8] {
    let w32 = littleEndian ? le32 : be32
    let w16 = littleEndian ? le16 : be16
    var out = block(
      0x0A0D_0D0A, w32(0x1A2B_3C4D) + w16(1) + w16(0) + [UInt8](repeating: 0xFF, count: 8), littleEndian: littleEndian)
    var options: [UInt8] = []
    if let resolution { options = w16(9) + w16(1) + [resolution, 0, 0, 0] + w16(0) + w16(0) }
    out += block(1, w16(Int(linkType)) + w16(0) + w32(0) + options, littleEndian: littleEndian)
    // Units per second of the resolution: 10^n, or 2^n when the top bit is set.
    let units: UInt64 =
      resolution.map { r in r & 0x80 == 0 ? (0..<Int(r)).reduce(1) { a, _ in a * 10 } : 1 << UInt64(r & 0x7F) }
      ?? 1_000_000
    for (i, frame) in frames.enumerated() {
      if simple {
        out += block(3, w32(UInt32(frame.count)) + frame, littleEndian: littleEndian)
        continue
      }
      let micros = UInt64(time(i))
      let stamp = micros / 1_000_000 * units + (micros % 1_000_000) * units / 1_000_000
      out += block(
        6,
        w32(0) + w32(UInt32(stamp >> 32)) + w32(UInt32(stamp & 0xFFFF_FFFF)) + w32(UInt32(frame.count))
          + w32(UInt32(frame.count)) + frame, littleEndian: littleEndian)
    }
    return out
  }
}

/// A file in a fresh temporary directory, removed with it.
final class TemporaryFile {
  let directory: URL
  let path: String

  init(_ bytes: [UInt8], name: String = "test.pcap") throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-pcap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    path = directory.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  deinit { try? FileManager.default.removeItem(at: directory) }
}
