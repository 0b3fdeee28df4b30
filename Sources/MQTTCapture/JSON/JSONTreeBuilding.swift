/// What a `JSONTreeParser` makes of the values it reads: one static function per kind of value.
///
/// The grammar is walked once, in `JSONTreeParser`; a conformer only says what to build. `JSONValue` is the
/// strict tree (`JSONParser`); `LooseJSON` keeps strings as bytes and where each value was written.
protocol JSONTreeBuilding {
  /// A value of the tree.
  associatedtype Value
  /// What a string, or a member's name, becomes.
  associatedtype Text
  /// One `"key": value` pair of an object.
  associatedtype Member

  /// Whether strings may hold bytes that are not UTF-8 and raw control characters (copied as they are),
  /// and a `\u` escape of a lone surrogate (which then stands for U+FFFD). Strict RFC 8259 when false.
  static var stringsMayHoldAnyBytes: Bool { get }

  /// A string's bytes, escapes decoded (valid UTF-8 unless `stringsMayHoldAnyBytes`).
  static func text(_ bytes: UnsafeRawBufferPointer) -> Text
  /// The member `"key": value`.
  static func member(_ key: Text, _ value: Value) -> Member
  /// An object written at `span` (byte offsets in the text parsed).
  static func object(_ members: [Member], span: Range<Int>) -> Value
  /// An array written at `span`.
  static func array(_ elements: [Value], span: Range<Int>) -> Value
  /// A string written at `span`.
  static func string(_ text: Text, span: Range<Int>) -> Value
  /// A number literal, exactly as it was written at `span`.
  static func number(_ literal: String, span: Range<Int>) -> Value
  /// `true` or `false` written at `span`.
  static func bool(_ value: Bool, span: Range<Int>) -> Value
  /// `null` written at `span`.
  static func null(span: Range<Int>) -> Value
}

/// The strict tree: strings of valid UTF-8, positions not kept.
extension JSONValue: JSONTreeBuilding {
  static var stringsMayHoldAnyBytes: Bool { false }
  static func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
  static func member(_ key: String, _ value: JSONValue) -> Member { Member(key, value) }
  static func object(_ members: [Member], span: Range<Int>) -> JSONValue { .object(members) }
  static func array(_ elements: [JSONValue], span: Range<Int>) -> JSONValue { .array(elements) }
  static func string(_ text: String, span: Range<Int>) -> JSONValue { .string(text) }
  static func number(_ literal: String, span: Range<Int>) -> JSONValue { .number(literal) }
  static func bool(_ value: Bool, span: Range<Int>) -> JSONValue { .bool(value) }
  static func null(span: Range<Int>) -> JSONValue { .null }
}
