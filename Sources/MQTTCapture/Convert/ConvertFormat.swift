#if canImport(Glibc)
  import Glibc
#endif

/// The formats `convert` reads, told apart by their first bytes or named (`--from`).
public enum ConvertFormat: String, CaseIterable, Sendable {
  /// An mqtt-dumper capture.
  case capture
  /// `mosquitto_sub -F '%j'` or `-F '%J'` JSON lines.
  case mosquittoJSON = "mosquitto-json"
  /// `mosquitto_sub -v` lines.
  case mosquittoVerbose = "mosquitto-verbose"
  /// mqtt_recorder CSV; base64 or text payloads told from the first rows.
  case mqttRecorder = "mqtt-recorder"
  /// mqtt_recorder CSV with text payloads.
  case mqttRecorderText = "mqtt-recorder-text"
  /// mqtt_recorder CSV with base64 payloads (`--encode_b64 True`).
  case mqttRecorderBase64 = "mqtt-recorder-base64"
  /// HiveMQ mqtt-cli `sub -J` output.
  case hivemqJSON = "hivemq-json"
  /// The CSV `convert --to csv` writes, told by its header row.
  case csv
  /// A pcap or pcapng packet capture (read by MQTTPcap).
  case pcap

  /// Tells the format of `path` from its first bytes (a packet capture's magic number) or its first line
  /// (after decompression). Standard input cannot be looked at twice: name its format.
  /// - Throws: `CaptureError.cannotOpen`, `.readFailed`, or `.unknownFormat` saying what the start looks like.
  public static func detect(path: String) throws -> ConvertFormat {
    let magic = try firstBytes(path, count: 4)
    let pcapMagics: [[UInt8]] = [
      [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D],
      [0x34, 0xCD, 0xB2, 0xA1], [0xA1, 0xB2, 0xCD, 0x34],  // the "modified" pcap of old Linux patches
      [0x0A, 0x0D, 0x0D, 0x0A],
    ]
    if pcapMagics.contains(magic) { return .pcap }
    let lines = try LineReader(path: path)
    // The first few lines that are not blank, each without its CR.
    var firstLines: [ArraySlice<UInt8>] = []
    while firstLines.count < verboseLinesLooked, let line = try lines.next() {
      if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
        firstLines.append(line.last == 0x0D ? line.dropLast() : line)
      }
    }
    guard let line = firstLines.first else { throw CaptureError.unknownFormat(path: path, reason: "it is empty") }
    let text = String(decoding: line.prefix(64), as: UTF8.self)
    if text.hasPrefix(#"{"mqtt_dumper_capture""#) { return .capture }
    if text.hasPrefix(#"{"tst":"#) { return .mosquittoJSON }
    if text.trimmingSpaces == "{" { return .hivemqJSON }
    if line.elementsEqual(CSVRecording.headerRow.utf8) { return .csv }
    if line.contains(UInt8(ascii: ",")), let row = try? CSVRecordReader(path: path).next(), [5, 6].contains(row.count),
      ["0", "1", "2"].contains(String(decoding: row[2], as: UTF8.self)),
      ["True", "False"].contains(String(decoding: row[3], as: UTF8.self))
    {
      return .mqttRecorder
    }
    // mosquitto_sub -v takes almost any text: every one of the first lines must start like it.
    if firstLines.allSatisfy(MosquittoVerboseRecording.looksLikeStart) { return .mosquittoVerbose }
    let binary = line.prefix(512).contains { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) }
    throw CaptureError.unknownFormat(
      path: path,
      reason: binary
        ? "it starts with binary data that is no packet capture"
        : "its first line is none of the formats convert reads")
  }

  /// Opens `path` as this format; `.pcap` is MQTTPcap's to open (nil here).
  /// - Throws: `CaptureError` when it cannot be opened (or, for a capture, its header read).
  public func open(path: String) throws -> (any ForeignRecording)? {
    switch self {
    case .capture: return try CaptureRecording(path: path)
    case .mosquittoJSON: return try MosquittoJSONRecording(path: path)
    case .mosquittoVerbose: return try MosquittoVerboseRecording(path: path)
    case .mqttRecorder: return try MQTTRecorderRecording(path: path)
    case .mqttRecorderText: return try MQTTRecorderRecording(path: path, payload: .text)
    case .mqttRecorderBase64: return try MQTTRecorderRecording(path: path, payload: .base64)
    case .hivemqJSON: return try HiveMQJSONRecording(path: path)
    case .csv: return try CSVRecording(path: path)
    case .pcap: return nil
    }
  }

  /// How many lines that are not blank must look like `topic payload` for a file to be taken as
  /// `mosquitto_sub -v` output (fewer when the file is shorter).
  static let verboseLinesLooked = 5

  private static func firstBytes(_ path: String, count: Int) throws -> [UInt8] {
    let fd: Int32
    do throws(SystemCallError) {
      fd = try POSIX.open(path, O_RDONLY | O_CLOEXEC)
    } catch {
      throw CaptureError.cannotOpen(path: path, errno: error.code)
    }
    defer { try? POSIX.close(fd) }
    var bytes: [UInt8] = []
    do throws(SystemCallError) {
      while bytes.count < count, try POSIX.read(fd, appendingTo: &bytes, count: count - bytes.count) > 0 {}
    } catch {
      throw CaptureError.readFailed(path: path, errno: error.code)
    }
    return bytes
  }
}

extension String {
  fileprivate var trimmingSpaces: Substring {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" { s.removeLast() }
    return s
  }
}
