import MQTTCapture
import Yams

/// Schema documents as text: JSON (2-space indent, keys in order) or YAML through Yams, and back.
public enum SchemaText {
  /// `value` as indented JSON, with a final newline.
  public static func json(_ value: JSONValue) -> String {
    var compact: [UInt8] = []
    JSONWriter.append(value, to: &compact)
    var out: [UInt8] = []
    do {
      try compact.withUnsafeBytes { try JSONFormatter().format($0, into: &out) }
    } catch {
      out = compact  // deeper than the formatter follows: still valid JSON, on one line
    }
    out.append(0x0A)
    return String(decoding: out, as: UTF8.self)
  }

  /// `value` as a YAML document (block style, keys in order, strings quoted where YAML would read them as
  /// something else).
  /// - Throws: `YamlError` when Yams cannot write it.
  ///
  /// The members of the top-level mappings (AsyncAPI's channels and operations) are written one at a time,
  /// so that Yams holds one channel, not a document of 100,000 channels, in memory.
  public static func yaml(_ value: JSONValue) throws -> String {
    guard case .object(let members) = value else { return try serialize(value) }
    var out = ""
    for member in members {
      guard case .object(let entries) = member.value, !entries.isEmpty, isPlainKey(member.key) else {
        out += try serialize(.object([member]))
        continue
      }
      out += member.key + ":\n"
      for entry in entries {
        for line in try serialize(.object([entry])).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        {
          out += line.isEmpty ? "\n" : "  " + line + "\n"
        }
      }
    }
    return out
  }

  private static func serialize(_ value: JSONValue) throws -> String {
    try Yams.serialize(node: node(value), indent: 2, width: -1, allowUnicode: true)
  }

  /// A key YAML writes as it is: letters, digits, `_` and `-`, read back as a string.
  private static func isPlainKey(_ key: String) -> Bool {
    guard let first = key.utf8.first, (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A else { return false }
    return key.utf8.allSatisfy {
      ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D
    }
      && Resolver.default.resolveTag(of: Node.scalar(Node.Scalar(key))) == .str
  }

  private static func node(_ value: JSONValue) -> Node {
    switch value {
    case .object(let members):
      return .mapping(Node.Mapping(members.map { (stringNode($0.key), node($0.value)) }))
    case .array(let elements): return .sequence(Node.Sequence(elements.map(node)))
    case .string(let text): return stringNode(text)
    case .number(let literal):
      return .scalar(Node.Scalar(literal, Tag(literal.contains(where: { ".eE".contains($0) }) ? .float : .int)))
    case .bool(let flag): return .scalar(Node.Scalar(flag ? "true" : "false", Tag(.bool)))
    case .null: return .scalar(Node.Scalar("null", Tag(.null)))
    }
  }

  /// The words YAML 1.1 reads as Booleans or null, lowercased.
  private static let specialWords: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]

  private static func stringNode(_ text: String) -> Node {
    // Starting with a letter, only those words are not strings (numbers, dates and the rest start otherwise):
    // no need for the resolver's regular expressions, the slow part of writing a large document.
    let startsWithLetter = text.utf8.first.map { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A } ?? false
    let isString =
      startsWithLetter
      ? !(text.utf8.count <= 5 && specialWords.contains(text.lowercased()))
      : Resolver.default.resolveTag(of: Node.scalar(Node.Scalar(text))) == .str
    let style: Node.Scalar.Style = isString ? .any : .doubleQuoted
    return .scalar(Node.Scalar(text, Tag(.str), style))
  }

  /// What is wrong with a schema document, in a clause: `not JSON or YAML: …`.
  public struct ParseError: Error, Sendable, CustomStringConvertible {
    /// The clause.
    public var description: String
  }

  /// Reads a JSON or YAML document.
  /// - Throws: `ParseError` when it is neither.
  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    let jsonError: JSONSyntaxError
    do {
      return try bytes.withUnsafeBytes { try JSONParser.parse($0, maxDepth: 256) }
    } catch let error as JSONSyntaxError {
      jsonError = error
    }
    let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
    if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
      throw ParseError(description: "not valid JSON: \(jsonError)")
    }
    guard isValidUTF8(bytes) else { throw ParseError(description: "neither JSON nor YAML: not UTF-8 text") }
    do {
      guard let root = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self)) else {
        throw ParseError(description: "empty")
      }
      return try value(root, depth: 0)
    } catch let error as ParseError {
      throw error
    } catch {
      let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
      throw ParseError(description: "neither JSON (\(jsonError)) nor YAML (\(text))")
    }
  }

  private static func value(_ node: Node, depth: Int) throws -> JSONValue {
    guard depth < 256 else { throw ParseError(description: "nested deeper than 256 levels") }
    switch node {
    case .mapping(let mapping):
      return .object(
        try mapping.map { pair in
          JSONValue.Member(pair.key.string ?? "\(pair.key)", try value(pair.value, depth: depth + 1))
        })
    case .sequence(let sequence): return .array(try sequence.map { try value($0, depth: depth + 1) })
    case .alias: throw ParseError(description: "has a YAML alias, which schemas do not use")
    case .scalar(let scalar):
      let tag = Resolver.default.resolveTag(of: node)
      switch scalar.style == .plain || scalar.style == .any ? tag : .str {
      case .null: return .null
      case .bool: return .bool(node.bool ?? false)
      case .int, .float:
        if let number = try? JSONParser.parse(scalar.string), case .number = number { return number }
        if let integer = node.int { return .number(String(integer)) }
        if let double = node.float, double.isFinite { return .number("\(double)") }
        return .string(scalar.string)
      default: return .string(scalar.string)
      }
    }
  }
}
