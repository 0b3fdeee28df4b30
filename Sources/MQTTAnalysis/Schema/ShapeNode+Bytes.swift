import Glibc
import MQTTCapture

/// What `JSONShapeScanner` adds, from raw bytes: the same bookkeeping as `ShapeNode.add` on a parsed value,
/// with strings made only when they must be kept (a new member name, enum candidate or bound).
extension ShapeNode {
  /// The index of member `key` for an object being added (counting its presence once per object), nil when
  /// it is beyond `maxProperties`.
  mutating func memberIndex(_ key: UnsafeRawBufferPointer, escaped: Bool, limits: Limits) -> Int? {
    let hinted = !escaped && keyHint < keys.count && Self.equal(keys[keyHint], key)
    return memberIndex(hinted ? keyHint : nil, named: Self.text(key, escaped: escaped), limits: limits)
  }

  mutating func addString(_ raw: UnsafeRawBufferPointer, escaped: Bool, limits: Limits) {
    strings += 1
    guard !stringsOverflow else { return }
    if !escaped {
      noteString(
        length: raw.count, limits: limits, equal: { Self.equal($0, raw) },
        text: String(decoding: raw, as: UTF8.self))
      return
    }
    let text = Self.text(raw, escaped: true)
    noteString(length: text.utf8.count, limits: limits, equal: { $0 == text }, text: text)
  }

  mutating func addNumber(_ literal: UnsafeRawBufferPointer, decimal: Bool, rank: Int) {
    if decimal { decimals += 1 } else { integers += 1 }
    let value = Self.fastDouble(literal) ?? Double(String(decoding: literal, as: UTF8.self)) ?? 0
    noteBounds(value, String(decoding: literal, as: UTF8.self), rank: rank)
  }

  /// The value of a short plain literal (`-12`, `210.5`) computed exactly without `strtod`: digits that fit
  /// 2^53 divided by a power of ten up to 10^15 (both exact, so the quotient is correctly rounded); nil
  /// for anything else (exponents, long literals).
  static func fastDouble(_ literal: UnsafeRawBufferPointer) -> Double? {
    var mantissa: UInt64 = 0
    var digits = 0
    var fraction = -1
    var negative = false
    for byte in literal {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
        digits += 1
        if fraction >= 0 { fraction += 1 }
      case UInt8(ascii: "."): fraction = 0
      case UInt8(ascii: "-"): negative = true
      default: return nil
      }
    }
    guard digits > 0, digits <= 15 else { return nil }
    var value = Double(mantissa)
    if fraction > 0 { value /= powersOfTen[fraction] }
    return negative ? -value : value
  }

  static let powersOfTen: [Double] = (0...22).map { exponent in
    var power = 1.0
    for _ in 0..<exponent { power *= 10 }
    return power
  }

  /// Whether `string`'s UTF-8 is `bytes`.
  static func equal(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
    let utf8 = string.utf8
    guard utf8.count == bytes.count else { return false }
    guard !bytes.isEmpty else { return true }
    return utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
      ?? utf8.elementsEqual(bytes)
  }

  /// A string's text from the bytes between its quotes: simple escapes undone (the scanner leaves `\u` to
  /// the parser).
  static func text(_ raw: UnsafeRawBufferPointer, escaped: Bool) -> String {
    guard escaped else { return String(decoding: raw, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 0
    while i < raw.count {
      if raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count, let byte = JSONParser.simpleEscape(raw[i + 1]) {
        out.append(byte)
        i += 2
      } else {
        out.append(raw[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
