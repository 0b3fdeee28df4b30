import MQTTCapture

extension JSONShapeScanner {
  /// Whether the payload is one JSON text at any depth: what `validate` calls `tooDeep` may be JSON nested
  /// deeper than `PayloadValue.maxDepth` or text that only starts like it (an unclosed `[[[…`). Iterative,
  /// with a stack of the containers open; only such payloads pay for it.
  mutating func isJSONAtAnyDepth() -> Bool {
    defer { index = 0 }
    var open: [Bool] = []  // whether each open container is an object
    do {
      skipWhitespace()
      while true {
        // A value.
        guard index < bytes.count else { return false }
        let byte = bytes[index]
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
          let isObject = byte == UInt8(ascii: "{")
          index += 1
          skipWhitespace()
          if index < bytes.count, bytes[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
            index += 1
          } else {
            open.append(isObject)
            if isObject { try memberName() }
            continue
          }
        } else {
          try scalar()
        }
        // After a value: close what ends here, then a comma or the end.
        while true {
          skipWhitespace()
          guard let isObject = open.last else { return index == bytes.count }
          guard index < bytes.count else { return false }
          if bytes[index] == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
            if isObject { try memberName() }
            break
          }
          guard bytes[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return false }
          index += 1
          open.removeLast()
        }
      }
    } catch {
      return false
    }
  }

  /// A member name and its colon.
  private mutating func memberName() throws {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw ScanFailure() }
    try string()
    skipWhitespace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw ScanFailure() }
    index += 1
    skipWhitespace()
  }

  private mutating func scalar() throws {
    switch bytes[index] {
    case UInt8(ascii: "\""): try string()
    case UInt8(ascii: "t"): try expect("true")
    case UInt8(ascii: "f"): try expect("false")
    case UInt8(ascii: "n"): try expect("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try validateNumber()
    default: throw ScanFailure()
    }
  }

  /// A string; one with a `\u` escape is left to `JSONParser`, as `validate` does.
  private mutating func string() throws {
    let start = index
    do {
      _ = try validateString()
    } catch {
      guard (error as? Stop)?.verdict == .needsParser else { throw error }
      var end = start + 1
      while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
      guard end < bytes.count else { throw ScanFailure() }
      _ = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[start...end]), maxDepth: 1)
      index = end + 1
    }
  }

  private struct ScanFailure: Error {}
}
