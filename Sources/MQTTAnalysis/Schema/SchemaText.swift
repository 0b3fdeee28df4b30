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
  public static func yaml(_ value: JSONValue) throws -> String {
    try Yams.serialize(node: node(value), indent: 2, width: -1, allowUnicode: true)
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

  private static func stringNode(_ text: String) -> Node {
    let plain = Node.scalar(Node.Scalar(text))
    let style: Node.Scalar.Style = Resolver.default.resolveTag(of: plain) == .str ? .any : .doubleQuoted
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
