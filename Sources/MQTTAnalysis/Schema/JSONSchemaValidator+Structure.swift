import MQTTCapture

extension JSONSchemaValidator {
  func checkArray(
    _ elements: [JSONValue], _ schema: JSONValue, path: String, depth: Int, into out: inout [Violation]
  ) {
    func integer(_ key: String) -> Int? { schema[key]?.numberLiteral.flatMap { Int($0) } }
    if let minimum = integer("minItems"), elements.count < minimum {
      out.append(Violation(path: Self.show(path), message: "expected at least \(minimum) items, got \(elements.count)"))
    }
    if let maximum = integer("maxItems"), elements.count > maximum {
      out.append(Violation(path: Self.show(path), message: "expected at most \(maximum) items, got \(elements.count)"))
    }
    var prefix: [JSONValue] = []
    if case .array(let schemas) = schema["prefixItems"] {
      prefix = schemas
    } else if case .array(let schemas) = schema["items"] {
      prefix = schemas  // draft-07 tuple form
    }
    for (index, element) in elements.enumerated() {
      if index < prefix.count {
        check(element, prefix[index], path: Self.index(path, index), depth: depth + 1, into: &out)
      } else if let items = schema["items"], !Self.isArray(items) {
        check(element, items, path: Self.index(path, index), depth: depth + 1, into: &out)
      } else if index >= prefix.count, !prefix.isEmpty, let additional = schema["additionalItems"] {
        check(element, additional, path: Self.index(path, index), depth: depth + 1, into: &out)
      }
    }
    if schema["uniqueItems"] == .bool(true), elements.count <= 10_000 {
      outer: for i in elements.indices {
        for j in elements.indices where j > i && JSONEquality.equal(elements[i], elements[j]) {
          out.append(Violation(path: Self.show(path), message: "expected unique items, got [\(i)] equal to [\(j)]"))
          break outer
        }
      }
    }
  }

  func checkObject(
    _ members: [JSONValue.Member], _ schema: JSONValue, path: String, depth: Int, into out: inout [Violation]
  ) {
    func integer(_ key: String) -> Int? { schema[key]?.numberLiteral.flatMap { Int($0) } }
    if case .array(let required) = schema["required"] {
      for case .string(let name) in required where !members.contains(where: { $0.key == name }) {
        out.append(Violation(path: Self.show(Self.member(path, name)), message: "required member missing"))
      }
    }
    if let minimum = integer("minProperties"), members.count < minimum {
      out.append(
        Violation(path: Self.show(path), message: "expected at least \(minimum) members, got \(members.count)"))
    }
    if let maximum = integer("maxProperties"), members.count > maximum {
      out.append(Violation(path: Self.show(path), message: "expected at most \(maximum) members, got \(members.count)"))
    }
    var patternSchemas: [(Regex<AnyRegexOutput>, JSONValue)] = []
    if case .object(let patternMembers) = schema["patternProperties"] {
      patternSchemas = patternMembers.compactMap { member in patterns.regex(member.key).map { ($0, member.value) } }
    }
    let properties = schema["properties"]
    let additional = schema["additionalProperties"]
    for member in members {
      let memberPath = Self.member(path, member.key)
      var described = false
      if let propertySchema = properties?[member.key] {
        described = true
        check(member.value, propertySchema, path: memberPath, depth: depth + 1, into: &out)
      }
      for (regex, patternSchema) in patternSchemas where member.key.contains(regex) {
        described = true
        check(member.value, patternSchema, path: memberPath, depth: depth + 1, into: &out)
      }
      guard !described, let additional else { continue }
      if additional == .bool(false) {
        out.append(Violation(path: Self.show(memberPath), message: "unexpected member (additionalProperties is false)"))
      } else {
        check(member.value, additional, path: memberPath, depth: depth + 1, into: &out)
      }
    }
  }

