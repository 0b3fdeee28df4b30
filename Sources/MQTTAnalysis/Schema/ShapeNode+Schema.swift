import MQTTCapture

extension ShapeNode {
  /// What a rendering includes beyond types and members.
  struct Rendering {
    var enumLimit: Int
    var enumMinimumRepeat: Int
    var maxDepth: Int
    /// `enum`, `minimum`/`maximum`, `minItems`/`maxItems`: the values seen, not only their types.
    var values: Bool
  }

  /// The JSON Schema (draft 2020-12) that every value added to this node validates against, keys in the
  /// order a reader expects: `type`, then the keywords of each type, members in wire order.
  func schema(_ rendering: Rendering) -> JSONValue {
    var out: [JSONValue.Member] = []
    if tooDeep > 0 {
      // Something below here could not be followed: any value is allowed, said in one sentence.
      out.append(
        .init("description", .string("Nested deeper than \(rendering.maxDepth) levels: any value, not described.")))
      return .object(out)
    }
    var types: [String] = []
    if objects > 0 { types.append("object") }
    if arrays > 0 { types.append("array") }
    if strings > 0 { types.append("string") }
    if decimals > 0 {
      types.append("number")
    } else if integers > 0 {
      types.append("integer")
    }
    if booleans > 0 { types.append("boolean") }
    if nulls > 0 { types.append("null") }
    if types.count == 1 {
      out.append(.init("type", .string(types[0])))
    } else if !types.isEmpty {
      out.append(.init("type", .array(types.map { .string($0) })))
    }
    if objects > 0 { appendObjectKeywords(to: &out, rendering) }
    if arrays > 0 {
      if let itemNode = items.first { out.append(.init("items", itemNode.schema(rendering))) }
      if rendering.values {
        out.append(.init("minItems", .number(String(minItems))))
        out.append(.init("maxItems", .number(String(maxItems))))
      }
    }
    guard rendering.values else { return .object(out) }
    if strings > 0, !stringsOverflow, !distinctStrings.isEmpty,
      strings >= distinctStrings.count + rendering.enumMinimumRepeat, types == ["string"]
    {
      out.append(
        .init(
          "enum",
          .array(
            distinctStrings.indices.sorted { (stringRanks[$0], $0) < (stringRanks[$1], $1) }
              .map { .string(distinctStrings[$0]) })))
    }
    if let minimum, let maximum {
      out.append(.init("minimum", .number(minimum.literal)))
      out.append(.init("maximum", .number(maximum.literal)))
    }
    return .object(out)
  }

  private func appendObjectKeywords(to out: inout [JSONValue.Member], _ rendering: Rendering) {
    var properties: [JSONValue.Member] = []
    var required: [JSONValue] = []
    for (index, key) in keys.enumerated() {
      properties.append(.init(key, children[index].schema(rendering)))
      if presence[index] == objects { required.append(.string(key)) }
    }
    out.append(.init("properties", .object(properties)))
    if !required.isEmpty { out.append(.init("required", .array(required))) }
    if keysOverflow {
      out.append(
        .init(
          "$comment",
          .string("More than \(keys.count) distinct member names: only the first \(keys.count) are described.")))
    }
  }

  /// A summary of the shape (types, member names, item shapes; not bounds, enums or `required`): values
  /// of sibling topics whose signatures are equal are described as one wildcard channel.
  func signature(into out: inout String) {
    if tooDeep > 0 {
      out += "*"
      return
    }
    if nulls > 0 { out += "z" }
    if booleans > 0 { out += "b" }
    if integers + decimals > 0 { out += "n" }
    if strings > 0 { out += "s" }
    if arrays > 0 {
      out += "["
      items.first?.signature(into: &out)
      out += "]"
    }
    if objects > 0 {
      out += "{"
      for index in keys.indices.sorted(by: { keys[$0] < keys[$1] }) {
        out += keys[index].debugDescription
        out += ":"
        children[index].signature(into: &out)
        out += ","
      }
      if keysOverflow { out += "…" }
      out += "}"
    }
  }
}
