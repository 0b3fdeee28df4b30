/// Turns records into the JSON Lines of the capture format (docs/capture-format.md).
public enum RecordEncoder {
  /// Appends a literal by copying its bytes (cheaper than going through a String's UTF-8 view).
  @inline(__always)
  static func literal(_ text: StaticString, _ out: inout [UInt8]) {
    text.withUTF8Buffer { out.append(contentsOf: $0) }
  }

  /// Appends `message` as one line, newline included.
  public static func append(_ message: CapturedMessage, to out: inout [UInt8]) {
    var topic = message.topic
    topic.withUTF8 { topicBytes in
      message.payload.withUnsafeBytes { payload in
        append(
          timestamp: message.timestamp, topic: UnsafeRawBufferPointer(topicBytes), payload: payload, qos: message.qos,
          retain: message.retain, properties: message.properties, to: &out)
      }
    }
  }

  /// Appends a message given as bytes (the capture loop's path: no copies on the way to the file).
  /// - Parameter topic: the topic's UTF-8.
  public static func append(
    timestamp: Timestamp, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: MQTTQoS, retain: Bool,
    properties: MQTTProperties, to out: inout [UInt8]
  ) {
    literal(#"{"ts":"#, &out)
    timestamp.appendDecimal(to: &out)
    literal(#","topic":"#, &out)
    JSONWriter.appendString(topic, to: &out)
    literal(#","qos":"#, &out)
    out.append(0x30 + qos.rawValue)
    retain ? literal(#","retain":true"#, &out) : literal(#","retain":false"#, &out)
    if isValidUTF8(payload) {
      literal(#","payload":"#, &out)
      JSONWriter.appendString(payload, to: &out)
    } else {
      literal(#","payload_b64":""#, &out)
      Base64.encode(payload, to: &out)
      out.append(0x22)
    }
    if !properties.isEmpty {
      literal(#","properties":"#, &out)
      appendProperties(properties, to: &out)
    }
    literal("}\n", &out)
  }

  private static func appendProperties(_ p: MQTTProperties, to out: inout [UInt8]) {
    var object = JSONObjectWriter()
    func key(_ name: String) { object.key(name, to: &out) }
    if let v = p.contentType {
      key("content_type")
      JSONWriter.appendString(v, to: &out)
    }
    if let v = p.payloadFormatIndicator {
      key("payload_format_indicator")
      JSONWriter.appendInteger(v, to: &out)
    }
    if let v = p.messageExpiryInterval {
      key("message_expiry_interval")
      JSONWriter.appendInteger(v, to: &out)
    }
    if let v = p.responseTopic {
      key("response_topic")
      JSONWriter.appendString(v, to: &out)
    }
    if let v = p.correlationData {
      key("correlation_data_b64")
      out.append(0x22)
      v.withUnsafeBytes { Base64.encode($0, to: &out) }
      out.append(0x22)
    }
    if !p.userProperties.isEmpty {
      key("user_properties")
      out.append(UInt8(ascii: "["))
      for (i, pair) in p.userProperties.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "["))
        JSONWriter.appendString(pair.name, to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendString(pair.value, to: &out)
        out.append(UInt8(ascii: "]"))
      }
      out.append(UInt8(ascii: "]"))
    }
    object.close(to: &out)
  }

  /// Appends a connection event as one line.
  public static func append(_ event: ConnectionEvent, to out: inout [UInt8]) {
    out.append(contentsOf: #"{"ts":"#.utf8)
    event.timestamp.appendDecimal(to: &out)
    out.append(contentsOf: #","event":"#.utf8)
    JSONWriter.appendString(event.kind.rawValue, to: &out)
    if let reason = event.reason {
      out.append(contentsOf: #","reason":"#.utf8)
      JSONWriter.appendString(reason, to: &out)
    }
    out.append(contentsOf: "}\n".utf8)
  }

  /// Appends a header as one line.
  public static func append(_ header: CaptureHeader, to out: inout [UInt8]) {
    out.append(contentsOf: #"{"mqtt_dumper_capture":"#.utf8)
    JSONWriter.appendInteger(header.version, to: &out)
    out.append(contentsOf: #","created":"#.utf8)
    JSONWriter.appendString(header.created, to: &out)
    out.append(contentsOf: #","tool":"#.utf8)
    JSONWriter.appendString(header.tool, to: &out)
    out.append(contentsOf: #","broker":"#.utf8)
    JSONWriter.appendString(header.broker, to: &out)
    out.append(contentsOf: #","protocol":"#.utf8)
    JSONWriter.appendString(header.protocolName, to: &out)
    out.append(contentsOf: #","subscriptions":["#.utf8)
    for (i, s) in header.subscriptions.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: #"{"filter":"#.utf8)
      JSONWriter.appendString(s.filter, to: &out)
      out.append(contentsOf: #","qos":"#.utf8)
      out.append(0x30 + s.qos.rawValue)
      out.append(UInt8(ascii: "}"))
    }
    out.append(UInt8(ascii: "]"))
    if let group = header.group {
      out.append(contentsOf: #","group":"#.utf8)
      JSONWriter.appendString(group, to: &out)
    }
    if let instance = header.instance {
      out.append(contentsOf: #","instance":"#.utf8)
      JSONWriter.appendString(instance, to: &out)
    }
    if !header.sources.isEmpty {
      out.append(contentsOf: #","sources":["#.utf8)
      for (i, source) in header.sources.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        JSONWriter.appendString(source, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    if header.sourceInstances.contains(where: { $0 != nil }) {
      out.append(contentsOf: #","instances":"#.utf8)
      JSONWriter.append(.array(header.sourceInstances.map { $0.map(JSONValue.string) ?? .null }), to: &out)
    }
    out.append(contentsOf: "}\n".utf8)
  }

  /// Appends any record as one line.
  public static func append(_ record: CaptureRecord, to out: inout [UInt8]) {
    switch record {
    case .header(let h): append(h, to: &out)
    case .message(let m): append(m, to: &out)
    case .event(let e): append(e, to: &out)
    }
  }
}
