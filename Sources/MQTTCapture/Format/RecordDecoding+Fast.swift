extension RecordDecoder {
  /// The common case — a message line with `ts`, `topic`, `qos`, `retain` and `payload` or `payload_b64`,
  /// no escapes in keys — decoded without building a JSON tree. Anything else returns nil and goes
  /// through the general decoder, which also produces the error messages.
  ///
  /// It accepts only what the general decoder accepts, with the same result: a line's validity must not
  /// depend on which path it takes (values are checked by JSON's grammar, a repeated key goes the general
  /// way, where the first one counts).
  static func fastMessage(_ b: UnsafeRawBufferPointer) -> CapturedMessage? {
    guard let scan = fastScan(b, keep: true), let topic = scan.topic, let payload = scan.payload else { return nil }
    return CapturedMessage(timestamp: scan.ts, topic: topic, payload: payload, qos: scan.qos, retain: scan.retain)
  }

  /// The time of a message line that `fastMessage` decodes, checked by the same rules but without building
  /// the message (no topic string, no payload copy): how `merge` passes lines on unchanged. Nil for every
  /// other line, which then goes through `decode`.
  static func fastMessageTime(_ b: UnsafeRawBufferPointer) -> Timestamp? {
    fastScan(b, keep: false)?.ts
  }

  private struct FastScan {
    var ts: Timestamp
    var topic: String?
    var payload: [UInt8]?
    var qos: MQTTQoS
    var retain: Bool
  }

  /// The one scanner behind `fastMessage` and `fastMessageTime`: with `keep` false, strings are checked
  /// (escapes, UTF-8, base64) where they stand and nothing is copied.
  private static func fastScan(_ b: UnsafeRawBufferPointer, keep: Bool) -> FastScan? {
    let n = b.count
    var i = 0
    guard n > 2, b[0] == UInt8(ascii: "{") else { return nil }
    i = 1
    var ts: Timestamp?
    var topic: String?
    var qos = MQTTQoS.atMostOnce
    var retain = false
    var payload: [UInt8]?
    var seenQoS = false
    var seenRetain = false
    var seenTopic = false
    var seenPayload = false
    while i < n {
      // "key":
      guard b[i] == UInt8(ascii: "\"") else { return nil }
      let keyStart = i + 1
      var k = keyStart
      while k < n, b[k] != UInt8(ascii: "\""), b[k] != UInt8(ascii: "\\") { k += 1 }
      guard k + 1 < n, b[k] == UInt8(ascii: "\""), b[k + 1] == UInt8(ascii: ":") else { return nil }
      let key = UnsafeRawBufferPointer(rebasing: b[keyStart..<k])
      i = k + 2
      guard i < n else { return nil }
      if equals(key, "ts") {
        guard ts == nil, let e = jsonNumberEnd(b, from: i),
          let t = Timestamp(decimal: UnsafeRawBufferPointer(rebasing: b[i..<e]))
        else { return nil }
        ts = t
        i = e
      } else if equals(key, "topic") {
        guard !seenTopic else { return nil }
        seenTopic = true
        if !keep {
          guard let end = checkedString(b, i) else { return nil }
          i = end
        } else if let (raw, end) = plainString(b, i) {
          // No escapes, the usual topic: the string straight from the line, one allocation.
          guard isValidUTF8(raw) else { return nil }
          topic = String(decoding: raw, as: UTF8.self)
          i = end
        } else {
          guard let (bytes, end) = string(b, i), isValidUTF8(bytes) else { return nil }
          topic = String(decoding: bytes, as: UTF8.self)
          i = end
        }
      } else if equals(key, "qos") {
        guard !seenQoS, i + 1 < n, let q = MQTTQoS(rawValue: b[i] &- 0x30),
          b[i + 1] == UInt8(ascii: ",") || b[i + 1] == UInt8(ascii: "}")
        else { return nil }
        seenQoS = true
        qos = q
        i += 1
      } else if equals(key, "retain") {
        guard !seenRetain else { return nil }
        seenRetain = true
        if hasLiteral(b, i, "true") {
          retain = true
          i += 4
        } else if hasLiteral(b, i, "false") {
          retain = false
          i += 5
        } else {
          return nil
        }
      } else if equals(key, "payload") {
        guard !seenPayload else { return nil }
        seenPayload = true
        if !keep {
          guard let end = checkedString(b, i) else { return nil }
          i = end
        } else if let (raw, end) = plainString(b, i) {
          guard isValidUTF8(raw) else { return nil }
          payload = Array(raw)
          i = end
        } else {
          guard let (bytes, end) = string(b, i), isValidUTF8(bytes) else { return nil }
          payload = bytes
          i = end
        }
      } else if equals(key, "payload_b64") {
        guard !seenPayload, let (decoded, end) = base64String(b, i) else { return nil }
        seenPayload = true
        if keep { payload = decoded }
        i = end
      } else {
        return nil  // properties, events, headers, fields of newer versions: the general path
      }
      guard i < n else { return nil }
      if b[i] == UInt8(ascii: ",") {
        i += 1
      } else if b[i] == UInt8(ascii: "}"), i == n - 1 {
        guard let ts, seenTopic, seenPayload else { return nil }
        return FastScan(ts: ts, topic: topic, payload: payload, qos: qos, retain: retain)
      } else {
        return nil
      }
    }
    return nil
  }

  /// Whether `literal` stands at `i`.
  private static func hasLiteral(_ b: UnsafeRawBufferPointer, _ i: Int, _ literal: StaticString) -> Bool {
    guard b.count - i >= literal.utf8CodeUnitCount else { return false }
    return equals(UnsafeRawBufferPointer(rebasing: b[i..<(i + literal.utf8CodeUnitCount)]), literal)
  }

  private static func equals(_ key: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
    guard key.count == name.utf8CodeUnitCount else { return false }
    for j in 0..<key.count where key[j] != name.utf8Start[j] { return false }
    return true
  }

  /// The bytes of the JSON string at `start` (its opening quote) when it has no escapes, and the index after
  /// it; nil when it has escapes or is not a string (`string` then decides).
  private static func plainString(_ b: UnsafeRawBufferPointer, _ start: Int) -> (UnsafeRawBufferPointer, Int)? {
    guard start < b.count, b[start] == UInt8(ascii: "\"") else { return nil }
    let end = firstJSONSpecialByte(b, from: start + 1)
    guard end < b.count, b[end] == UInt8(ascii: "\"") else { return nil }
    return (UnsafeRawBufferPointer(rebasing: b[(start + 1)..<end]), end + 1)
  }

  /// The index after the JSON string at `start` (its opening quote) when `string` would accept it and its
  /// unescaped bytes are valid UTF-8 — checked in place. The escapes `string` takes stand for ASCII bytes and
  /// are ASCII themselves, so the text between the quotes is valid UTF-8 exactly when the unescaped bytes are.
  private static func checkedString(_ b: UnsafeRawBufferPointer, _ start: Int) -> Int? {
    guard start < b.count, b[start] == UInt8(ascii: "\""), let base = b.baseAddress else { return nil }
    var i = start + 1
    while i < b.count {
      i = firstJSONSpecialByte(b, from: i)
      guard i < b.count else { return nil }
      let c = b[i]
      if c == UInt8(ascii: "\"") {
        let text = UnsafeRawBufferPointer(start: base + start + 1, count: i - start - 1)
        return isValidUTF8(text) ? i + 1 : nil
      }
      // A control byte, a \u escape (the general path handles surrogates) or a bad escape.
      guard c == UInt8(ascii: "\\"), i + 1 < b.count, JSONParser.simpleEscape(b[i + 1]) != nil else { return nil }
      i += 2
    }
    return nil
  }

  /// The unescaped bytes of the JSON string at `start` (its opening quote) and the index after it.
  /// The bytes a base64 string at `start` encodes, decoded from the line where it is (base64 never needs an
  /// escape; a string written with one takes the copying way), and the index after the string.
  private static func base64String(_ b: UnsafeRawBufferPointer, _ start: Int) -> ([UInt8], Int)? {
    guard start < b.count, b[start] == UInt8(ascii: "\"") else { return nil }
    let close = firstJSONSpecialByte(b, from: start + 1)
    if close < b.count, b[close] == UInt8(ascii: "\"") {
      guard let decoded = Base64.decode(UnsafeRawBufferPointer(rebasing: b[(start + 1)..<close])) else { return nil }
      return (decoded, close + 1)
    }
    guard let (text, end) = string(b, start), let decoded = text.withUnsafeBytes({ Base64.decode($0) }) else {
      return nil
    }
    return (decoded, end)
  }

  private static func string(_ b: UnsafeRawBufferPointer, _ start: Int) -> ([UInt8], Int)? {
    guard start < b.count, b[start] == UInt8(ascii: "\""), let base = b.baseAddress else { return nil }
    var end: Int?
    // At most the rest of the line, written in place: one allocation, and a plain copy of each run between
    // escapes (a JSON payload has a run per escaped quote).
    let out = [UInt8](unsafeUninitializedCapacity: b.count - start) { buffer, count in
      var o = 0
      func copy(_ from: Int, _ to: Int) {
        guard to > from else { return }
        UnsafeMutableRawPointer(buffer.baseAddress! + o).copyMemory(from: base + from, byteCount: to - from)
        o += to - from
      }
      var i = start + 1
      var run = i
      while i < b.count {
        i = firstJSONSpecialByte(b, from: i)
        guard i < b.count else { break }
        let c = b[i]
        if c == UInt8(ascii: "\"") {
          copy(run, i)
          end = i + 1
          break
        }
        if c < 0x20 { break }
        if c == UInt8(ascii: "\\") {
          copy(run, i)
          // \u escapes go to the general path, which handles surrogates.
          guard i + 1 < b.count, let simple = JSONParser.simpleEscape(b[i + 1]) else { break }
          buffer[o] = simple
          o += 1
          i += 2
          run = i
          continue
        }
        i += 1
      }
      count = o
    }
    guard let end else { return nil }
    return (out, end)
  }
}
