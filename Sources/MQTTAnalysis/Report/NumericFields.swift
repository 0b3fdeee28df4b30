import MQTTCapture

/// The numbers in a JSON payload, each with the path that leads to it: `actual`, `progress.completion`,
/// `axes[0]`; a bare number is the path `""`.
enum NumericFields {
  /// Array elements looked at: a huge array is not a thousand series.
  static let arrayElements = 8
  /// Nesting looked into.
  static let depth = 8

  /// Calls `body` with each number's path and value, in the payload's order. OctoPrint's `_timestamp` (a
  /// time, not a measurement) is left out.
  static func visit(_ value: JSONValue, _ body: (String, Double) -> Void) {
    visit(value, path: "", depth: 0, body)
  }

  private static func visit(_ value: JSONValue, path: String, depth: Int, _ body: (String, Double) -> Void) {
    switch value {
    case .number(let literal):
      if let number = Double(literal), number.isFinite { body(path, number) }
    case .object(let members):
      guard depth < Self.depth else { return }
      for member in members where !(depth == 0 && member.key == "_timestamp") {
        visit(member.value, path: path.isEmpty ? member.key : path + "." + member.key, depth: depth + 1, body)
      }
    case .array(let elements):
      guard depth < Self.depth else { return }
      for (i, element) in elements.prefix(arrayElements).enumerated() {
        visit(element, path: path + "[\(i)]", depth: depth + 1, body)
      }
    case .string, .bool, .null:
      return
    }
  }
}
