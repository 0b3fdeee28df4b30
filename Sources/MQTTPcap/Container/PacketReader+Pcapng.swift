import MQTTCapture

// pcapng (draft-ietf-opsawg-pcapng): a Section Header Block sets the byte order, Interface Description
// Blocks name link types and time resolutions, and Enhanced (or Simple, or the obsolete) Packet Blocks carry
// the frames. Every other block is skipped.

extension PacketReader {
  /// What a pcapng section has said so far.
  struct Section {
    var littleEndian: Bool
    var interfaces: [Interface] = []
  }

  /// One Interface Description Block.
  struct Interface {
    var linkType: UInt32
    var snapLength: Int
    /// Time units per second (`if_tsresol`: 10^6 unless it says otherwise).
    var unitsPerSecond: UInt64 = 1_000_000
    /// `if_tsoffset`: seconds to add to every time.
    var offsetSeconds: Int64 = 0
  }

  private static let sectionHeader: UInt32 = 0x0A0D_0D0A
  private static let largestBlock = PacketReader.largestPacket + 4096

  /// Reads a Section Header Block whose type (4 bytes) is already read.
  func readSectionHeader(blockStart: Int) throws {
    let start = try file.read(8)
    guard start.count == 8 else {
      truncate(at: blockStart, "the section header")
      return
    }
    let orderBytes = Array(start.suffix(4))
    let littleEndian: Bool
    switch orderBytes {
    case [0x4D, 0x3C, 0x2B, 0x1A]: littleEndian = true
    case [0x1A, 0x2B, 0x3C, 0x4D]: littleEndian = false
    default:
      throw PcapError.damaged(
        path: file.path, offset: blockStart + 8, reason: "a pcapng section header has no byte-order magic")
    }
    var cursor = ByteCursor(start, littleEndian: littleEndian)
    let length = Int(cursor.u32()!)
    try checkLength(length, at: blockStart, least: 28)
    format = .pcapng(Section(littleEndian: littleEndian))
    // Version and section length, options, trailing length: nothing we need.
    if try file.skip(length - 12) != length - 12 { truncate(at: blockStart, "the section header") }
  }

  /// The next frame of a pcapng file.
  func nextBlockPacket() throws -> LinkPacket? {
    while truncation == nil {
      let blockStart = file.offset
      let typeBytes = try file.read(4)
      if typeBytes.isEmpty { return nil }
      guard typeBytes.count == 4 else {
        truncate(at: blockStart, "the last block")
        return nil
      }
      if Array(typeBytes) == [0x0A, 0x0D, 0x0D, 0x0A] {
        try readSectionHeader(blockStart: blockStart)
        continue
      }
      guard case .pcapng(let section) = format else { return nil }
      var typeCursor = ByteCursor(typeBytes, littleEndian: section.littleEndian)
      let type = typeCursor.u32()!
      let lengthBytes = try file.read(4)
      guard lengthBytes.count == 4 else {
        truncate(at: blockStart, "the last block")
        return nil
      }
      var lengthCursor = ByteCursor(lengthBytes, littleEndian: section.littleEndian)
      let length = Int(lengthCursor.u32()!)
      try checkLength(length, at: blockStart, least: 12)
      let body = try file.read(length - 8)
      guard body.count == length - 8 else {
        truncate(at: blockStart, type == 6 || type == 3 || type == 2 ? "the last packet" : "the last block")
        return nil
      }
      var cursor = ByteCursor(body.dropLast(4), littleEndian: section.littleEndian)
      switch type {
      case 1:
        try addInterface(&cursor, at: blockStart)
      case 6, 2:
        if let packet = try timedPacket(&cursor, obsolete: type == 2, section: section, at: blockStart) {
          return packet
        }
      case 3:
        if let packet = try simplePacket(&cursor, section: section, at: blockStart) { return packet }
      default:
        continue
      }
    }
    return nil
  }

  // MARK: - Blocks

