/// A parsed JSON value that keeps what a round trip must not change: the order of an object's members
/// and the literal spelling of numbers (`9.0` stays `9.0`, `12345678901234567890` stays as written).
public indirect enum JSONValue: Equatable, Sendable {
  /// An object: its members in the order written, a repeated key kept as often as it appears.
  case object([Member])
  /// An array of values.
  case array([JSONValue])
  /// A string, unescaped.
  case string(String)
  /// A number, exactly as it was written.
  case number(String)
  /// `true` or `false`.
  case bool(Bool)
  /// `null`.
  case null

  /// One `"key": value` pair of an object, in the order it was written.
  public struct Member: Equatable, Sendable {
    /// The member's name, unescaped.
    public var key: String
    /// The member's value.
    public var value: JSONValue
    /// The member `"key": value`.
    public init(_ key: String, _ value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  /// The value of the first member named `key`, when this is an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// The string, when this is a string.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The literal, when this is a number.
  public var numberLiteral: String? {
    if case .number(let n) = self { return n }
    return nil
  }

  /// The Boolean, when this is `true` or `false`.
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
}
