import MQTTCapture

/// Reads a payload's JSON straight into a `ShapeNode`, without building a `JSONValue` tree: the inference's
/// hot path (`schema` over a million messages). Two passes over the bytes: `validate` accepts exactly what
/// `JSONParser` accepts (RFC 8259, strings of valid UTF-8, nesting up to `PayloadValue.maxDepth`), then
/// `feed` adds the value. Strings with `\u` escapes are left to `JSONParser` (`needsParser`), so that the
/// two paths can never disagree on what a payload is.
struct JSONShapeScanner {
  let bytes: UnsafeRawBufferPointer
  var index = 0

  init(_ bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  enum Verdict {
    case json
    case tooDeep
    case invalid
    case needsParser
  }

  struct Stop: Error {
    var verdict: Verdict
  }

  // MARK: - Validation

  /// What the payload is; leaves the scanner at the start again.
  mutating func validate() -> Verdict {
    defer { index = 0 }
    do {
      skipWhitespace()
      try validateValue(depth: 0)
      skipWhitespace()
      return index == bytes.count ? .json : .invalid
    } catch {
      return (error as? Stop)?.verdict ?? .invalid
    }
  }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private func fail() -> Stop { Stop(verdict: .invalid) }

  private mutating func validateValue(depth: Int) throws {
    guard index < bytes.count else { throw fail() }
    switch bytes[index] {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth + 1 <= PayloadValue.maxDepth else { throw Stop(verdict: .tooDeep) }
      try validateContainer(depth: depth + 1)
    case UInt8(ascii: "\""): _ = try validateString()
    case UInt8(ascii: "t"): try expect("true")
    case UInt8(ascii: "f"): try expect("false")
    case UInt8(ascii: "n"): try expect("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try validateNumber()
    default: throw fail()
    }
  }

  mutating func expect(_ literal: StaticString) throws {
    let count = literal.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw fail() }
    for i in 0..<count where bytes[index + i] != literal.utf8Start[i] { throw fail() }
    index += count
  }

  private mutating func validateContainer(depth: Int) throws {
    let isObject = bytes[index] == UInt8(ascii: "{")
    let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
    index += 1
    skipWhitespace()
    if index < bytes.count, bytes[index] == close {
      index += 1
      return
    }
    while true {
      skipWhitespace()
      if isObject {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail() }
        _ = try validateString()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail() }
        index += 1
        skipWhitespace()
      }
      try validateValue(depth: depth)
      skipWhitespace()
      guard index < bytes.count else { throw fail() }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == close {
        index += 1
        return
      } else {
        throw fail()
      }
    }
  }

  /// Checks a string and returns whether it has escapes.
  mutating func validateString() throws -> Bool {
    index += 1
    let start = index
    var escaped = false
    var high: UInt8 = 0
    while index < bytes.count {
      let byte = bytes[index]
      high |= byte
      if byte == UInt8(ascii: "\"") {
        // ASCII needs no UTF-8 check.
        guard high < 0x80 || isValidUTF8(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) else { throw fail() }
        index += 1
        return escaped
      }
      if byte == UInt8(ascii: "\\") {
        index += 1
        guard index < bytes.count else { throw fail() }
        if bytes[index] == UInt8(ascii: "u") { throw Stop(verdict: .needsParser) }
        guard JSONParser.simpleEscape(bytes[index]) != nil else { throw fail() }
        escaped = true
      } else if byte < 0x20 {
        throw fail()
      }
      index += 1
    }
    throw fail()
  }

  /// A number as `JSONParser` accepts it (the same scanner), or a failure.
  mutating func validateNumber() throws {
    guard let end = jsonNumberEnd(bytes, from: index) else { throw fail() }
    index = end
  }

  // MARK: - Feeding (after `validate` said `.json`)

  /// Adds the payload's value to `node`, as `ShapeNode.add(_:depth:limits:)` adds a parsed value.
  mutating func feed(_ node: inout ShapeNode, limits: ShapeNode.Limits) {
    skipWhitespace()
    feedValue(&node, depth: 0, limits: limits)
  }

  private mutating func feedValue(_ node: inout ShapeNode, depth: Int, limits: ShapeNode.Limits) {
    node.samples += 1
    guard depth < limits.maxDepth else {
      node.tooDeep += 1
      skipValue()
      return
    }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      node.objects += 1
      node.keyHint = 0
      index += 1
      skipWhitespace()
      while bytes[index] != UInt8(ascii: "}") {
        let key = stringRange()
        skipWhitespace()
        index += 1  // ':'
        skipWhitespace()
        if let member = node.memberIndex(
          UnsafeRawBufferPointer(rebasing: bytes[key.range]), escaped: key.escaped, limits: limits)
        {
          feedValue(&node.children[member], depth: depth + 1, limits: limits)
        } else {
          skipValue()
        }
        skipWhitespace()
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          skipWhitespace()
        }
      }
      index += 1
    case UInt8(ascii: "["):
      node.arrays += 1
      index += 1
      skipWhitespace()
      var count = 0
      while bytes[index] != UInt8(ascii: "]") {
        if node.items.isEmpty { node.items.append(ShapeNode()) }
        feedValue(&node.items[0], depth: depth + 1, limits: limits)
        count += 1
        skipWhitespace()
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          skipWhitespace()
        }
      }
      index += 1
      node.minItems = min(node.minItems, count)
      node.maxItems = max(node.maxItems, count)
    case UInt8(ascii: "\""):
      let string = stringRange()
      node.addString(UnsafeRawBufferPointer(rebasing: bytes[string.range]), escaped: string.escaped, limits: limits)
    case UInt8(ascii: "t"):
      node.booleans += 1
      index += 4
    case UInt8(ascii: "f"):
      node.booleans += 1
      index += 5
    case UInt8(ascii: "n"):
      node.nulls += 1
      index += 4
    default:
      // `validate` accepted it, so a number starts here.
      let start = index
      index = jsonNumberEnd(bytes, from: start) ?? start + 1
      let decimal = bytes[start..<index].contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
      node.addNumber(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), decimal: decimal, rank: limits.rank)
    }
  }

  /// The bytes between a string's quotes (escapes as written), and whether there are escapes.
  private mutating func stringRange() -> (range: Range<Int>, escaped: Bool) {
    index += 1
    let start = index
    var escaped = false
    while bytes[index] != UInt8(ascii: "\"") {
      if bytes[index] == UInt8(ascii: "\\") {
        escaped = true
        index += 1
      }
      index += 1
    }
    index += 1
    return (start..<(index - 1), escaped)
  }

  /// Moves past one (valid) value.
  private mutating func skipValue() {
    var depth = 0
    repeat {
      switch bytes[index] {
      case UInt8(ascii: "\""):
        _ = stringRange()
        continue
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
      default:
        if depth == 0 {
          // A scalar at the top: runs to the next delimiter.
          while index < bytes.count, !",}] \t\r\n".utf8.contains(bytes[index]) { index += 1 }
          return
        }
      }
      index += 1
    } while depth > 0 && index < bytes.count
  }
}
