import MQTTCapture

/// Reads captures one message at a time, through a filter, for the analyses that must work on captures of
/// any size (`stats`, `schema`, `check`, `report`): nothing but the current record is held.
public struct MessageScan {
  /// The files, in the order given (`-` for standard input).
  public var paths: [String]
  /// Which messages are handed on (the `print` filters).
  public var filter: MessageFilter

  /// A scan of `paths` through `filter`.
  public init(paths: [String], filter: MessageFilter = MessageFilter()) {
    self.paths = paths
    self.filter = filter
  }

  /// What a scan found besides the messages.
  public struct Outcome: Sendable {
    /// One sentence per file that was cut off (every complete record before the cut was read).
    public var truncations: [String] = []
    /// How many messages were handed on.
    public var messages = 0
  }

  /// Hands every accepted message to `body`, file by file, and stops early when the filter's `--limit` is
  /// reached.
  /// - Throws: `CaptureError` for a file that cannot be read, is not a capture or is corrupt; what `body` throws.
  public mutating func run(_ body: (CapturedMessage) throws -> Void) throws -> Outcome {
    var outcome = Outcome()
    for path in paths {
      if filter.isExhausted { break }
      let reader = try CaptureReader(path: path)
      while !filter.isExhausted, let record = try reader.next() {
        guard case .message(let message) = record, filter.accept(message) else { continue }
        outcome.messages += 1
        try body(message)
      }
      if let truncation = reader.truncation { outcome.truncations.append(truncation) }
    }
    return outcome
  }
}
