/// Where `convert` writes messages: a capture, CSV, or mosquitto_sub's `%j` lines.
public protocol ConvertOutput: AnyObject {
  /// Adds a message.
  /// - Throws: `CaptureError.writeFailed`.
  func write(_ message: CapturedMessage) throws
  /// Finishes the output (a gzip trailer, the buffered rest) and gives it its name. Called once, also after an
  /// input error.
  /// - Throws: `CaptureError.writeFailed`.
  func close() throws
  /// Stops after a write failure: the unfinished file is removed (outputs are staged, see `OutputFile`).
  func discard()
  /// What the format could not hold of what was written, one sentence each; complete after `close()`.
  var losses: [String] { get }
}

/// The formats `convert` writes.
public enum ConvertOutputFormat: String, CaseIterable, Sendable {
  /// An mqtt-dumper capture (gzip for a `.gz` name, as `capture -o`).
  case capture
  /// RFC 4180 CSV: time, topic, qos, retain, payload encoding, payload.
  case csv
  /// JSON lines as `mosquitto_sub -F '%j'` writes them.
  case mosquittoJSON = "mosquitto-json"

  /// Opens `path` (`-` for standard output) for this format.
  /// - Parameters:
  ///   - replace: replace an existing file instead of refusing it.
  ///   - source: the input's name, for a capture header's `sources`.
  /// - Throws: `CaptureError.fileExists`, `.cannotOpen`.
  public func open(path: String, replace: Bool, source: String) throws -> any ConvertOutput {
    switch self {
    case .capture: return CaptureOutput(path: path, replace: replace, source: source)
    case .csv: return try CSVOutput(file: TextOutput(path: path, replace: replace))
    case .mosquittoJSON: return try MosquittoJSONOutput(file: TextOutput(path: path, replace: replace))
    }
  }
}

/// A text file (`.gz` names gzip-compressed) or standard output, written through a buffer.
final class TextOutput {
  private let file: OutputFile
  private let deflater: Deflater?
  private var buffer: [UInt8] = []

  init(path: String, replace: Bool) throws {
    if path == "-" {
      file = OutputFile()
      deflater = nil
    } else {
      file = try OutputFile(path: path, mode: replace ? .replace : .createNew, staged: true)
      deflater = isGzipName(path) ? Deflater(level: 6) : nil
    }
    buffer.reserveCapacity(128 * 1024)
  }

  func append(_ body: (inout [UInt8]) -> Void) throws {
    body(&buffer)
    if buffer.count >= 64 * 1024 { try drain(.none) }
  }

  func close() throws {
    do {
      try drain(.finish)
    } catch {
      file.discard()
      throw error
    }
    try file.finish()
  }

  func discard() { file.discard() }

  private func drain(_ flush: Deflater.Flush) throws {
    defer { buffer.removeAll(keepingCapacity: true) }
    if let deflater {
      try buffer.withUnsafeBytes { try deflater.compress($0, flush: flush, into: file) }
    } else if !buffer.isEmpty {
      try buffer.withUnsafeBytes { try file.write($0) }
    }
  }
}

/// A capture whose header is written with the first message (its time is the header's `created`): broker,
/// protocol and subscriptions as far as the input told by then (`unknown` and none when it did not), `sources`
/// the input.
final class CaptureOutput: ConvertOutput {
  private let path: String
  private let replace: Bool
  private let source: String
  private var writer: CaptureWriter?
  /// Asked for the input's origin when the header is written (`Conversion` sets it to the recording's).
  var origin: () -> RecordingOrigin = { .unknown }

  init(path: String, replace: Bool, source: String) {
    self.path = path
    self.replace = replace
    self.source = source
  }

  var losses: [String] { [] }

  private func open(created: Timestamp) throws -> CaptureWriter {
    let known = origin()
    let header = CaptureHeader(
      created: created.rfc3339, tool: "mqtt-dumper \(MQTTDumperVersion.string) convert",
      broker: known.broker ?? "unknown", protocolName: known.protocolName ?? "unknown",
      subscriptions: known.subscriptions, sources: [source])
    let w =
      path == "-"
      ? try CaptureWriter(standardOutputWithHeader: header)
      : try CaptureWriter(path: path, mode: replace ? .replace : .createNew, header: header, staged: true)
    writer = w
    return w
  }

  func write(_ message: CapturedMessage) throws {
    try (writer ?? open(created: message.timestamp)).write(message)
  }

  /// Adds a connection event (from a capture converted into a capture).
  func write(_ event: ConnectionEvent) throws {
    try (writer ?? open(created: event.timestamp)).write(.event(event))
  }

  func close() throws {
    try (writer ?? open(created: .now())).close()
  }

  func discard() { writer?.discard() }
}