  func checkCombinations(
    _ value: JSONValue, _ schema: JSONValue, path: String, depth: Int, into out: inout [Violation]
  ) {
    if case .array(let all) = schema["allOf"] {
      for part in all { check(value, part, path: path, depth: depth + 1, into: &out) }
    }
    for keyword in ["anyOf", "oneOf"] {
      guard case .array(let alternatives) = schema[keyword], !alternatives.isEmpty else { continue }
      let results = alternatives.map { alternative -> [Violation] in
        var found: [Violation] = []
        check(value, alternative, path: path, depth: depth + 1, into: &found)
        return found
      }
      let passing = results.filter { $0.isEmpty }.count
      if passing == 0 {
        // The alternative that came nearest says best what is wrong: the one whose complaints are deepest
        // inside the value (its type fits), then the one with fewest.
        let here = Self.show(path)
        let nearest = results.min { a, b in
          let (x, y) = (a.filter { $0.path == here }.count, b.filter { $0.path == here }.count)
          return x != y ? x < y : a.count < b.count
        }!
        let note = " (nearest of the \(alternatives.count) alternatives of \(keyword))"
        out.append(contentsOf: nearest.map { Violation(path: $0.path, message: $0.message + note) })
      } else if keyword == "oneOf", passing > 1 {
        out.append(
          Violation(
            path: Self.show(path),
            message: "matches \(passing) of the \(alternatives.count) alternatives of oneOf, expected exactly one"))
      }
    }
    if let negated = schema["not"] {
      var found: [Violation] = []
      check(value, negated, path: path, depth: depth + 1, into: &found)
      if found.isEmpty {
        out.append(Violation(path: Self.show(path), message: "matches the schema of not, got \(Self.describe(value))"))
      }
    }
    if let condition = schema["if"] {
      var found: [Violation] = []
      check(value, condition, path: path, depth: depth + 1, into: &found)
      if let branch = found.isEmpty ? schema["then"] : schema["else"] {
        check(value, branch, path: path, depth: depth + 1, into: &out)
      }
    }
  }

  // MARK: - Words

  static func isArray(_ value: JSONValue) -> Bool {
    if case .array = value { return true }
    return false
  }

  static func hasType(_ value: JSONValue, _ name: String) -> Bool {
    switch (value, name) {
    case (.null, "null"), (.bool, "boolean"), (.object, "object"), (.array, "array"), (.string, "string"),
      (.number, "number"):
      return true
    case (.number(let literal), "integer"): return JSONEquality.isIntegral(literal)
    default: return false
    }
  }

  /// `a`, `a or b`, `a, b or c`.
  static func list(_ words: [String]) -> String {
    words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
  }

  /// The path as shown: `.` for the whole value.
  static func show(_ path: String) -> String { path.isEmpty ? "." : path }

  /// `path.key`, or `path["odd key"]` when the key is not a plain name.
  static func member(_ path: String, _ key: String) -> String {
    let plain =
      !key.isEmpty && key.utf8.first.map { !(0x30...0x39).contains($0) } == true
      && key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F }
    return plain ? path + "." + key : (path.isEmpty ? "." : path) + "[" + literal(.string(key)) + "]"
  }

  /// `path[index]` (`.[0]` at the top, as jq writes it).
  static func index(_ path: String, _ index: Int) -> String { (path.isEmpty ? "." : path) + "[\(index)]" }

  /// A value in a message: `string "n/a"`, `number 5`, `boolean true`, `null`, `object`, `array of 3`.
  static func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return "boolean \(flag)"
    case .number(let literal): return "number \(literal)"
    case .string: return "string " + literal(value)
    case .object(let members): return members.isEmpty ? "empty object" : "object"
    case .array(let elements): return elements.isEmpty ? "empty array" : "array of \(elements.count)"
    }
  }

  /// A value as short JSON, strings cut at 60 characters, controls escaped.
  static func literal(_ value: JSONValue) -> String {
    var shown = value
    if case .string(let text) = value, text.count > 60 { shown = .string(String(text.prefix(60)) + "…") }
    var out: [UInt8] = []
    JSONWriter.append(shown, to: &out)
    if out.count > 80 { out = Array(out.prefix(77)) + Array("…".utf8) }
    VisibleText.escapeControlsInJSON(&out, hidden: true)
    return String(decoding: out, as: UTF8.self)
  }
}

/// JSON equality as JSON Schema means it: numbers by value (`1` equals `1.0`), objects regardless of order.
enum JSONEquality {
  static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x == y || Double(x) == Double(y)
    case (.object(let x), .object(let y)):
      return x.count == y.count && x.allSatisfy { member in b[member.key].map { equal(member.value, $0) } ?? false }
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
    default: return a == b
    }
  }

  /// Whether a number literal is a whole number (`3`, `3.0`, `1e2`), as `"type": "integer"` means.
  static func isIntegral(_ literal: String) -> Bool {
    if !literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) { return true }
    guard let value = Double(literal), value.isFinite else { return false }
    return value == value.rounded()
  }
}
