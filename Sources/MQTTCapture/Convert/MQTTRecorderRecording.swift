/// What mqtt_recorder (rpdswtk/mqtt_recorder, `--mode record`) wrote: CSV rows, no header, of
/// `topic, payload, qos, retain, time, time since the previous message`.
///
/// Python's `csv` writer quotes a field only when it must and ends rows with CRLF; `retain` is `True` or
/// `False`, `time` Unix seconds as Python prints a float. The payload is the text of a UTF-8 payload, or
/// base64 when it ran with `--encode_b64 True`; the file does not say which, so `.automatic` looks at the first
/// 100 rows: base64 when every payload there is (padded, and at least one longer than a word or with `+`, `/`
/// or `=`), else text.
public final class MQTTRecorderRecording: ForeignRecording, CutOffReporting {
  /// How the payload column is written.
  public enum PayloadEncoding: Sendable {
    /// Decide from the first rows.
    case automatic
    /// The payload's text (mqtt_recorder's default).
    case text
    /// base64 (`--encode_b64 True`).
    case base64
  }

  private let csv: CSVRecordReader
  private var lookahead: [(fields: [[UInt8]], line: Int)] = []
  private var isBase64: Bool
  private let decided: Bool

  /// Opens `path` (gzip or plain, `-` for standard input).
  /// - Throws: `CaptureError.cannotOpen`, or `.foreignInput` for a damaged row among the first ones.
  public init(path: String, payload: PayloadEncoding = .automatic) throws {
    csv = try CSVRecordReader(path: path)
    switch payload {
    case .text:
      isBase64 = false
      decided = false
    case .base64:
      isBase64 = true
      decided = false
    case .automatic:
      while lookahead.count < 100, let row = try csv.next() { lookahead.append((row, csv.lineNumber)) }
      let payloads = lookahead.compactMap { $0.fields.count > 1 ? $0.fields[1] : nil }
      isBase64 =
        !payloads.isEmpty && payloads.allSatisfy { Base64.decode(String(decoding: $0, as: UTF8.self)) != nil }
        && payloads.contains { p in p.count > 8 || p.contains { [0x2B, 0x2F, 0x3D].contains($0) } }
      decided = true
    }
  }

  /// What the CSV does not hold, one sentence each.
  public var losses: [String] {
    var out = ["mqtt_recorder CSV has no MQTT v5 properties"]
    if decided {
      out.append(
        isBase64
          ? "mqtt_recorder CSV does not say how payloads are written: they all looked like base64 and were decoded "
            + "(--from mqtt-recorder-text keeps them as text)"
          : "mqtt_recorder CSV does not say how payloads are written: they were taken as text "
            + "(--from mqtt-recorder-base64 decodes them)")
    }
    if !isBase64 {
      out.append(
        "mqtt_recorder without --encode_b64 records no payload that is not UTF-8 (its recording stops at the first)")
    }
    if let truncation = csv.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { csv.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for a row that is not mqtt_recorder's.
  public func next() throws -> CapturedMessage? {
    let fields: [[UInt8]]
    let line: Int
    if !lookahead.isEmpty {
      (fields, line) = lookahead.removeFirst()
    } else {
      guard let row = try csv.next() else { return nil }
      (fields, line) = (row, csv.lineNumber)
    }
    func fail(_ reason: String) -> CaptureError {
      CaptureError.foreignInput(path: csv.path, line: line, reason: "\(reason), not an mqtt_recorder CSV row")
    }
    guard fields.count >= 5 else { throw fail("has \(fields.count) fields instead of 6") }
    let text = fields.map { String(decoding: $0, as: UTF8.self) }
    guard let qosNumber = UInt8(text[2]), let qos = MQTTQoS(rawValue: qosNumber) else {
      throw fail("has a QoS of \"\(text[2])\"")
    }
    guard text[3] == "True" || text[3] == "False" else { throw fail("has a retain flag of \"\(text[3])\"") }
    guard let time = Timestamp(decimal: text[4]) else { throw fail("has a time of \"\(text[4])\"") }
    var payload = fields[1]
    if isBase64 {
      guard let decoded = Base64.decode(text[1]) else { throw fail("has a payload that is not base64") }
      payload = decoded
    }
    return CapturedMessage(timestamp: time, topic: text[0], payload: payload, qos: qos, retain: text[3] == "True")
  }
}
