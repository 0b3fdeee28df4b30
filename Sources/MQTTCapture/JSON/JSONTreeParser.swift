/// The one walk of the JSON grammar (RFC 8259), building whatever `Builder` makes of each value.
///
/// `JSONParser` builds `JSONValue` with it; the convert readers build `LooseJSON`, whose strings may hold
/// bytes that are not UTF-8 (`Builder.stringsMayHoldAnyBytes`). It recurses, so nesting is limited by
/// `maxDepth`.
struct JSONTreeParser<Builder: JSONTreeBuilding>: ~Copyable {
  private let bytes: UnsafeRawBufferPointer
  private var index = 0
  private let maxDepth: Int

  /// Parses `bytes` as exactly one JSON value (surrounding white space allowed).
  /// - Throws: `JSONSyntaxError` naming the problem and its byte offset.
  static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) throws -> Builder.Value {
    var parser = JSONTreeParser(bytes: bytes, maxDepth: maxDepth)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else {
      throw parser.error("unexpected text after the JSON value")
    }
    return value
  }

  private init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  private func error(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(message: message, offset: index)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue(depth: Int) throws -> Builder.Value {
    guard index < bytes.count else { throw error("unexpected end of JSON") }
    let start = index
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""):
      let text = try parseString()
      return Builder.string(text, span: start..<index)
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return Builder.bool(true, span: start..<index)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return Builder.bool(false, span: start..<index)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return Builder.null(span: start..<index)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let literal = try parseNumber()
      return Builder.number(literal, span: start..<index)
    default: throw error("unexpected character")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws {
    let count = literal.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw error("unexpected end of JSON") }
    for i in 0..<count where bytes[index + i] != literal.utf8Start[i] {
      throw error("unexpected character")
    }
    index += count
  }

  private mutating func parseObject(depth: Int) throws -> Builder.Value {
    guard depth <= maxDepth else { throw error("JSON nested deeper than \(maxDepth) levels") }
    let start = index
    index += 1
    var members: [Builder.Member] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return Builder.object(members, span: start..<index)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a member name in quotes")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
      index += 1
      skipWhitespace()
      members.append(Builder.member(key, try parseValue(depth: depth)))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of JSON") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return Builder.object(members, span: start..<index)
      } else {
        throw error("expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws -> Builder.Value {
    guard depth <= maxDepth else { throw error("JSON nested deeper than \(maxDepth) levels") }
    let start = index
    index += 1
    var elements: [Builder.Value] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return Builder.array(elements, span: start..<index)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of JSON") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return Builder.array(elements, span: start..<index)
      } else {
        throw error("expected ',' or ']'")
      }
    }
  }

  private mutating func parseNumber() throws -> String {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
        index += 1
      }
      guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
  }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// Whether `byte` ends a run of a string's bytes that are copied as they are.
  private func endsRun(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (byte < 0x20 && !Builder.stringsMayHoldAnyBytes)
  }

  private mutating func parseString() throws -> Builder.Text {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        guard Builder.stringsMayHoldAnyBytes || isValidUTF8(raw) else {
          throw JSONSyntaxError(message: "string is not valid UTF-8", offset: start)
        }
        index += 1
        return Builder.text(raw)
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 && !Builder.stringsMayHoldAnyBytes { throw error("control character in string") }
      index += 1
    }
    var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    utf8.reserveCapacity(bytes.count - start)
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        guard Builder.stringsMayHoldAnyBytes || isValidUTF8(utf8) else {
          throw JSONSyntaxError(message: "string is not valid UTF-8", offset: start)
        }
        return utf8.withUnsafeBytes { Builder.text($0) }
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw error("unexpected end of JSON") }
        let escape = bytes[index]
        index += 1
        if let simple = JSONParser.simpleEscape(escape) {
          utf8.append(simple)
          continue
        }
        guard escape == UInt8(ascii: "u") else { throw error("invalid escape in string") }
        utf8.append(contentsOf: Unicode.UTF8.encode(try parseUnicodeEscape())!)
      default:
        // Copy the run up to the next quote, backslash or (strict) control character in one go.
        let runStart = index
        while index < bytes.count, !endsRun(bytes[index]) { index += 1 }
        if index == runStart { throw error("control character in string") }
        utf8.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
      }
    }
    throw error("unterminated string")
  }

  /// The scalar of a `\u` escape whose `\u` has been read, with the low half of a surrogate pair.
  ///
  /// A lone surrogate has no UTF-8: it is an error, or U+FFFD when `Builder.stringsMayHoldAnyBytes` (as a
  /// lenient reader makes of it; a following `\u` escape that is not the low half is then read on its own).
  private mutating func parseUnicodeEscape() throws -> Unicode.Scalar {
    let lenient = Builder.stringsMayHoldAnyBytes
    var scalar = try parseHex4()
    if scalar >= 0xD800 && scalar < 0xDC00 {
      if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
        let highEnd = index
        index += 2
        let low = try parseHex4()
        if low >= 0xDC00 && low < 0xE000 {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if lenient {
          index = highEnd
        } else {
          throw error("unpaired surrogate in \\u escape")
        }
      } else if !lenient {
        throw error("unpaired surrogate in \\u escape")
      }
    } else if scalar >= 0xDC00 && scalar < 0xE000 && !lenient {
      throw error("unpaired surrogate in \\u escape")
    }
    return Unicode.Scalar(scalar) ?? "\u{FFFD}"
  }

  private mutating func parseHex4() throws -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("unexpected end of JSON") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x41...0x46: digit = byte - 0x41 + 10
      case 0x61...0x66: digit = byte - 0x61 + 10
      default: throw error("invalid \\u escape")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }
}
