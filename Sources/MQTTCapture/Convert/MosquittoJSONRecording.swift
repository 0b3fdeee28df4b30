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
/// Which of the two a file is, is decided once, by its first line only one of them writes: a string as long as
/// its `payloadlen` (`%j`), a JSON value, a `null` of 4 bytes or an empty line (`%J`). A string shorter than its
/// `payloadlen` is either (`%j` of `bin\0…`, `%J` of the JSON string `"bin"`), so such messages wait for that
/// line, at most `holdLimit` of them; a file with no such line is read as `%j`.
///
/// Both come back as they were sent where the line can hold it; `losses` counts the rest.
public final class MosquittoJSONRecording: ForeignRecording, CutOffReporting {
  /// Which of mosquitto_sub's two formats a file is in.
  private enum Form {
    /// `%j`: every payload a JSON string.
    case strings
    /// `%J`: JSON payloads as JSON values.
    case values
  }

  /// A string payload shorter than its `payloadlen`: `%j` cut it at a NUL byte, or `%J` wrote a JSON string.
  private struct Undecided {
    var cut: [UInt8]
    var written: [UInt8]
    var length: Int64
  }

  /// How many messages are held back, at most, until a line tells `%j` from `%J`.
  static let holdLimit = 1000

  private let lines: LineReader
  /// Decided once per file, by the first line only one of the two forms writes.
  private var form: Form?
  private var formAssumed = false
  /// Messages read before the form was decided, in order; `Undecided` ones get their payload then.
  private var held: [(message: CapturedMessage, undecided: Undecided?)] = []
  private var ready: [CapturedMessage] = []
  private var readyIndex = 0
  private var heldError: CaptureError?
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
        "mosquitto_sub -F %J re-prints JSON payloads: \(formatCount(reprinted, "payload")) "
          + "\(reprinted == 1 ? "differs" : "differ") from what was "
          + "sent in white space, number spelling or escapes")
    }
    if cutAtNUL > 0 {
      out.append(
        "mosquitto_sub -F %j cuts a payload at its first NUL byte: \(formatCount(cutAtNUL, "payload")) "
          + "cut short (their payloadlen is larger)"
          + (formAssumed
            ? "; no line tells %j from %J, so the file was read as %j (if it is %J, these are JSON strings "
              + "without their quotes)" : ""))
    }
    if let truncation = lines.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { lines.truncation }

  /// The next message.
  /// - Throws: `CaptureError.foreignInput` for a line that is not mosquitto_sub's JSON.
  public func next() throws -> CapturedMessage? {
    while true {
      if readyIndex < ready.count {
        defer { readyIndex += 1 }
        return ready[readyIndex]
      }
      ready.removeAll(keepingCapacity: true)
      readyIndex = 0
      if let error = heldError {
        heldError = nil
        throw error
      }
      guard let raw = try lines.next() else {
        // Nothing told the forms apart: %j, whose NUL cut is reported.
        guard !held.isEmpty else { return nil }
        assume()
        continue
      }
      var line = Array(raw)
      if line.last == 0x0D { line.removeLast() }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
        // %J's line for a payload that is not JSON (mosquitto_sub said so on its stderr).
        emptyLines += 1
        decide(.values)
        continue
      }
      let read: (message: CapturedMessage, undecided: Undecided?)
      do {
        do {
          read = try message(LooseJSON.parse(line), line: line)
        } catch let error as JSONSyntaxError {
          throw fail("is not JSON (\(error))")
        }
      } catch let error as CaptureError {
        // The messages before the line come first.
        guard !held.isEmpty else { throw error }
        heldError = error
        assume()
        continue
      }
      if form == nil && (read.undecided != nil || !held.isEmpty) {
        held.append(read)
        if held.count >= Self.holdLimit { assume() }
        continue
      }
      if !held.isEmpty { release() }
      ready.append(read.message)
    }
  }

  /// Decides the form from a line only it writes, if it is not decided yet.
  private func decide(_ evidence: Form) {
    guard form == nil else { return }
    form = evidence
    release()
  }

  /// Decides `%j` for want of evidence.
  private func assume() {
    formAssumed = true
    decide(.strings)
  }

  /// Gives the held messages their payloads and queues them.
  private func release() {
    for (message, undecided) in held {
      var message = message
      if let undecided { message.payload = resolve(undecided) }
      ready.append(message)
    }
    held.removeAll()
  }

  private func resolve(_ payload: Undecided) -> [UInt8] {
    if form == .values {
      if payload.written.count != payload.length { reprinted += 1 }
      return payload.written
    }
    cutAtNUL += 1
    return payload.cut
  }

  private func fail(_ reason: String) -> CaptureError {
    CaptureError.foreignInput(path: lines.path, line: lines.lineNumber, reason: "\(reason), not mosquitto_sub -F %j")
  }

  private func message(_ object: LooseJSON, line: [UInt8]) throws -> (CapturedMessage, Undecided?) {
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
    var payload: [UInt8] = []
    var undecided: Undecided?
    switch self.payload(payloadValue, length: length, line: line) {
    case .known(let bytes): payload = bytes
    case .undecided(let u): undecided = u
    }
    var properties = MQTTProperties()
    if let p = object["properties"] { properties = Self.properties(p) }
    let message = CapturedMessage(
      timestamp: time, topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
    return (message, undecided)
  }

  private enum Payload {
    case known([UInt8])
    case undecided(Undecided)
  }

  /// The payload's bytes from `value`, as `%j` or `%J` wrote them; `length` is the line's `payloadlen`.
  /// A line only one of the two forms writes decides the file's form.
  private func payload(_ value: LooseJSON, length: Int64?, line: [UInt8]) -> Payload {
    var written: [UInt8] { Array(line[value.span]) }
    switch value.kind {
    case .null:
      // An empty payload in both; `%J` writes a payload `null` as null too, and payloadlen tells them apart.
      if length == 4 {
        decide(.values)
        return .known(Array("null".utf8))
      }
      return .known([])
    case .string(let bytes):
      guard let length, bytes.count != length else {
        // A JSON string `%J` wrote is longer than its text by its quotes at least: %j.
        if !bytes.isEmpty { decide(.strings) }
        return .known(bytes)
      }
      guard bytes.count < length else {
        reprinted += 1
        return .known(written)
      }
      let undecided = Undecided(cut: bytes, written: written, length: length)
      return form == nil ? .undecided(undecided) : .known(resolve(undecided))
    default:
      decide(.values)
      if let length, value.span.count != length { reprinted += 1 }
      return .known(written)
    }
  }
}
