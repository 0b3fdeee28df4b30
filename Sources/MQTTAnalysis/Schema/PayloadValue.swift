import MQTTCapture

/// A payload as the schemas see it: the JSON value it holds, or its text, or (not UTF-8) its bytes.
///
/// This is the rule `schema` describes payloads by and `check` validates them by: a payload that is one JSON
/// text is its value; any other UTF-8 payload is the JSON string of its text; other bytes are the JSON string
/// of their base64.
public enum PayloadValue: Sendable, Equatable {
  /// A JSON text, parsed.
  case json(JSONValue)
  /// JSON nested deeper than `PayloadValue.maxDepth` levels: too deep to be taken apart.
  case tooDeep
  /// UTF-8 text that is not JSON (an empty payload is empty text).
  case text(String)
  /// Bytes that are not UTF-8.
  case binary([UInt8])

  /// How deep a payload's JSON may nest before it is `tooDeep`.
  public static let maxDepth = 512

  /// Classifies `payload`.
  public init(_ payload: [UInt8]) {
    let parsed: Result<JSONValue, any Error> = payload.withUnsafeBytes { bytes in
      Result { try JSONParser.parse(bytes, maxDepth: PayloadValue.maxDepth) }
    }
    switch parsed {
    case .success(let value): self = .json(value)
    case .failure(let error as JSONSyntaxError)
    where error.message.hasPrefix("JSON nested deeper") && Self.isJSONAtAnyDepth(payload):
      self = .tooDeep
    case .failure:
      if isValidUTF8(payload) {
        self = .text(String(decoding: payload, as: UTF8.self))
      } else {
        self = .binary(payload)
      }
    }
  }

  /// Whether `payload` is JSON however deep it nests (an unclosed `[[[…` is not).
  static func isJSONAtAnyDepth(_ payload: [UInt8]) -> Bool {
    payload.withUnsafeBytes { bytes in
      var scanner = JSONShapeScanner(bytes)
      return scanner.isJSONAtAnyDepth()
    }
  }

  /// The JSON value a schema validates: the parsed JSON, the text as a string, the bytes' base64 as a
  /// string; nil when too deep.
  public var jsonValue: JSONValue? {
    switch self {
    case .json(let value): return value
    case .tooDeep: return nil
    case .text(let text): return .string(text)
    case .binary(let bytes): return .string(Base64.encode(bytes))
    }
  }
}
