#if canImport(Glibc)
  import Glibc
#endif

/// What `mosquitto_sub -v` wrote: `topic payload` a line, nothing else.
///
/// The lines carry no time, QoS, retain flag or properties: messages get QoS 0, no retain flag, and times 1 ms
/// apart, the first at `start` (by default the file's modification time). mosquitto_sub 2.0.11 writes the
/// payload's bytes as they are after one space, and `(null)` for an empty payload; a payload with a newline
/// in it goes on over several lines. Nothing marks where such a payload ends, so a line starts a new message
/// only when what comes before its first space can be a topic a client publishes to (`isPublishTopic`); any
/// other line (no space, an empty topic, `+`, `#`, a control character, bytes that are not UTF-8) is taken as
/// the previous payload's next line.
public final class MosquittoVerboseRecording: ForeignRecording, CutOffReporting {
  private let lines: LineReader
  private var pending: CapturedMessage?
  private var time: Timestamp
  private var count = 0
  private var joined = 0

  /// Opens `path` (gzip or plain, `-` for standard input).
  /// - Parameter start: the first message's time; nil for the file's modification time (now, for standard input).
  /// - Throws: `CaptureError.cannotOpen`.
  public init(path: String, start: Timestamp? = nil) throws {
    lines = try LineReader(path: path)
    var info = stat()
    if let start {
      time = start
    } else if path != "-", stat(path, &info) == 0 {
      time = Timestamp(microseconds: Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000)
    } else {
      time = .now()
    }
  }

  /// What `-v` does not hold, one sentence each.
  public var losses: [String] {
    var out = [
      "mosquitto_sub -v has no times, QoS, retain flags or properties: messages are 1 ms apart from "
        + "\(Timestamp(microseconds: time.microseconds - Int64(count) * 1000).rfc3339), QoS 0, not retained",
      "mosquitto_sub -v puts a space between topic and payload: a topic with a space in it was cut at its first "
        + "space, and a payload (null) was taken as an empty one",
    ]
    if joined > 0 {
      out.append(
        "\(formatCount(joined, "line")) that did not start with a topic and a space \(joined == 1 ? "was" : "were") "
          + "taken as a payload's next line (mosquitto_sub -v does not mark where a payload with newlines ends)")
    }
    if let truncation = lines.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { lines.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for a first line that does not start with a topic and a space.
  public func next() throws -> CapturedMessage? {
    while let line = try lines.next() {
      guard let space = line.firstIndex(of: 0x20), Self.isPublishTopic(line[..<space]) else {
        guard pending != nil else { throw foreignFirstLine(line) }
        pending!.payload.append(0x0A)
        pending!.payload.append(contentsOf: line)
        joined += 1
        continue
      }
      if pending == nil && count == 0 && line.starts(with: #"{""#.utf8) { throw foreignFirstLine(line) }
      var payload = Array(line[(space + 1)...])
      if payload == Array("(null)".utf8) { payload = [] }
      let message = CapturedMessage(
        timestamp: time, topic: String(decoding: line[line.startIndex..<space], as: UTF8.self), payload: payload)
      time.microseconds += 1000
      count += 1
      if let previous = pending {
        pending = message
        return previous
      }
      pending = message
    }
    defer { pending = nil }
    return pending
  }

  private func foreignFirstLine(_ line: ArraySlice<UInt8>) -> CaptureError {
    let reason =
      line.starts(with: #"{"mqtt_dumper_capture""#.utf8)
      ? "is a capture's header, not mosquitto_sub -v (convert tells a capture without --from)"
      : line.starts(with: #"{""#.utf8)
        ? "is a JSON object, not mosquitto_sub -v"
        : "does not start with a topic and a space, not mosquitto_sub -v"
    return CaptureError.foreignInput(path: lines.path, line: lines.lineNumber, reason: reason)
  }

  /// Whether `bytes` can be a topic a client publishes to: 1 to 65535 bytes of UTF-8 without the wildcards `+`
  /// and `#` and without control characters (C0 with NUL, DEL, C1), which no topic written by a person holds.
  public static func isPublishTopic(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard !bytes.isEmpty, bytes.count <= 65535 else { return false }
    var previous: UInt8 = 0
    for b in bytes {
      if b < 0x20 || b == 0x7F || b == UInt8(ascii: "+") || b == UInt8(ascii: "#") { return false }
      // C1 controls are U+0080…U+009F: 0xC2 0x80…0x9F in UTF-8.
      if previous == 0xC2 && b >= 0x80 && b < 0xA0 { return false }
      previous = b
    }
    return bytes.withUnsafeBytes { isValidUTF8($0) }
  }

  /// Whether `line` looks like the start of `mosquitto_sub -v` output, for telling formats apart: a topic that
  /// `isPublishTopic` takes, holding no quote or comma (which CSV and JSON lines have before their first space).
  static func looksLikeStart(_ line: ArraySlice<UInt8>) -> Bool {
    guard let space = line.firstIndex(of: 0x20) else { return false }
    let topic = line[..<space]
    return isPublishTopic(topic) && !topic.contains(UInt8(ascii: "\"")) && !topic.contains(UInt8(ascii: ","))
      && topic.first != UInt8(ascii: "{") && topic.first != UInt8(ascii: "[")
  }
}
