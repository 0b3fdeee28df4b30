/// What `mosquitto_sub -F '%j'` or `-F '%J'` wrote: one JSON object a line.
///
/// Checked against mosquitto_sub 2.0.11, which writes
/// `{"tst":"2026-11-26T04:30:04.465677Z+0100","topic":"a/b","qos":2,"retain":0,"payloadlen":1,"mid":2,
/// "properties":{…},"payload":"p"}`: `tst` is local time with its offset after a `Z`; `properties` (MQTT v5 only)
/// uses the names of mosquitto's `-D` option, user properties as an object whose names may repeat.
/// - `%j` writes the payload as a JSON string: bytes that are not UTF-8 as they are (so they come back exactly),
///   control characters escaped, an empty payload as `null`, and the payload cut at its first NUL byte.
/// - `%J` writes a JSON payload as a JSON value, re-printed by cJSON (white space dropped, `9.0` as `9`), and an
///   empty line for any other payload.
///
/// Both come back as they were sent where the line can hold it; `losses` counts the rest.
public final class MosquittoJSONRecording: ForeignRecording, CutOffReporting {
  private let lines: LineReader
  private var sawJSONValues = false
  private var cutAtNUL = 0
  private var reprinted = 0
  private var emptyLines = 0

  /// Opens `path` (gzip or plain, `-` for standard input).
  /// - Throws: `CaptureError.cannotOpen`.
  public init(path: String) throws {
    lines = try LineReader(path: path)
  }

