/// Why one line of a capture is not a record.
public struct RecordSyntaxError: Error, Equatable, Sendable {
  /// What is wrong, as a clause: `no "ts" number`, `"qos" must be 0, 1 or 2`.
  public var message: String
  /// The error `message`.
  public init(message: String) { self.message = message }
}

/// Turns capture lines back into records. Fields it does not know are ignored, so newer writers
/// can add them.
public enum RecordDecoder {
  /// Decodes one line (without its newline).
  /// - Throws: `RecordSyntaxError` saying what is wrong with the line.
  public static func decode(_ line: UnsafeRawBufferPointer) throws -> CaptureRecord {
    if let message = fastMessage(line) { return .message(message) }
    return try decodeGeneral(line)
  }

  /// Any record, through a JSON tree.
  static func decodeGeneral(_ line: UnsafeRawBufferPointer) throws -> CaptureRecord {
    let value: JSONValue
    do {
      value = try JSONParser.parse(line, maxDepth: 16)
    } catch {
      throw RecordSyntaxError(message: "invalid JSON (\(error))")
    }
    guard case .object = value else { throw RecordSyntaxError(message: "not a JSON object") }
    if value["mqtt_dumper_capture"] != nil { return .header(try decodeHeader(value)) }
    let ts = try timestamp(value)
    if let kind = value["event"] {
      guard let kind = kind.stringValue else { throw RecordSyntaxError(message: "\"event\" is not a string") }
      return .event(ConnectionEvent(kind: .init(rawValue: kind), timestamp: ts, reason: value["reason"]?.stringValue))
    }
    return .message(try decodeMessage(value, timestamp: ts))
  }

  /// Decodes one line given as a string.
  /// - Throws: `RecordSyntaxError` saying what is wrong with the line.
  public static func decode(_ line: String) throws -> CaptureRecord {
    var copy = line
    return try copy.withUTF8 { (buffer) throws -> CaptureRecord in
      try decode(UnsafeRawBufferPointer(buffer))
    }
  }

  private static func timestamp(_ value: JSONValue) throws -> Timestamp {
    guard let literal = value["ts"]?.numberLiteral else {
      throw RecordSyntaxError(message: "no \"ts\" number")
    }
    guard let ts = Timestamp(decimal: literal) else {
      throw RecordSyntaxError(message: "\"ts\" \(literal) is not a time in Unix seconds")
    }
    return ts
  }

  private static func decodeMessage(_ value: JSONValue, timestamp: Timestamp) throws
    -> CapturedMessage
  {
    guard let topic = value["topic"]?.stringValue else {
      throw RecordSyntaxError(message: "no \"topic\" string")
    }
    var qos = MQTTQoS.atMostOnce
    if let literal = value["qos"] {
      guard let n = literal.numberLiteral, let raw = UInt8(n), let q = MQTTQoS(rawValue: raw) else {
        throw RecordSyntaxError(message: "\"qos\" must be 0, 1 or 2")
      }
      qos = q
    }
    var retain = false
    if let flag = value["retain"] {
      guard let b = flag.boolValue else { throw RecordSyntaxError(message: "\"retain\" must be true or false") }
      retain = b
    }
    let payload: [UInt8]
    switch (value["payload"], value["payload_b64"]) {
    case (.some(let text), nil):
      guard let s = text.stringValue else { throw RecordSyntaxError(message: "\"payload\" is not a string") }
      payload = Array(s.utf8)
    case (nil, .some(let b64)):
      guard let s = b64.stringValue, let bytes = Base64.decode(s) else {
        throw RecordSyntaxError(message: "\"payload_b64\" is not valid base64")
      }
      payload = bytes
    case (nil, nil): throw RecordSyntaxError(message: "neither \"payload\" nor \"payload_b64\"")
    case (.some, .some): throw RecordSyntaxError(message: "both \"payload\" and \"payload_b64\"")
    }
    var properties = MQTTProperties()
    if let p = value["properties"] {
      properties = try decodeProperties(p)
    }
    return CapturedMessage(
      timestamp: timestamp, topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
  }

  private static func decodeProperties(_ p: JSONValue) throws -> MQTTProperties {
    guard case .object = p else { throw RecordSyntaxError(message: "\"properties\" is not an object") }
    func invalid(_ name: String) -> RecordSyntaxError {
      RecordSyntaxError(message: "property \"\(name)\" has the wrong type")
    }
    var result = MQTTProperties()
    if let v = p["content_type"] {
      guard let s = v.stringValue else { throw invalid("content_type") }
      result.contentType = s
    }
    if let v = p["payload_format_indicator"] {
      guard let n = v.numberLiteral, let b = UInt8(n) else { throw invalid("payload_format_indicator") }
      result.payloadFormatIndicator = b
    }
    if let v = p["message_expiry_interval"] {
      guard let n = v.numberLiteral, let i = UInt32(n) else { throw invalid("message_expiry_interval") }
      result.messageExpiryInterval = i
    }
    if let v = p["response_topic"] {
      guard let s = v.stringValue else { throw invalid("response_topic") }
      result.responseTopic = s
    }
    if let v = p["correlation_data_b64"] {
      guard let s = v.stringValue, let bytes = Base64.decode(s) else { throw invalid("correlation_data_b64") }
      result.correlationData = bytes
    }
    if let v = p["user_properties"] {
      guard case .array(let pairs) = v else { throw invalid("user_properties") }
      for pair in pairs {
        guard case .array(let nv) = pair, nv.count == 2, let name = nv[0].stringValue,
          let value = nv[1].stringValue
        else { throw invalid("user_properties") }
        result.userProperties.append(MQTTUserProperty(name, value))
      }
    }
    return result
  }

  private static func decodeHeader(_ value: JSONValue) throws -> CaptureHeader {
    guard let literal = value["mqtt_dumper_capture"]?.numberLiteral, let version = Int(literal) else {
      throw RecordSyntaxError(message: "\"mqtt_dumper_capture\" is not a version number")
    }
    var subscriptions: [CaptureSubscription] = []
    if case .array(let subs) = value["subscriptions"] {
      for s in subs {
        guard let filter = s["filter"]?.stringValue else { continue }
        let qos = s["qos"]?.numberLiteral.flatMap { UInt8($0) }.flatMap { MQTTQoS(rawValue: $0) } ?? .atMostOnce
        subscriptions.append(CaptureSubscription(filter: filter, qos: qos))
      }
    }
    var sources: [String] = []
    if case .array(let list) = value["sources"] { sources = list.compactMap(\.stringValue) }
    var instances: [String?] = []
    if case .array(let list) = value["instances"], list.count == sources.count { instances = list.map(\.stringValue) }
    return CaptureHeader(
      version: version, created: value["created"]?.stringValue ?? "", tool: value["tool"]?.stringValue ?? "",
      broker: value["broker"]?.stringValue ?? "", protocolName: value["protocol"]?.stringValue ?? "",
      subscriptions: subscriptions, sources: sources, group: value["group"]?.stringValue,
      instance: value["instance"]?.stringValue, sourceInstances: instances)
  }
}
