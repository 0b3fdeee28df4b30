/// Messages as `mosquitto_sub -F '%j'` (2.0.11) writes them, so that `convert` reads them back:
/// `{"tst":"…Z+0000","topic":…,"qos":…,"retain":0|1,"payloadlen":…,"properties":{…},"payload":"…"}`.
///
/// Times are written in UTC (`Z+0000`) with microseconds; the payload as a JSON string of its bytes (bytes
/// that are not UTF-8 as they are, as mosquitto_sub does; a NUL byte as `\u0000`, which mosquitto_sub would
/// have cut at), an empty payload as `null`; correlation data likewise.
final class MosquittoJSONOutput: ConvertOutput {
  private let file: TextOutput

  init(file: TextOutput) {
    self.file = file
  }

  var losses: [String] { [] }

  func write(_ message: CapturedMessage) throws {
    try file.append { out in
      out.append(contentsOf: #"{"tst":""#.utf8)
      let time = message.timestamp.rfc3339
      out.append(contentsOf: time.utf8.dropLast())  // …Z becomes …Z+0000
      out.append(contentsOf: #"Z+0000","topic":"#.utf8)
      JSONWriter.appendString(message.topic, to: &out)
      out.append(contentsOf: #","qos":"#.utf8)
      out.append(0x30 + message.qos.rawValue)
      out.append(contentsOf: message.retain ? #","retain":1"#.utf8 : #","retain":0"#.utf8)
      out.append(contentsOf: #","payloadlen":"#.utf8)
      JSONWriter.appendInteger(message.payload.count, to: &out)
      if !message.properties.isEmpty { Self.appendProperties(message.properties, to: &out) }
      out.append(contentsOf: #","payload":"#.utf8)
      if message.payload.isEmpty {
        out.append(contentsOf: "null".utf8)
      } else {
        message.payload.withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
      }
      out.append(contentsOf: "}\n".utf8)
    }
  }

  func close() throws { try file.close() }

  func discard() { file.discard() }

  /// mosquitto_sub's order and names (those of its `-D` option).
  private static func appendProperties(_ p: MQTTProperties, to out: inout [UInt8]) {
    out.append(contentsOf: #","properties":"#.utf8)
    var object = JSONObjectWriter()
    func key(_ name: String) { object.key(name, to: &out) }
    if !p.userProperties.isEmpty {
      key("user-properties")
      for (i, pair) in p.userProperties.enumerated() {
        out.append(i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
        JSONWriter.appendString(pair.name, to: &out)
        out.append(UInt8(ascii: ":"))
        JSONWriter.appendString(pair.value, to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
    if let v = p.contentType {
      key("content-type")
      JSONWriter.appendString(v, to: &out)
    }
    if let v = p.responseTopic {
      key("response-topic")
      JSONWriter.appendString(v, to: &out)
    }
    if let v = p.correlationData {
      key("correlation-data")
      v.withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
    }
    if let v = p.payloadFormatIndicator {
      key("payload-format-indicator")
      JSONWriter.appendInteger(v, to: &out)
    }
    if let v = p.messageExpiryInterval {
      key("message-expiry-interval")
      JSONWriter.appendInteger(v, to: &out)
    }
    object.close(to: &out)
  }
}