  /// What the lines could not hold, one sentence each.
  public var losses: [String] {
    var out: [String] = []
    if emptyLines > 0 {
      out.append(
        "mosquitto_sub -F %J writes an empty line for a payload that is not JSON: "
          + "\(formatCount(emptyLines, "message")) lost")
    }
    if reprinted > 0 {
      out.append(
        "mosquitto_sub -F %J re-prints JSON payloads: \(formatCount(reprinted, "payload")) differ from what was "
          + "sent in white space, number spelling or escapes")
    }
    if cutAtNUL > 0 {
      out.append(
        "mosquitto_sub -F %j cuts a payload at its first NUL byte: \(formatCount(cutAtNUL, "payload")) "
          + "cut short (their payloadlen is larger)")
    }
    if let truncation = lines.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { lines.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for a line that is not mosquitto_sub's JSON.
  public func next() throws -> CapturedMessage? {
    while let raw = try lines.next() {
      var line = Array(raw)
      if line.last == 0x0D { line.removeLast() }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
        // %J's line for a payload that is not JSON (mosquitto_sub said so on its stderr).
        emptyLines += 1
        sawJSONValues = true
        continue
      }
      do {
        return try message(LooseJSON.parse(line), line: line)
      } catch let error as JSONSyntaxError {
        throw fail("is not JSON (\(error))")
      }
    }
    return nil
  }

  private func fail(_ reason: String) -> CaptureError {
    CaptureError.foreignInput(path: lines.path, line: lines.lineNumber, reason: "\(reason), not mosquitto_sub -F %j")
  }

  private func message(_ object: LooseJSON, line: [UInt8]) throws -> CapturedMessage {
    guard case .object = object.kind else { throw fail("is not a JSON object") }
    let time: Timestamp
    switch object["tst"]?.kind {
    case .string(let bytes):
      let tst = String(decoding: bytes, as: UTF8.self)
      guard let t = Self.timestamp(tst) else { throw fail("has a \"tst\" that is not a time (\(tst))") }
      time = t
    case .number(let seconds):
      // Unix seconds, as a format string of one's own may give them.
      guard let t = Timestamp(decimal: seconds) else { throw fail("has a \"tst\" that is not a time (\(seconds))") }
      time = t
    default:
      throw fail("has no \"tst\" time")
    }
    guard let topic = object["topic"]?.text else { throw fail("has no \"topic\"") }
    guard let qosNumber = object["qos"]?.integer, let qos = MQTTQoS(rawValue: UInt8(clamping: qosNumber)) else {
      throw fail("has no \"qos\" of 0, 1 or 2")
    }
    let retain: Bool
    switch object["retain"]?.kind {
    case .number(let n): retain = n != "0"
    case .bool(let b): retain = b
    default: retain = false
    }
    guard let payloadValue = object["payload"] else { throw fail("has no \"payload\"") }
    let length = object["payloadlen"]?.integer
    let payload = self.payload(payloadValue, length: length, line: line)
    var properties = MQTTProperties()
    if let p = object["properties"] { properties = Self.properties(p) }
    return CapturedMessage(
      timestamp: time, topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
  }

  /// The payload's bytes from `value`, as `%j` or `%J` wrote them; `length` is the line's `payloadlen`.
  private func payload(_ value: LooseJSON, length: Int64?, line: [UInt8]) -> [UInt8] {
    var written: [UInt8] { Array(line[value.span]) }
    switch value.kind {
    case .null:
      // An empty payload in both; `%J` writes a payload `null` as null too, and payloadlen tells them apart.
      if length == 4 { return Array("null".utf8) }
      return []
    case .string(let bytes):
      guard let length, bytes.count != length else { return bytes }
      if value.span.count == length {
        // %J: the payload was a JSON string literal, written back as it was.
        sawJSONValues = true
        return written
      }
      if !sawJSONValues && bytes.count < length {
        cutAtNUL += 1
        return bytes
      }
      reprinted += 1
      return written
    default:
      sawJSONValues = true
      if let length, value.span.count != length { reprinted += 1 }
      return written
    }
  }

  /// The properties from mosquitto's names for them; names it does not record are left out.
  static func properties(_ value: LooseJSON) -> MQTTProperties {
    var p = MQTTProperties()
    guard case .object(let members) = value.kind else { return p }
    for (key, v) in members {
      switch String(decoding: key, as: UTF8.self) {
      case "content-type": p.contentType = v.text
      case "payload-format-indicator": p.payloadFormatIndicator = v.integer.map { UInt8(clamping: $0) }
      case "message-expiry-interval": p.messageExpiryInterval = v.integer.map { UInt32(clamping: $0) }
      case "response-topic": p.responseTopic = v.text
      case "correlation-data": p.correlationData = v.bytes
      case "user-properties":
        if case .object(let pairs) = v.kind {
          for (name, value) in pairs {
            p.userProperties.append(MQTTUserProperty(String(decoding: name, as: UTF8.self), value.text ?? ""))
          }
        }
      default: break
      }
    }
    return p
  }

  /// mosquitto_sub's `tst`: `2026-11-26T04:30:04.465677Z+0100` (local time, then its offset from UTC);
  /// plain RFC 3339 (`…Z`, `…+01:00`) is read too.
  public static func timestamp(_ text: String) -> Timestamp? {
    let b = Array(text.utf8)
    guard b.count >= 19 else { return nil }
    var end = 19
    while end < b.count, b[end] == UInt8(ascii: ".") || (0x30...0x39).contains(b[end]) { end += 1 }
    guard let local = Timestamp(rfc3339: String(decoding: b[0..<end], as: UTF8.self) + "Z") else { return nil }
    var rest = b[end...]
    if rest.first == UInt8(ascii: "Z") { rest = rest.dropFirst() }
    if rest.isEmpty { return local }
    let sign: Int64
    switch rest.first {
    case UInt8(ascii: "+"): sign = 1
    case UInt8(ascii: "-"): sign = -1
    default: return nil
    }
    let digits = rest.dropFirst().filter { $0 != UInt8(ascii: ":") }
    guard digits.count == 4, digits.allSatisfy({ (0x30...0x39).contains($0) }),
      let hhmm = Int64(String(decoding: digits, as: UTF8.self))
    else { return nil }
    let offset = sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60)
    return Timestamp(microseconds: local.microseconds - offset * 1_000_000)
  }
}
