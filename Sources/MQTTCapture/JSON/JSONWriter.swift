/// Appends JSON text to a byte buffer: compact, no allocation beyond the buffer's growth.
public enum JSONWriter {
  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// Appends `utf8` (which must be valid UTF-8) as a quoted JSON string.
  @inlinable
  public static func appendString(_ utf8: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    out.append(0x22)
    var runStart = 0
    var i = 0
    let count = utf8.count
    while i < count {
      i = firstJSONSpecialByte(utf8, from: i)
      guard i < count else { break }
      let byte = utf8[i]
      if runStart < i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<i])) }
      if byte >= 0x20 {
        out.append(0x5C)
        out.append(byte)
      } else {
        appendEscape(byte, to: &out)
      }
      i += 1
      runStart = i
    }
    if runStart < count {
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<count]))
    }
    out.append(0x22)
  }

  /// Appends a Swift string as a quoted JSON string.
  public static func appendString(_ string: String, to out: inout [UInt8]) {
    var copy = string
    copy.withUTF8 { appendString(UnsafeRawBufferPointer($0), to: &out) }
  }

  @usableFromInline
  static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
    out.append(0x5C)
    switch byte {
    case 0x22: out.append(0x22)
    case 0x5C: out.append(0x5C)
    case 0x0A: out.append(UInt8(ascii: "n"))
    case 0x0D: out.append(UInt8(ascii: "r"))
    case 0x09: out.append(UInt8(ascii: "t"))
    case 0x08: out.append(UInt8(ascii: "b"))
    case 0x0C: out.append(UInt8(ascii: "f"))
    default:
      out.append(UInt8(ascii: "u"))
      out.append(0x30)
      out.append(0x30)
      out.append(hexDigits[Int(byte >> 4)])
      out.append(hexDigits[Int(byte & 0xF)])
    }
  }

  /// Appends a value compactly (`{"a":1}`), keeping member order and number literals.
  public static func append(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (i, member) in members.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        appendString(member.key, to: &out)
        out.append(UInt8(ascii: ":"))
        append(member.value, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        append(element, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .string(let s): appendString(s, to: &out)
    case .number(let n): out.append(contentsOf: n.utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .null: out.append(contentsOf: "null".utf8)
    }
  }

  /// Appends an integer in decimal, as a JSON number.
  public static func appendInteger<T: BinaryInteger>(_ value: T, to out: inout [UInt8]) {
    out.append(contentsOf: String(value).utf8)
  }
}

/// Writes one JSON object member by member into a buffer: `{` before the first key, `,` before the others,
/// and `}` (or `{}` for none) at `close`.
public struct JSONObjectWriter {
  @usableFromInline var opened = false

  /// An object with no member written yet.
  public init() {}

  /// Starts the member `name` (quoted and escaped); its value comes next.
  @inlinable
  public mutating func key(_ name: String, to out: inout [UInt8]) {
    out.append(opened ? UInt8(ascii: ",") : UInt8(ascii: "{"))
    opened = true
    JSONWriter.appendString(name, to: &out)
    out.append(UInt8(ascii: ":"))
  }

  /// Ends the object.
  @inlinable
  public func close(to out: inout [UInt8]) {
    if !opened { out.append(UInt8(ascii: "{")) }
    out.append(UInt8(ascii: "}"))
  }
}
