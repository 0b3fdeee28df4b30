import MQTTCapture

/// What a consumer published during one run of a check, and when the stimulus started: what
/// `verify --record` saves, and what a later run is compared with.
///
/// Saved as a capture whose first record is a `stimulus` event at the time the stimulus started, so
/// that a later `TimingCheck` measures each message from it (see docs/capture-format.md).
public struct RecordedRun: Equatable, Sendable {
  /// The consumer's messages, in the order they came.
  public var messages: [CapturedMessage]
  /// When the first stimulus message went out; nil when that is not known (a file written by hand).
  public var stimulusStart: Timestamp?

  /// A run of `messages` whose stimulus started at `stimulusStart`.
  public init(messages: [CapturedMessage], stimulusStart: Timestamp? = nil) {
    self.messages = messages
    self.stimulusStart = stimulusStart
  }

  /// A run read back from a capture: its messages, and the time of its first `stimulus` event.
  public init(messages: [CapturedMessage], events: [ConnectionEvent]) {
    self.init(messages: messages, stimulusStart: events.first { $0.kind == .stimulus }?.timestamp)
  }

  /// The records that save the run, after a header: the `stimulus` event (when known), then the messages.
  public var records: [CaptureRecord] {
    (stimulusStart.map { [.event(.stimulus(at: $0))] } ?? []) + messages.map { .message($0) }
  }

  /// Writes the run as a capture at `path`.
  /// - Parameter header: the capture's first line (broker, subscriptions, tool).
  /// - Parameter replace: replace an existing file (else an existing file is an error).
  /// - Throws: `CaptureError` when the file exists (without `replace`) or cannot be written.
  public func save(to path: String, header: CaptureHeader, replace: Bool) throws {
    let writer = try CaptureWriter(path: path, mode: replace ? .replace : .createNew, header: header)
    for record in records { try writer.write(record) }
    try writer.close()
  }
}
