import MQTTCapture

/// Validates JSON values against JSON Schema (draft 2020-12, and the draft-07 forms AsyncAPI uses).
///
/// Keywords: `type`, `enum`, `const`; `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers,
/// or draft-04 Booleans), `multipleOf`; `minLength`, `maxLength`, `pattern`; `items`, `prefixItems`, `minItems`,
/// `maxItems`, `uniqueItems`; `properties`, `patternProperties`, `additionalProperties`, `required`,
/// `minProperties`, `maxProperties`; `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`; `$ref` to a JSON
/// pointer in the same document (`#/$defs/…`, `#/components/schemas/…`), and the Boolean schemas. Other
/// keywords (`format`, `$id`, `$anchor`, `dependentSchemas`, …) are ignored, as the specification says of
/// keywords a validator does not know: they never make a value invalid.
public struct JSONSchemaValidator {
  /// The whole document, which `$ref`s point into.
  public let document: JSONValue
  let patterns = PatternCache()
  private let references = ReferenceCache()

  /// A validator for schemas inside `document`.
  public init(document: JSONValue) {
    self.document = document
  }

  /// One way a value fails its schema: where (`.actual`, `.temps[0]`, `.` for the whole value) and what
  /// was expected (`expected number, got string "n/a"`).
  public struct Violation: Equatable, Sendable, CustomStringConvertible {
    /// A jq-style path to the value: `.`, `.actual`, `.tools[2].name`, `.["odd key"]`.
    public var path: String
    /// What was expected, and what was found.
    public var message: String
    /// `path: message`.
    public var description: String { "\(path): \(message)" }
  }

  /// Every way `value` fails `schema`, in document order (nothing when it validates).
  public func validate(_ value: JSONValue, against schema: JSONValue) -> [Violation] {
    var out: [Violation] = []
    check(value, schema, path: "", depth: 0, into: &out)
    return out
  }

