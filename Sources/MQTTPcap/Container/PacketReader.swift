import MQTTCapture

/// Reads the frames of a pcap or pcapng file one at a time, whichever byte order it was written in.
///
/// A small reader of our own rather than libpcap: no C library to install or link, a sentence of ours for
/// every damaged or foreign file (libpcap's are terse and name no byte), and the file streams through
/// in chunks whatever its size.
final class PacketReader {
  let file: PacketFile
  var format: Format
  /// The time of the last timed packet, for the untimed ones after it.
  var lastTime = Timestamp(microseconds: 0)
  /// Set when the file ends inside a packet or block (a recorder stopped hard): what was not read.
  var truncation: String?
  /// pcapng Simple Packet Blocks carry no time: they get the time of the packet before them.
  var untimedPackets = 0

  enum Format {
    /// Classic pcap: the byte order, nanosecond or microsecond times, the one link type, and the extra
    /// record bytes of Alexey Kuznetzov's modified format.
    case pcap(littleEndian: Bool, nanoseconds: Bool, linkType: UInt32, extraRecordBytes: Int)
    /// pcapng: read block by block; `Section` keeps the byte order and the interfaces seen so far.
    case pcapng(Section)
  }

  /// Opens `path` and reads its file header.
  /// - Throws: `CaptureError` when it cannot be read, `PcapError` when it is empty or not a packet capture.
  init(path: String) throws {
    file = try PacketFile(path: path)
    let magic = Array(try file.read(4))
    if magic.isEmpty { throw PcapError.empty(path: path) }
    switch magic {
    case [0x0A, 0x0D, 0x0D, 0x0A]:
      format = .pcapng(Section(littleEndian: true))
      try readSectionHeader(blockStart: 0)
      return
    case [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D],
      [0x34, 0xCD, 0xB2, 0xA1], [0xA1, 0xB2, 0xCD, 0x34]:
      let littleEndian = magic[3] == 0xA1
      let header = try file.read(20)
      guard header.count == 20 else {
        throw PcapError.damaged(path: path, offset: 4 + header.count, reason: "the file header is cut off")
      }
      var cursor = ByteCursor(header, littleEndian: littleEndian)
      _ = cursor.skip(16)  // version, time zone, accuracy, snap length
      // The upper bits of the link type field may say whether frames end in a checksum (FCS).
      let linkType = cursor.u32()! & 0x0FFF_FFFF
      let second = littleEndian ? magic[1] : magic[2]
      format = .pcap(
        littleEndian: littleEndian, nanoseconds: second == 0x3C, linkType: linkType,
        extraRecordBytes: second == 0xCD ? 8 : 0)
    default:
      throw PcapError.notAPacketCapture(path: path, found: Self.describe(magic))
    }
  }

  /// The next frame, or nil at the end of the file (or where it is cut off: see `truncation`).
  /// - Throws: `PcapError.damaged` when a header is impossible, `CaptureError.readFailed` on a read error.
  func next() throws -> LinkPacket? {
    switch format {
    case .pcap(let littleEndian, let nanoseconds, let linkType, let extra):
      return try nextRecord(littleEndian: littleEndian, nanoseconds: nanoseconds, linkType: linkType, extra: extra)
    case .pcapng:
      return try nextBlockPacket()
    }
  }

  // MARK: - Classic pcap

  private func nextRecord(littleEndian: Bool, nanoseconds: Bool, linkType: UInt32, extra: Int) throws -> LinkPacket? {
    let start = file.offset
    let header = try file.read(16 + extra)
    if header.isEmpty { return nil }
    guard header.count == 16 + extra else {
      return cutOff(at: start, "the last packet's header")
    }
    var cursor = ByteCursor(header, littleEndian: littleEndian)
    let seconds = Int64(cursor.u32()!)
    let fraction = Int64(cursor.u32()!)
    let captured = Int(cursor.u32()!)
    let original = Int(cursor.u32()!)
    guard captured <= Self.largestPacket else {
      throw PcapError.damaged(
        path: file.path, offset: start, reason: "a packet record claims \(captured) bytes, more than any packet has")
    }
    guard fraction < (nanoseconds ? 1_000_000_000 : 1_000_000) else {
      throw PcapError.damaged(path: file.path, offset: start, reason: "a packet's time has \(fraction) sub-seconds")
    }
    let data = try file.read(captured)
    guard data.count == captured else { return cutOff(at: start, "the last packet") }
    let micros = seconds * 1_000_000 + (nanoseconds ? fraction / 1000 : fraction)
    return LinkPacket(
      timestamp: Timestamp(microseconds: micros), linkType: linkType, data: data, originalLength: original)
  }

  // MARK: - Shared

  /// More than any link's frame (a 64 KiB IP packet with headers, or a 256 KiB loopback snap length).
  static let largestPacket = 16 << 20

  func cutOff(at offset: Int, _ what: String) -> LinkPacket? {
    truncation =
      "\(file.path) is cut off in \(what) at byte \(offset) (the recorder stopped before writing it all): "
      + "read up to there"
    return nil
  }

  /// What the first bytes of a file that is not a packet capture look like, for the sentence.
  static func describe(_ magic: [UInt8]) -> String {
    if magic.starts(with: [0x1F, 0x8B]) { return "it is gzip-compressed: decompress it first" }
    if let first = magic.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
      return "it looks like JSON text"
    }
    if magic.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20..<0x7F).contains($0) }) {
      return "it begins with the text \"\(String(decoding: magic, as: UTF8.self))\""
    }
    let hex = magic.map { byte in
      let digits = String(byte, radix: 16)
      return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
    return "it begins with the bytes \(hex.joined(separator: " "))"
  }
}
