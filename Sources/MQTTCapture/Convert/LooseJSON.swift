/// A JSON value read the way other tools' output needs: strings as bytes, not text.
///
/// mosquitto_sub writes payload bytes that are not UTF-8 into its JSON strings as they are, so a strict parser
/// (`JSONParser`) would refuse exactly the lines that matter most. This one keeps every byte of a string
/// (escapes decoded, anything else copied; a lone surrogate escape stands for U+FFFD), and remembers where
/// each value was written (`span`), so a payload that the tool wrote as a JSON value can be taken back as
/// the text it was written as. The grammar is `JSONParser`'s (`JSONTreeParser`), numbers included.
struct LooseJSON {
  /// What the value is.
  indirect enum Kind {
    case object([(key: [UInt8], value: LooseJSON)])
    case array([LooseJSON])
    case string([UInt8])
    case number(String)
    case bool(Bool)
    case null
  }

  var kind: Kind
  /// Where the value was written in the text parsed.
  var span: Range<Int>

  /// The value of the first member named `key`, when this is an object.
  subscript(key: String) -> LooseJSON? {
    guard case .object(let members) = kind else { return nil }
    let k = Array(key.utf8)
    return members.first { $0.key == k }?.value
  }

  /// The string's bytes, when this is a string.
  var bytes: [UInt8]? {
    if case .string(let b) = kind { return b }
    return nil
  }

  /// The string as text (bytes that are not UTF-8 replaced), when this is a string.
  var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

  /// The number as an integer, when this is a number written as one.
  var integer: Int64? {
    if case .number(let n) = kind { return Int64(n) }
    return nil
  }

  /// Parses `bytes` as one JSON value, surrounding white space allowed.
  /// - Throws: `JSONSyntaxError` naming the problem and its byte offset.
  static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws -> LooseJSON {
    try bytes.withUnsafeBytes { try JSONTreeParser<LooseJSON>.parse($0, maxDepth: maxDepth) }
  }

  /// `text` without the white space between its tokens: a pretty-printed JSON value made compact.
  static func compact(_ text: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var strings = JSONStringTracker()
    for byte in text where !strings.isOutside(byte) || (byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) {
      out.append(byte)
    }
    return out
  }
}

/// Follows JSON text byte by byte to tell the bytes of strings (quotes and escapes included) from the rest.
struct JSONStringTracker {
  /// Whether the last byte taken left a string open.
  private(set) var inString = false
  private var escaped = false

  /// Takes the next byte; true when it is outside every string.
  mutating func isOutside(_ byte: UInt8) -> Bool {
    if inString {
      if escaped {
        escaped = false
      } else if byte == UInt8(ascii: "\\") {
        escaped = true
      } else if byte == UInt8(ascii: "\"") {
        inString = false
      }
      return false
    }
    if byte == UInt8(ascii: "\"") {
      inString = true
      return false
    }
    return true
  }
}

/// The same grammar as `JSONParser` (`JSONTreeParser`), strings as bytes, each value with its span.
extension LooseJSON: JSONTreeBuilding {
  static var stringsMayHoldAnyBytes: Bool { true }
  static func text(_ bytes: UnsafeRawBufferPointer) -> [UInt8] { Array(bytes) }
  static func member(_ key: [UInt8], _ value: LooseJSON) -> (key: [UInt8], value: LooseJSON) { (key, value) }
  static func object(_ members: [(key: [UInt8], value: LooseJSON)], span: Range<Int>) -> LooseJSON {
    LooseJSON(kind: .object(members), span: span)
  }
  static func array(_ elements: [LooseJSON], span: Range<Int>) -> LooseJSON {
    LooseJSON(kind: .array(elements), span: span)
  }
  static func string(_ text: [UInt8], span: Range<Int>) -> LooseJSON { LooseJSON(kind: .string(text), span: span) }
  static func number(_ literal: String, span: Range<Int>) -> LooseJSON {
    LooseJSON(kind: .number(literal), span: span)
  }
  static func bool(_ value: Bool, span: Range<Int>) -> LooseJSON { LooseJSON(kind: .bool(value), span: span) }
  static func null(span: Range<Int>) -> LooseJSON { LooseJSON(kind: .null, span: span) }
}
