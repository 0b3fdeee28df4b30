import MQTTCapture

/// The schemas a document gives topics: the `x-mqtt-channels` map of a JSON Schema that `schema` wrote, the
/// channels of an AsyncAPI 3 document, or, for a JSON Schema without that map, its root for every topic.
public struct SchemaContract {
  /// One topic filter and the schema its payloads must validate against.
  public struct Entry {
    /// The filter as written (`octoPrint/temperature/+`; an AsyncAPI address's `{parameter}` levels as `+`).
    public var filter: String
    /// The schema.
    public var schema: JSONValue
    fileprivate var matcher: TopicFilter
  }

  /// The filters in document order.
  public private(set) var entries: [Entry] = []
  /// Where each filter without wildcards is in `entries` (the first, if repeated).
  private var exact: [String: Int] = [:]
  /// The positions of the filters with wildcards.
  private var wildcards: [Int] = []
  /// The validator over the whole document, which `$ref`s point into.
  public let validator: JSONSchemaValidator

  /// What is wrong with a schema document, as a clause (`its x-mqtt-channels entry "a/#/b" is not a topic
  /// filter`).
  public struct Problem: Error, Sendable, CustomStringConvertible {
    /// The clause.
    public var description: String
  }

  /// Reads the contract a document describes.
  /// - Throws: `Problem` for a document that describes no topic, a bad filter, a `$ref` to nothing.
  public init(document: JSONValue) throws {
    validator = JSONSchemaValidator(document: document)
    if case .string(let version) = document["asyncapi"] {
      guard version.hasPrefix("3.") else {
        throw Problem(description: "it is AsyncAPI \(version); only AsyncAPI 3 documents are read")
      }
      try readAsyncAPI(document)
    } else if case .object(let map) = document["x-mqtt-channels"] {
      for member in map { try add(member.key, member.value, what: "x-mqtt-channels entry") }
    } else if case .object = document {
      try add("#", document, what: "root")
    } else if case .bool = document {
      try add("#", document, what: "root")
    } else {
      throw Problem(description: "it is neither a JSON Schema (an object) nor an AsyncAPI document")
    }
    guard !entries.isEmpty else { throw Problem(description: "it describes no channel") }
    if let bad = Self.badPattern(in: document) {
      throw Problem(description: "its pattern \"\(bad)\" is not a regular expression the validator can read")
    }
  }

  /// The first `pattern` (or `patternProperties` key) in `value` that does not compile.
  private static func badPattern(in value: JSONValue, depth: Int = 0) -> String? {
    guard depth < 256 else { return nil }
    switch value {
    case .object(let members):
      for member in members {
        if member.key == "pattern", case .string(let p) = member.value, (try? Regex(p)) == nil { return p }
        if member.key == "patternProperties", case .object(let keys) = member.value {
          if let bad = keys.first(where: { (try? Regex($0.key)) == nil }) { return bad.key }
        }
        if let bad = badPattern(in: member.value, depth: depth + 1) { return bad }
      }
    case .array(let items):
      for item in items { if let bad = badPattern(in: item, depth: depth + 1) { return bad } }
    default: break
    }
    return nil
  }

