#if canImport(Glibc)
  import Glibc
#endif

/// What HiveMQ's mqtt-cli wrote with `mqtt sub -J` (`--jsonOutput`): one pretty-printed JSON object a message
/// (Gson, two-space indent), one after the other.
///
/// Fields, from mqtt-cli's `JsonMqttPublish`: `topic`, `payload` (a JSON value when the payload's text parses as
/// JSON — leniently, as Gson does — else a string), `qos` (`AT_MOST_ONCE`, `AT_LEAST_ONCE`, `EXACTLY_ONCE`),
/// `receivedAt` (`yyyy-MM-dd HH:mm:ss`, local time), `retain`, and the MQTT v5 properties that are present:
/// `contentType`, `payloadFormatIndicator` (`UTF_8`, `UNSPECIFIED`), `messageExpiryInterval`, `responseTopic`,
/// `correlationData` (as text), `userProperties` (`[{"name":…,"value":…}]`; older versions an object).
public final class HiveMQJSONRecording: ForeignRecording, CutOffReporting {
  private let lines: LineReader
  private var reprinted = 0
  private var replaced = 0
  private var userPropertyObjects = 0

  /// Opens `path` (gzip or plain, `-` for standard input).
  /// - Throws: `CaptureError.cannotOpen`.
  public init(path: String) throws {
    lines = try LineReader(path: path)
  }

  /// What mqtt-cli's JSON does not hold, one sentence each.
  public var losses: [String] {
    var out = [
      "HiveMQ mqtt-cli -J times are whole seconds of the recorder's local time (read in this machine's time zone)"
    ]
    if reprinted > 0 {
      out.append(
        "HiveMQ mqtt-cli -J re-prints JSON payloads: \(formatCount(reprinted, "payload")) were taken "
          + "without their white space")
    }
    if replaced > 0 {
      out.append(
        "HiveMQ mqtt-cli -J replaces bytes that are not UTF-8 with U+FFFD: \(formatCount(replaced, "payload")) "
          + "hold it")
    }
    if userPropertyObjects > 0 {
      out.append(
        "older HiveMQ mqtt-cli writes user properties as an object: a repeated name kept its last value only "
          + "(\(formatCount(userPropertyObjects, "message")))")
    }
    if let truncation = lines.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { lines.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for text that is not mqtt-cli's JSON, or ends inside an object.
  public func next() throws -> CapturedMessage? {
    var text: [UInt8] = []
    var depth = 0
    var strings = JSONStringTracker()
    var firstLine = 0
    while let line = try lines.next() {
      if text.isEmpty && line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      if text.isEmpty { firstLine = lines.lineNumber }
      for byte in line where strings.isOutside(byte) {
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
          depth += 1
        } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
          depth -= 1
        }
      }
      text.append(contentsOf: line)
      text.append(0x0A)
      if depth <= 0 && !strings.inString { return try message(text, line: firstLine) }
    }
    guard text.isEmpty else {
      throw CaptureError.foreignInput(
        path: lines.path, line: firstLine, reason: "starts an object that never ends, not HiveMQ mqtt-cli -J output")
    }
    return nil
  }

