/// The CSV `convert --to csv` writes (`CSVOutput`), read back: a header row
/// `time,topic,qos,retain,encoding,payload`, then a message a row.
///
/// Everything a message has but its MQTT v5 properties is in a row, so capture → CSV → capture gives the same
/// messages without their properties. Rows may be edited in a spreadsheet: fields quoted or not, CRLF or LF line
/// ends, `retain` as `true`/`false` (any case).
public final class CSVRecording: ForeignRecording, CutOffReporting {
  /// The header row `convert --to csv` writes, by which the format is told.
  public static let headerRow = "time,topic,qos,retain,encoding,payload"

  private let csv: CSVRecordReader

  /// Opens `path` (gzip or plain, `-` for standard input) and reads its header row.
  /// - Throws: `CaptureError.cannotOpen`, or `.foreignInput` when the first row is not the header.
  public init(path: String) throws {
    csv = try CSVRecordReader(path: path)
    let header = try csv.next()
    guard let header, header.map({ String(decoding: $0, as: UTF8.self) }).joined(separator: ",") == Self.headerRow
    else {
      throw CaptureError.foreignInput(
        path: path, line: max(csv.lineNumber, 1),
        reason: "is not the header row \(Self.headerRow), not the CSV convert --to csv writes")
    }
  }

  /// What the CSV does not hold, one sentence each.
  public var losses: [String] {
    var out = ["the CSV has no MQTT v5 properties: the messages have none"]
    if let truncation = csv.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { csv.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for a row whose fields are not what `convert --to csv` writes.
  public func next() throws -> CapturedMessage? {
    guard let fields = try csv.next() else { return nil }
    func fail(_ reason: String) -> CaptureError {
      CaptureError.foreignInput(path: csv.path, line: csv.lineNumber, reason: "\(reason), not a convert --to csv row")
    }
    guard fields.count == 6 else { throw fail("has \(fields.count) fields instead of 6") }
    let text = fields.map { String(decoding: $0, as: UTF8.self) }
    guard let time = Timestamp(rfc3339: text[0]) else { throw fail("has a time of \"\(text[0])\"") }
    guard let qosNumber = UInt8(text[2]), let qos = MQTTQoS(rawValue: qosNumber) else {
      throw fail("has a QoS of \"\(text[2])\"")
    }
    let retain: Bool
    switch text[3].lowercased() {
    case "true": retain = true
    case "false": retain = false
    default: throw fail("has a retain flag of \"\(text[3])\"")
    }
    let payload: [UInt8]
    switch text[4] {
    case "text": payload = fields[5]
    case "base64":
      guard let decoded = Base64.decode(text[5]) else { throw fail("has a payload that is not base64") }
      payload = decoded
    default: throw fail("has an encoding of \"\(text[4])\" instead of text or base64")
    }
    return CapturedMessage(timestamp: time, topic: text[1], payload: payload, qos: qos, retain: retain)
  }
}
