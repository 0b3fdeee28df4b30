#if canImport(Glibc)
  import Glibc
#endif

/// What `mosquitto_sub -v` wrote: `topic payload` a line, nothing else.
///
/// The lines carry no time, QoS, retain flag or properties: messages get QoS 0, no retain flag, and times 1 ms
/// apart, the first at `start` (by default the file's modification time). mosquitto_sub 2.0.11 writes the
/// payload's bytes as they are after one space, and `(null)` for an empty payload; a payload with a newline
/// in it goes on over several lines, and a line without a space is taken as such a continuation.
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
        "\(formatCount(joined, "line")) without a space \(joined == 1 ? "was" : "were") taken as a payload's next line "
          + "(mosquitto_sub -v does not mark where a payload with newlines ends)")
    }
    if let truncation = lines.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { lines.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for a first line without a space.
  public func next() throws -> CapturedMessage? {
    while let line = try lines.next() {
      guard let space = line.firstIndex(of: 0x20) else {
        guard pending != nil else {
          throw CaptureError.foreignInput(
            path: lines.path, line: lines.lineNumber, reason: "has no space after a topic, not mosquitto_sub -v")
        }
        pending!.payload.append(0x0A)
        pending!.payload.append(contentsOf: line)
        joined += 1
        continue
      }
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
}
