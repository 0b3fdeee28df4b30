/// Reads numbers, strings and byte runs from the front of a byte slice, each read nil when too few bytes
/// are left (the caller decides whether that is damage or a packet still arriving).
struct ByteCursor {
  private(set) var bytes: ArraySlice<UInt8>
  /// Whether multi-byte numbers are little-endian (pcap files may be either; networks are big-endian).
  var littleEndian = false

  init(_ bytes: ArraySlice<UInt8>, littleEndian: Bool = false) {
    self.bytes = bytes
    self.littleEndian = littleEndian
  }

  var isEmpty: Bool { bytes.isEmpty }
  var remaining: Int { bytes.count }

  mutating func u8() -> UInt8? {
    guard let first = bytes.first else { return nil }
    bytes = bytes.dropFirst()
    return first
  }

  mutating func u16() -> UInt16? {
    guard let raw = take(2) else { return nil }
    let a = UInt16(raw[raw.startIndex])
    let b = UInt16(raw[raw.startIndex + 1])
    return littleEndian ? b << 8 | a : a << 8 | b
  }

  mutating func u32() -> UInt32? {
    guard let raw = take(4) else { return nil }
    var value: UInt32 = 0
    for byte in littleEndian ? Array(raw.reversed()) : Array(raw) { value = value << 8 | UInt32(byte) }
    return value
  }

  /// Takes the next `count` bytes.
  mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
    guard count >= 0, bytes.count >= count else { return nil }
    let run = bytes.prefix(count)
    bytes = bytes.dropFirst(count)
    return run
  }

  /// Skips `count` bytes; false when there are fewer.
  mutating func skip(_ count: Int) -> Bool { take(count) != nil }

  /// MQTT's Variable Byte Integer: 7 bits a byte, at most four bytes.
  mutating func variableInteger() -> Int? {
    var value = 0
    var shift = 0
    for _ in 0..<4 {
      guard let byte = u8() else { return nil }
      value |= Int(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }

  /// MQTT's Binary Data: a two-byte length, then the bytes.
  mutating func binary() -> [UInt8]? {
    guard let count = u16(), let run = take(Int(count)) else { return nil }
    return Array(run)
  }

  /// MQTT's UTF-8 Encoded String: a two-byte length, then valid UTF-8.
  mutating func string() -> String? {
    guard let raw = binary() else { return nil }
    return String(validating: raw, as: UTF8.self)
  }
}
