import MQTTCapture

/// When expected messages must come: within a time after an event of the stimulus (or after the stimulus
/// started); without a length, at any time during the run.
public struct ExpectationWindow: Sendable {
  /// An event in the stimulus that the window opens at, such as OctoPrint's `PrintDone`.
  public struct Event: Sendable {
    /// The event's name, as reports say it.
    public var name: String
    /// Whether a stimulus message is this event.
    public var matches: @Sendable (CapturedMessage) -> Bool

    /// The event `name`, recognised by `matches`.
    public init(name: String, matches: @escaping @Sendable (CapturedMessage) -> Bool) {
      self.name = name
      self.matches = matches
    }
  }

  /// How long the window stays open; nil for the whole run.
  public var length: Duration?
  /// The stimulus event it opens at; nil for the moment the stimulus started.
  public var after: Event?

  /// A window of `length` that opens at `after` (both optional).
  public init(length: Duration? = nil, after: Event? = nil) {
    self.length = length
    self.after = after
  }

  /// Whether a message at `time` came inside the window, when it opened at `start`.
  public func contains(_ time: Timestamp, openedAt start: Timestamp) -> Bool {
    guard let length else { return true }
    let offset = time.since(start)
    return offset >= .zero && offset <= length
  }

  /// The window as reports say it: ` within 3s after PrintDone`, ` within 5m`, or nothing.
  public var phrase: String {
    (length.map { " within \($0.compactText)" } ?? "") + (after.map { " after \($0.name)" } ?? "")
  }
}