  private func message(_ text: [UInt8], line: Int) throws -> CapturedMessage {
    func fail(_ reason: String) -> CaptureError {
      CaptureError.foreignInput(path: lines.path, line: line, reason: "\(reason), not HiveMQ mqtt-cli -J output")
    }
    let object: LooseJSON
    do {
      object = try LooseJSON.parse(text)
    } catch {
      throw fail("is not JSON (\(error))")
    }
    guard case .object = object.kind, let topic = object["topic"]?.text else { throw fail("has no \"topic\"") }
    guard let payloadValue = object["payload"] else { throw fail("has no \"payload\"") }
    let qos: MQTTQoS
    switch object["qos"]?.text {
    case "AT_MOST_ONCE": qos = .atMostOnce
    case "AT_LEAST_ONCE": qos = .atLeastOnce
    case "EXACTLY_ONCE": qos = .exactlyOnce
    default: throw fail("has no \"qos\" of AT_MOST_ONCE, AT_LEAST_ONCE or EXACTLY_ONCE")
    }
    guard let receivedAt = object["receivedAt"]?.text, let time = Self.localTime(receivedAt) else {
      throw fail("has no \"receivedAt\" time")
    }
    var payload: [UInt8]
    if let bytes = payloadValue.bytes {
      payload = bytes
    } else {
      let written = text[payloadValue.span]
      payload = Self.unescapeHTML(LooseJSON.compact(written))
      if payload.count != written.count { reprinted += 1 }
    }
    if payload.indices.dropLast(2).contains(where: {
      payload[$0] == 0xEF && payload[$0 + 1] == 0xBF && payload[$0 + 2] == 0xBD
    }) {
      replaced += 1
    }
    return CapturedMessage(
      timestamp: time, topic: topic, payload: payload, qos: qos,
      retain: object["retain"].flatMap { if case .bool(let b) = $0.kind { b } else { nil } } ?? false,
      properties: properties(object))
  }

  private func properties(_ object: LooseJSON) -> MQTTProperties {
    var p = MQTTProperties()
    p.contentType = object["contentType"]?.text
    switch object["payloadFormatIndicator"]?.text {
    case "UTF_8": p.payloadFormatIndicator = 1
    case "UNSPECIFIED": p.payloadFormatIndicator = 0
    default: break
    }
    p.messageExpiryInterval = object["messageExpiryInterval"]?.integer.map { UInt32(clamping: $0) }
    p.responseTopic = object["responseTopic"]?.text
    p.correlationData = object["correlationData"]?.bytes
    switch object["userProperties"]?.kind {
    case .array(let items):
      for item in items {
        p.userProperties.append(MQTTUserProperty(item["name"]?.text ?? "", item["value"]?.text ?? ""))
      }
    case .object(let pairs):
      userPropertyObjects += 1
      for (name, value) in pairs {
        p.userProperties.append(MQTTUserProperty(String(decoding: name, as: UTF8.self), value.text ?? ""))
      }
    default: break
    }
    return p
  }

  /// Gson escapes `<`, `>`, `&`, `=` and `'` in strings by default; a payload had them as they are.
  static func unescapeHTML(_ text: [UInt8]) -> [UInt8] {
    guard text.contains(UInt8(ascii: "\\")) else { return text }
    let escapes: [[UInt8]: UInt8] = [
      Array("\\u003c".utf8): UInt8(ascii: "<"), Array("\\u003e".utf8): UInt8(ascii: ">"),
      Array("\\u0026".utf8): UInt8(ascii: "&"), Array("\\u003d".utf8): UInt8(ascii: "="),
      Array("\\u0027".utf8): UInt8(ascii: "'"),
    ]
    var out: [UInt8] = []
    var i = 0
    while i < text.count {
      if text[i] == UInt8(ascii: "\\"), i + 6 <= text.count {
        if let c = escapes[Array(text[i..<i + 6])] {
          out.append(c)
          i += 6
          continue
        }
        // Any other escape is copied whole, so `\\u003c` (an escaped backslash) stays as it was.
        out.append(contentsOf: text[i..<i + 2])
        i += 2
        continue
      }
      out.append(text[i])
      i += 1
    }
    return out
  }

  /// `yyyy-MM-dd HH:mm:ss` in this machine's local time zone.
  static func localTime(_ text: String) -> Timestamp? {
    let b = Array(text.utf8)
    guard b.count == 19 else { return nil }
    func n(_ r: Range<Int>) -> Int32? { Int32(String(decoding: b[r], as: UTF8.self)) }
    guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13), let mi = n(14..<16),
      let s = n(17..<19)
    else { return nil }
    var parts = tm()
    parts.tm_year = y - 1900
    parts.tm_mon = mo - 1
    parts.tm_mday = d
    parts.tm_hour = h
    parts.tm_min = mi
    parts.tm_sec = s
    parts.tm_isdst = -1
    let seconds = mktime(&parts)
    guard seconds != -1 else { return nil }
    return Timestamp(microseconds: Int64(seconds) * 1_000_000)
  }
}