  /// The schema a `$ref` names (`#/$defs/octoPrint.mqtt`), nil when it names nothing in the document.
  public func resolve(_ reference: String) -> JSONValue? {
    if let known = references.resolved[reference] { return known }
    guard reference.hasPrefix("#") else { return nil }
    let pointer = Self.percentDecoded(reference.dropFirst())
    guard pointer.isEmpty || pointer.hasPrefix("/") else { return nil }
    var node = document
    var path = ""
    for rawToken in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
      let token = String(rawToken).replacing("~1", with: "/").replacing("~0", with: "~")
      switch node {
      case .object(let members):
        // A large object (`$defs` of 100,000 channels) is indexed once, not searched per reference.
        let next = members.count > 32 ? references.index(of: members, at: path)[token] : node[token]
        guard let next else { return nil }
        node = next
      case .array(let elements):
        guard let index = Int(token), elements.indices.contains(index) else { return nil }
        node = elements[index]
      default: return nil
      }
      path += "/" + rawToken
    }
    references.resolved[reference] = node
    return node
  }

  /// Every `$ref` inside `schema` (following references) that names nothing in the document.
  public func unresolvedReferences(in schema: JSONValue) -> [String] {
    var seen: Set<String> = []
    var missing: [String] = []
    func walk(_ node: JSONValue, depth: Int) {
      guard depth < 256 else { return }
      switch node {
      case .object(let members):
        for member in members {
          if member.key == "$ref", case .string(let reference) = member.value, seen.insert(reference).inserted {
            if let target = resolve(reference) { walk(target, depth: depth + 1) } else { missing.append(reference) }
          } else if member.key != "enum", member.key != "const", member.key != "examples", member.key != "default" {
            walk(member.value, depth: depth + 1)
          }
        }
      case .array(let elements): for element in elements { walk(element, depth: depth + 1) }
      default: break
      }
    }
    walk(schema, depth: 0)
    return missing
  }

  /// `%2F` and the like decoded (a URI fragment's spelling of a JSON pointer); invalid escapes kept.
  private static func percentDecoded(_ text: Substring) -> String {
    guard text.contains("%") else { return String(text) }
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while let byte = utf8.popFirst() {
      if byte == UInt8(ascii: "%"), utf8.count >= 2,
        let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        utf8 = utf8.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: - Checking

  func check(_ value: JSONValue, _ schema: JSONValue, path: String, depth: Int, into out: inout [Violation]) {
    guard depth < 1000 else {
      out.append(Violation(path: Self.show(path), message: "the schema's references loop or nest too deeply"))
      return
    }
    switch schema {
    case .bool(true): return
    case .bool(false):
      out.append(
        Violation(path: Self.show(path), message: "not allowed (the schema is false), got \(Self.describe(value))"))
      return
    case .object: break
    default: return  // not a schema: nothing to check
    }
    if case .string(let reference) = schema["$ref"] {
      if let target = resolve(reference) {
        check(value, target, path: path, depth: depth + 1, into: &out)
      } else {
        out.append(Violation(path: Self.show(path), message: "the schema's $ref \"\(reference)\" names nothing"))
      }
    }
    checkType(value, schema, path: path, into: &out)
    checkValues(value, schema, path: path, into: &out)
    switch value {
    case .number(let literal): checkNumber(literal, schema, path: path, into: &out)
    case .string(let text): checkString(text, schema, path: path, into: &out)
    case .array(let elements): checkArray(elements, schema, path: path, depth: depth, into: &out)
    case .object(let members): checkObject(members, schema, path: path, depth: depth, into: &out)
    default: break
    }
    checkCombinations(value, schema, path: path, depth: depth, into: &out)
  }

  private func checkType(_ value: JSONValue, _ schema: JSONValue, path: String, into out: inout [Violation]) {
    let names: [String]
    switch schema["type"] {
    case .string(let name): names = [name]
    case .array(let list): names = list.compactMap(\.stringValue)
    default: return
    }
    guard !names.contains(where: { Self.hasType(value, $0) }) else { return }
    out.append(Violation(path: Self.show(path), message: "expected \(Self.list(names)), got \(Self.describe(value))"))
  }

  private func checkValues(_ value: JSONValue, _ schema: JSONValue, path: String, into out: inout [Violation]) {
    if case .array(let allowed) = schema["enum"], !allowed.contains(where: { JSONEquality.equal($0, value) }) {
      let shown = allowed.prefix(10).map(Self.literal).joined(separator: ", ") + (allowed.count > 10 ? ", …" : "")
      out.append(Violation(path: Self.show(path), message: "expected one of \(shown), got \(Self.describe(value))"))
    }
    if let constant = schema["const"], !JSONEquality.equal(constant, value) {
      out.append(
        Violation(path: Self.show(path), message: "expected \(Self.literal(constant)), got \(Self.describe(value))"))
    }
  }

  private func checkNumber(_ literal: String, _ schema: JSONValue, path: String, into out: inout [Violation]) {
    let number = Double(literal) ?? 0
    func bound(_ key: String) -> (Double, String)? {
      guard case .number(let text) = schema[key], let limit = Double(text) else { return nil }
      return (limit, text)
    }
    func fail(_ expectation: String) {
      out.append(Violation(path: Self.show(path), message: "expected \(expectation), got \(literal)"))
    }
    if let (limit, text) = bound("minimum") {
      if schema["exclusiveMinimum"] == .bool(true) {
        if number <= limit { fail("more than \(text)") }
      } else if number < limit {
        fail("at least \(text)")
      }
    }
    if let (limit, text) = bound("maximum") {
      if schema["exclusiveMaximum"] == .bool(true) {
        if number >= limit { fail("less than \(text)") }
      } else if number > limit {
        fail("at most \(text)")
      }
    }
    if let (limit, text) = bound("exclusiveMinimum"), number <= limit { fail("more than \(text)") }
    if let (limit, text) = bound("exclusiveMaximum"), number >= limit { fail("less than \(text)") }
    if let (divisor, text) = bound("multipleOf"), divisor > 0 {
      let quotient = number / divisor
      if quotient.isFinite, (quotient - quotient.rounded()).magnitude > 1e-9 { fail("a multiple of \(text)") }
    }
  }

  private func checkString(_ text: String, _ schema: JSONValue, path: String, into out: inout [Violation]) {
    func integer(_ key: String) -> Int? { schema[key]?.numberLiteral.flatMap { Int($0) } }
    let length = text.unicodeScalars.count
    if let minimum = integer("minLength"), length < minimum {
      out.append(Violation(path: Self.show(path), message: "expected at least \(minimum) characters, got \(length)"))
    }
    if let maximum = integer("maxLength"), length > maximum {
      out.append(Violation(path: Self.show(path), message: "expected at most \(maximum) characters, got \(length)"))
    }
    if case .string(let pattern) = schema["pattern"], let regex = patterns.regex(pattern), !text.contains(regex) {
      out.append(
        Violation(path: Self.show(path), message: "expected to match /\(pattern)/, got \(Self.describe(.string(text)))")
      )
    }
  }
}

/// Resolved `$ref`s, and an index of each large object a reference passes through (by its pointer).
final class ReferenceCache {
  var resolved: [String: JSONValue] = [:]
  private var indexes: [String: [String: JSONValue]] = [:]

  func index(of members: [JSONValue.Member], at path: String) -> [String: JSONValue] {
    if let index = indexes[path] { return index }
    var index: [String: JSONValue] = [:]
    for member in members where index[member.key] == nil { index[member.key] = member.value }
    indexes[path] = index
    return index
  }
}

/// Compiled `pattern`s, kept for the validator's lifetime (a pattern that Swift cannot compile is ignored).
final class PatternCache {
  private var compiled: [String: Regex<AnyRegexOutput>?] = [:]

  func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
    if let known = compiled[pattern] { return known }
    let regex = try? Regex(pattern)
    compiled[pattern] = regex
    return regex
  }
}
