/// An error in JSON text, with the byte offset where it was found.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What is wrong, as a clause: `expected ':'`, `unterminated string`.
  public var message: String
  /// Where, counted in bytes from 0 (`description` counts from 1).
  public var offset: Int
  /// The message and its place: `expected ':' at byte 12`.
  public var description: String { "\(message) at byte \(offset + 1)" }
}

/// A strict RFC 8259 parser for one JSON text that keeps member order and number literals.
///
/// It recurses, so nesting is limited by `maxDepth`; the streaming formatter is the tool for showing
/// arbitrary payloads, this parser is for capture records (depth 16) and for payloads that are compared,
/// sampled or matched (depth 64 to 512), where a value tree is needed.
public struct JSONParser: ~Copyable {
  private init() {}

  /// Parses `bytes` as exactly one JSON value (surrounding white space allowed).
  /// - Throws: `JSONSyntaxError` naming the problem and its byte offset.
  public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws
    -> JSONValue
  {
    try JSONTreeParser<JSONValue>.parse(bytes, maxDepth: maxDepth)
  }

  /// Parses a string's UTF-8 as one JSON value.
  /// - Throws: `JSONSyntaxError` naming the problem and its byte offset.
  public static func parse(_ text: String, maxDepth: Int = 64) throws -> JSONValue {
    var copy = text
    return try copy.withUTF8 { buffer in
      try parse(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth)
    }
  }

  /// The byte a one-character escape (`\n`, `\"`, …) stands for; nil for `\u` and invalid escapes.
  public static func simpleEscape(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "\""): return 0x22
    case UInt8(ascii: "\\"): return 0x5C
    case UInt8(ascii: "/"): return 0x2F
    case UInt8(ascii: "b"): return 0x08
    case UInt8(ascii: "f"): return 0x0C
    case UInt8(ascii: "n"): return 0x0A
    case UInt8(ascii: "r"): return 0x0D
    case UInt8(ascii: "t"): return 0x09
    default: return nil
    }
  }

}