  private mutating func add(_ filterText: String, _ schema: JSONValue, what: String) throws {
    guard let matcher = TopicFilter(filterText) else {
      throw Problem(description: "its \(what) \"\(filterText)\" is not a valid MQTT topic filter")
    }
    if let missing = validator.unresolvedReferences(in: schema).first {
      throw Problem(description: "its \(what) \"\(filterText)\" refers to \(missing), which the document does not have")
    }
    // A schema that is only a $ref to a $ref … back to itself validates nothing: {"$ref": "#"}.
    var seen: Set<String> = []
    var current = schema
    while case .string(let reference) = current["$ref"], case .object(let members) = current, members.count == 1 {
      guard seen.insert(reference).inserted, let target = validator.resolve(reference) else {
        throw Problem(description: "its \(what) \"\(filterText)\" is a $ref that leads back to itself (\(reference))")
      }
      current = target
    }
    if filterText.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }) {
      wildcards.append(entries.count)
    } else if exact[filterText] == nil {
      exact[filterText] = entries.count
    }
    entries.append(Entry(filter: filterText, schema: schema, matcher: matcher))
  }

  private mutating func readAsyncAPI(_ document: JSONValue) throws {
    guard case .object(let channels) = document["channels"] else {
      throw Problem(description: "its AsyncAPI document has no channels")
    }
    for member in channels {
      let channel = follow(member.value)
      guard case .string(let address) = channel["address"] else { continue }  // no address: not a topic
      let filter = address.split(separator: "/", omittingEmptySubsequences: false).map { level in
        guard level.hasPrefix("{") && level.hasSuffix("}") else { return String(level) }
        // A parameter of one `enum` value is that level (how `schema` writes a level holding a brace).
        let parameter = follow(channel["parameters"]?[String(level.dropFirst().dropLast())] ?? .null)
        if case .array(let values) = parameter["enum"], values.count == 1, case .string(let value) = values[0] {
          return value
        }
        return "+"
      }.joined(separator: "/")
      var payloads: [JSONValue] = []
      if case .object(let messages) = channel["messages"] {
        for message in messages {
          guard var payload = follow(message.value)["payload"] else {
            payloads.append(.bool(true))  // a message without a payload schema allows any payload
            continue
          }
          payload = follow(payload)
          if let inner = payload["schema"], payload["schemaFormat"] != nil { payload = inner }
          payloads.append(payload)
        }
      }
      let schema: JSONValue =
        payloads.isEmpty ? .bool(true) : payloads.count == 1 ? payloads[0] : .object([.init("anyOf", .array(payloads))])
      try add(filter, schema, what: "channel \(member.key) with the address")
    }
  }

  /// A Reference Object followed to what it names (once, which is all AsyncAPI allows there).
  private func follow(_ value: JSONValue) -> JSONValue {
    guard case .string(let reference) = value["$ref"], let target = validator.resolve(reference) else { return value }
    return target
  }

  /// The entry for `topic`: one whose filter is the topic itself, else the first whose filter matches.
  public func entry(forTopic topic: String) -> Entry? {
    if let position = exact[topic] { return entries[position] }
    return wildcards.first { entries[$0].matcher.matches(topic) }.map { entries[$0] }
  }

  /// How `payload` fails the schema of its topic's entry. JSON nested deeper than `PayloadValue.maxDepth`
  /// levels cannot be taken apart: it passes a schema that allows any value (as `schema` describes such
  /// payloads), and is a violation of one that constrains it.
  public func violations(of payload: [UInt8], on entry: Entry) -> [JSONSchemaValidator.Violation] {
    guard let value = PayloadValue(payload).jsonValue else {
      if allowsAnyValue(entry.schema) { return [] }
      return [
        .init(
          path: ".",
          message: "JSON nested deeper than \(PayloadValue.maxDepth) levels cannot be checked against a schema that "
            + "constrains it")
      ]
    }
    return validator.validate(value, against: entry.schema)
  }

  /// The keywords of `JSONSchemaValidator` that can make a value invalid.
  private static let constraining: Set<String> = [
    "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "pattern", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "properties",
    "patternProperties", "additionalProperties", "required", "minProperties", "maxProperties", "not", "if", "then",
    "else", "oneOf",
  ]

  /// Whether `schema` accepts every value: `true`, `{}`, only annotations (`description`, …), an `anyOf`
  /// with such an alternative, an `allOf` of such schemas, a `$ref` to one.
  func allowsAnyValue(_ schema: JSONValue, depth: Int = 0) -> Bool {
    guard depth < 32 else { return false }
    switch schema {
    case .bool(let allowed): return allowed
    case .object(let members):
      for member in members {
        if Self.constraining.contains(member.key) { return false }
        switch (member.key, member.value) {
        case ("$ref", .string(let reference)):
          guard let target = validator.resolve(reference), allowsAnyValue(target, depth: depth + 1) else {
            return false
          }
        case ("anyOf", .array(let alternatives)):
          guard alternatives.contains(where: { allowsAnyValue($0, depth: depth + 1) }) else { return false }
        case ("allOf", .array(let parts)):
          guard parts.allSatisfy({ allowsAnyValue($0, depth: depth + 1) }) else { return false }
        case ("$ref", _), ("anyOf", _), ("allOf", _): return false
        default: continue
        }
      }
      return true
    default: return false
    }
  }
}
