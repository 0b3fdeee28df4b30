/// A capture read as a recording for `convert`: its messages, in order, through `CaptureReader`.
///
/// Connection events and the headers of later sessions have no place in other tools' formats; `losses` counts
/// the events left out. Into a capture, `Conversion` keeps the events (`nextRecord()`).
public final class CaptureRecording: ForeignRecording, CutOffReporting {
  private let reader: CaptureReader
  private var events = 0

  /// Opens `path` and reads its header.
  /// - Throws: `CaptureError` when it cannot be read or is not a capture.
  public init(path: String) throws {
    reader = try CaptureReader(path: path)
  }

  /// The capture's first header.
  public var header: CaptureHeader { reader.header }

  /// The first header's broker, protocol and subscriptions: a capture converted into a capture keeps them.
  public var origin: RecordingOrigin {
    RecordingOrigin(
      broker: header.broker, protocolName: header.protocolName, subscriptions: header.subscriptions)
  }

  /// Events left out, and a cut-off end.
  public var losses: [String] {
    var out: [String] = []
    if events > 0 {
      out.append("\(formatCount(events, "connection event")) of the capture left out (only messages are converted)")
    }
    if let truncation = reader.truncation { out.append(truncation) }
    return out
  }

  /// Set when the input was cut off.
  public var truncation: String? { reader.truncation }

  /// The next message or connection event, for a capture written from this one; headers of later sessions are
  /// skipped (the output is one session).
  /// - Throws: `CaptureError.corrupt`.
  public func nextRecord() throws -> CaptureRecord? {
    while let record = try reader.next() {
      if case .header = record { continue }
      return record
    }
    return nil
  }

  /// The next message.
  /// - Throws: `CaptureError.corrupt`.
  public func next() throws -> CapturedMessage? {
    while let record = try reader.next() {
      switch record {
      case .message(let message): return message
      case .event: events += 1
      case .header: continue
      }
    }
    return nil
  }
}
