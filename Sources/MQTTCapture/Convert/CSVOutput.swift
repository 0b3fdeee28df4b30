/// Messages as RFC 4180 CSV that opens in a spreadsheet: a header row, then
/// `time,topic,qos,retain,encoding,payload` a message, CRLF line ends, fields quoted when they must be.
///
/// `time` is RFC 3339 in UTC with microseconds; `retain` is `true` or `false`; `encoding` says how the payload
/// column is written: `text` for a payload of valid UTF-8 without control characters, else `base64`.
/// MQTT v5 properties have no column; `losses` counts the messages that had some.
final class CSVOutput: ConvertOutput {
  private let file: TextOutput
  private var withProperties = 0

  init(file: TextOutput) throws {
    self.file = file
    try file.append { $0.append(contentsOf: (CSVRecording.headerRow + "\r\n").utf8) }
  }

  var losses: [String] {
    guard withProperties > 0 else { return [] }
    return [
      "CSV has no column for MQTT v5 properties: those of \(formatCount(withProperties, "message")) were left out"
    ]
  }

  func write(_ message: CapturedMessage) throws {
    if !message.properties.isEmpty { withProperties += 1 }
    try file.append { out in
      out.append(contentsOf: message.timestamp.rfc3339.utf8)
      out.append(UInt8(ascii: ","))
      Self.appendField(Array(message.topic.utf8), to: &out)
      out.append(UInt8(ascii: ","))
      out.append(0x30 + message.qos.rawValue)
      out.append(contentsOf: message.retain ? ",true,".utf8 : ",false,".utf8)
      if Self.isPlainText(message.payload) {
        out.append(contentsOf: "text,".utf8)
        Self.appendField(message.payload, to: &out)
      } else {
        out.append(contentsOf: "base64,".utf8)
        message.payload.withUnsafeBytes { Base64.encode($0, to: &out) }
      }
      out.append(contentsOf: "\r\n".utf8)
    }
  }

  func close() throws { try file.close() }

  func discard() { file.discard() }

  /// Valid UTF-8 without control characters (C0, DEL, C1): text a spreadsheet cell shows as it is.
  static func isPlainText(_ bytes: [UInt8]) -> Bool {
    guard isValidUTF8(bytes) else { return false }
    if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return false }
    // C1 controls are U+0080…U+009F: 0xC2 0x80…0x9F in UTF-8.
    return !bytes.indices.dropLast().contains { bytes[$0] == 0xC2 && bytes[$0 + 1] < 0xA0 }
  }

  /// A field, quoted (quotes doubled) when it holds a comma, quote, line break or leading/trailing space.
  static func appendField(_ bytes: [UInt8], to out: inout [UInt8]) {
    let needsQuotes =
      bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
      || bytes.first == 0x20 || bytes.last == 0x20
    guard needsQuotes else {
      out.append(contentsOf: bytes)
      return
    }
    out.append(UInt8(ascii: "\""))
    for b in bytes {
      out.append(b)
      if b == UInt8(ascii: "\"") { out.append(b) }
    }
    out.append(UInt8(ascii: "\""))
  }
}
