/// A JSON value read the way other tools' output needs: strings as bytes, not text.
///
/// mosquitto_sub writes payload bytes that are not UTF-8 into its JSON strings as they are, so a strict parser
/// (`JSONParser`) would refuse exactly the lines that matter most. This one keeps every byte of a string
/// (escapes decoded, anything else copied), and remembers where each value was written (`span`), so a payload
/// that the tool wrote as a JSON value can be taken back as the text it was written as.
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
    var parser = LooseJSONParser(bytes: bytes, maxDepth: maxDepth)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  /// `text` without the white space between its tokens: a pretty-printed JSON value made compact.
  static func compact(_ text: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var inString = false
    var escaped = false
    for byte in text {
      if inString {
        out.append(byte)
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
      } else if byte == UInt8(ascii: "\"") {
        inString = true
        out.append(byte)
      } else if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
        out.append(byte)
      }
    }
    return out
  }
}

private struct LooseJSONParser {
  let bytes: [UInt8]
  var index = 0
  let maxDepth: Int

  init(bytes: [UInt8], maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  mutating func value(depth: Int) throws -> LooseJSON {
    guard index < bytes.count else { throw error("unexpected end of JSON") }
    let start = index
    let kind: LooseJSON.Kind
    switch bytes[index] {
    case UInt8(ascii: "{"): kind = try object(depth: depth + 1)
    case UInt8(ascii: "["): kind = try array(depth: depth + 1)
    case UInt8(ascii: "\""): kind = .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      kind = .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      kind = .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      kind = .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): kind = .number(try number())
    default: throw error("unexpected character")
    }
    return LooseJSON(kind: kind, span: start..<index)
  }

  mutating func literal(_ word: StaticString) throws {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw error("unexpected end of JSON") }
    for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw error("unexpected character") }
    index += count
  }

  mutating func object(depth: Int) throws -> LooseJSON.Kind {
    guard depth <= maxDepth else { throw error("JSON nested deeper than \(maxDepth) levels") }
    index += 1
    var members: [(key: [UInt8], value: LooseJSON)] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a member name in quotes")
      }
      let key = try string()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
      index += 1
      skipWhitespace()
      members.append((key, try value(depth: depth)))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of JSON") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      } else {
        throw error("expected ',' or '}'")
      }
    }
  }

  mutating func array(depth: Int) throws -> LooseJSON.Kind {
    guard depth <= maxDepth else { throw error("JSON nested deeper than \(maxDepth) levels") }
    index += 1
    var elements: [LooseJSON] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try value(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of JSON") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      } else {
        throw error("expected ',' or ']'")
      }
    }
  }

  mutating func number() throws -> String {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let digits = index
    scan: while index < bytes.count {
      switch bytes[index] {
      case 0x30...0x39, 0x2E, 0x65, 0x45, 0x2B, 0x2D: index += 1
      default: break scan
      }
    }
    guard index > digits else { throw error("invalid number") }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  /// A string's bytes: escapes decoded, every other byte (UTF-8 or not) copied.
  mutating func string() throws -> [UInt8] {
    index += 1
    // Fast path: no escapes, the bytes copied in one go.
    var end = index
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
    if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
      defer { index = end + 1 }
      return Array(bytes[index..<end])
    }
    var out = Array(bytes[index..<end])
    index = end
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: "\"") { return out }
      guard byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      guard index < bytes.count else { break }
      let escape = bytes[index]
      index += 1
      if let simple = JSONParser.simpleEscape(escape) {
        out.append(simple)
        continue
      }
      guard escape == UInt8(ascii: "u") else { throw error("invalid escape in string") }
      var scalar = try hex4()
      if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
        bytes[index + 1] == UInt8(ascii: "u")
      {
        let save = index
        index += 2
        let low = try hex4()
        if (0xDC00..<0xE000).contains(low) {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else {
          index = save
        }
      }
      // A lone surrogate has no UTF-8: it stands for U+FFFD, as a lenient reader makes of it.
      let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
      out.append(contentsOf: Unicode.UTF8.encode(unicode)!)
    }
    throw error("unterminated string")
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("unexpected end of JSON") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[index] | 0x20
      let digit: UInt8
      switch c {
      case 0x30...0x39: digit = c - 0x30
      case 0x61...0x66: digit = c - 0x61 + 10
      default: throw error("invalid \\u escape")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }
}
