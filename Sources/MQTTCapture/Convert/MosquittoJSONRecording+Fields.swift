extension MosquittoJSONRecording {
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
