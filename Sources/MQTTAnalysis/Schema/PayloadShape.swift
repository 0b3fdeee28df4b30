import MQTTCapture

/// Everything inferred about the payloads of one topic (or, merged, of several): the JSON shape, how many
/// were text or binary and their sizes, QoS and retain, and one example.
struct PayloadShape: Sendable {
  var count = 0
  var json = ShapeNode()
  var jsonCount = 0
  var tooDeepCount = 0
  var textCount = 0
  var textBytes = 0...0
  var binaryCount = 0
  var binaryBytes = 0...0
  var qosCounts = [0, 0, 0]
  var retained = 0
  var example: [UInt8]?

  mutating func add(_ message: CapturedMessage, limits: ShapeNode.Limits, exampleLimit: Int) {
    count += 1
    qosCounts[Int(message.qos.rawValue)] += 1
    if message.retain { retained += 1 }
    if example == nil, message.payload.count <= exampleLimit { example = message.payload }
    let verdict = message.payload.withUnsafeBytes { bytes -> JSONShapeScanner.Verdict in
      var scanner = JSONShapeScanner(bytes)
      let verdict = scanner.validate()
      if verdict == .json { scanner.feed(&json, limits: limits) }
      // An unclosed `[[[…` stops at the depth limit too: it is text, not JSON too deep.
      if verdict == .tooDeep, !scanner.isJSONAtAnyDepth() { return .invalid }
      return verdict
    }
    switch verdict {
    case .json: jsonCount += 1
    case .tooDeep: tooDeepCount += 1
    case .invalid:
      if isValidUTF8(message.payload) {
        Self.extend(&textBytes, count: &textCount, with: message.payload.count)
      } else {
        Self.extend(&binaryBytes, count: &binaryCount, with: message.payload.count)
      }
    case .needsParser: addParsed(message.payload, limits: limits)
    }
  }

  /// The parser's path, for payloads with `\u` escapes (and the reference the scanner is tested against).
  mutating func addParsed(_ payload: [UInt8], limits: ShapeNode.Limits) {
    switch PayloadValue(payload) {
    case .json(let value):
      jsonCount += 1
      json.add(value, depth: 0, limits: limits)
    case .tooDeep: tooDeepCount += 1
    case .text: Self.extend(&textBytes, count: &textCount, with: payload.count)
    case .binary: Self.extend(&binaryBytes, count: &binaryCount, with: payload.count)
    }
  }

  private static func extend(_ range: inout ClosedRange<Int>, count: inout Int, with size: Int) {
    range = count == 0 ? size...size : min(range.lowerBound, size)...max(range.upperBound, size)
    count += 1
  }

  mutating func merge(_ other: PayloadShape, limits: ShapeNode.Limits) {
    count += other.count
    json.merge(other.json, limits: limits)
    jsonCount += other.jsonCount
    tooDeepCount += other.tooDeepCount
    if other.textCount > 0 {
      textBytes = Self.union(textBytes, textCount, other.textBytes)
      textCount += other.textCount
    }
    if other.binaryCount > 0 {
      binaryBytes = Self.union(binaryBytes, binaryCount, other.binaryBytes)
      binaryCount += other.binaryCount
    }
    for level in 0..<3 { qosCounts[level] += other.qosCounts[level] }
    retained += other.retained
    if example == nil { example = other.example }
  }

  private static func union(_ range: ClosedRange<Int>, _ count: Int, _ other: ClosedRange<Int>) -> ClosedRange<Int> {
    count == 0 ? other : min(range.lowerBound, other.lowerBound)...max(range.upperBound, other.upperBound)
  }

  /// Which payload kinds were seen, as a signature part (see `ShapeNode.signature`).
  var signature: String {
    var out = ""
    if jsonCount > 0 {
      out += "J"
      json.signature(into: &out)
    }
    if tooDeepCount > 0 { out += "D" }
    if textCount > 0 { out += "T" }
    if binaryCount > 0 { out += "B" }
    return out
  }

  /// The observed QoS levels, lowest first.
  var qosLevels: [MQTTQoS] { MQTTQoS.allCases.filter { qosCounts[Int($0.rawValue)] > 0 } }

  /// The schema of these payloads: one alternative per kind seen (JSON, text, binary), `anyOf` when more
  /// than one.
  func schema(options: SchemaInference.Options) -> JSONValue {
    var alternatives: [JSONValue] = []
    if jsonCount > 0 {
      alternatives.append(
        json.schema(
          .init(
            enumLimit: options.enumLimit, enumMinimumRepeat: options.enumMinimumRepeat, maxDepth: options.maxDepth,
            values: options.values)))
    }
    if tooDeepCount > 0 {
      alternatives.append(
        .object([
          .init(
            "description",
            .string(
              "JSON nested deeper than \(PayloadValue.maxDepth) levels (\(tooDeepCount) payloads): not described."))
        ]))
    }
    if textCount > 0 {
      alternatives.append(
        .object([
          .init("type", .string("string")),
          .init("contentMediaType", .string("text/plain")),
          .init("description", .string("Text that is not JSON, \(Self.sizes(textBytes)); checked as a JSON string.")),
        ]))
    }
    if binaryCount > 0 {
      alternatives.append(
        .object([
          .init("type", .string("string")),
          .init("contentEncoding", .string("base64")),
          .init("contentMediaType", .string("application/octet-stream")),
          .init(
            "description",
            .string("Binary (not UTF-8), \(Self.sizes(binaryBytes)); checked as the JSON string of its base64.")),
        ]))
    }
    if alternatives.count == 1 { return alternatives[0] }
    return .object([.init("anyOf", .array(alternatives))])
  }

  private static func sizes(_ range: ClosedRange<Int>) -> String {
    range.lowerBound == range.upperBound
      ? "\(range.lowerBound) bytes" : "\(range.lowerBound) to \(range.upperBound) bytes"
  }

  /// The example payload as a JSON value (the value, the text, the base64), nil when none was kept.
  var exampleValue: JSONValue? { example.flatMap { PayloadValue($0).jsonValue } }
}