  private func addInterface(_ cursor: inout ByteCursor, at offset: Int) throws {
    guard let linkType = cursor.u16(), cursor.skip(2), let snap = cursor.u32() else {
      throw damaged(offset, "an interface description block is too short")
    }
    var interface = Interface(linkType: UInt32(linkType), snapLength: Int(snap))
    while let code = cursor.u16(), let length = cursor.u16(), code != 0 {
      guard let value = cursor.take(Int(length)) else { break }
      _ = cursor.skip((4 - Int(length) % 4) % 4)
      if code == 9, let resolution = value.first {
        let exponent = UInt64(resolution & 0x7F)
        if resolution & 0x80 == 0 {
          guard exponent <= 18 else { throw damaged(offset, "an interface's time resolution is 10^-\(exponent) s") }
          interface.unitsPerSecond = (0..<exponent).reduce(1) { value, _ in value * 10 }
        } else {
          guard exponent <= 63 else { throw damaged(offset, "an interface's time resolution is 2^-\(exponent) s") }
          interface.unitsPerSecond = 1 << exponent
        }
      } else if code == 14, length == 8 {
        var valueCursor = ByteCursor(value, littleEndian: cursor.littleEndian)
        let high = UInt64(valueCursor.u32()!)
        let low = UInt64(valueCursor.u32()!)
        interface.offsetSeconds = Int64(bitPattern: cursor.littleEndian ? low << 32 | high : high << 32 | low)
      }
    }
    guard case .pcapng(var section) = format else { return }
    section.interfaces.append(interface)
    format = .pcapng(section)
  }

  private func timedPacket(
    _ cursor: inout ByteCursor, obsolete: Bool, section: Section, at offset: Int
  ) throws -> LinkPacket? {
    let index: Int
    if obsolete {
      guard let id = cursor.u16(), cursor.skip(2) else { throw damaged(offset, "a packet block is too short") }
      index = Int(id)
    } else {
      guard let id = cursor.u32() else { throw damaged(offset, "a packet block is too short") }
      index = Int(id)
    }
    guard let high = cursor.u32(), let low = cursor.u32(), let captured = cursor.u32(), let original = cursor.u32(),
      let data = cursor.take(Int(captured))
    else { throw damaged(offset, "a packet block is shorter than the packet it holds") }
    guard index < section.interfaces.count else {
      throw damaged(offset, "a packet names interface \(index), which the file does not describe")
    }
    let interface = section.interfaces[index]
    let units = UInt64(high) << 32 | UInt64(low)
    guard let time = Self.timestamp(units, interface) else {
      throw damaged(offset, "a packet's time is \(units) units, past any date")
    }
    lastTime = time
    return LinkPacket(timestamp: lastTime, linkType: interface.linkType, data: data, originalLength: Int(original))
  }

  private func simplePacket(_ cursor: inout ByteCursor, section: Section, at offset: Int) throws -> LinkPacket? {
    guard let interface = section.interfaces.first else {
      throw damaged(offset, "a simple packet block comes before any interface description")
    }
    guard let original = cursor.u32() else { throw damaged(offset, "a simple packet block is too short") }
    var count = min(Int(original), cursor.remaining)
    if interface.snapLength > 0 { count = min(count, interface.snapLength) }
    let data = cursor.take(count)!
    untimedPackets += 1
    return LinkPacket(timestamp: lastTime, linkType: interface.linkType, data: data, originalLength: Int(original))
  }

  // MARK: - Helpers

  /// The time `units` of `interface` stand for; nil when it is past what a `Timestamp` holds.
  static func timestamp(_ units: UInt64, _ interface: Interface) -> Timestamp? {
    let perSecond = interface.unitsPerSecond
    guard let seconds = Int64(exactly: units / perSecond) else { return nil }
    let rest = units % perSecond
    let micros: Int64
    if perSecond <= 1_000_000_000_000 {
      micros = Int64(rest * 1_000_000 / perSecond)
    } else {
      micros = Int64(Double(rest) * 1_000_000 / Double(perSecond))
    }
    let (shifted, o1) = seconds.addingReportingOverflow(interface.offsetSeconds)
    let (scaled, o2) = shifted.multipliedReportingOverflow(by: 1_000_000)
    let (total, o3) = scaled.addingReportingOverflow(micros)
    return o1 || o2 || o3 ? nil : Timestamp(microseconds: total)
  }

  private func checkLength(_ length: Int, at offset: Int, least: Int) throws {
    guard length >= least, length % 4 == 0, length <= Self.largestBlock else {
      throw damaged(offset, "a pcapng block claims to be \(length) bytes long")
    }
  }

  private func damaged(_ offset: Int, _ reason: String) -> PcapError {
    PcapError.damaged(path: file.path, offset: offset, reason: reason)
  }

  private func truncate(at offset: Int, _ what: String) { _ = cutOff(at: offset, what) }
}
