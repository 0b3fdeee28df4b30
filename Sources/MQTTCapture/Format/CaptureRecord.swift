/// A change of the recorder's connection, recorded where it happened so gaps are visible.
public struct ConnectionEvent: Equatable, Sendable {
  /// `connected`, `disconnected`, or a kind a newer version wrote.
  public var kind: String
  public var timestamp: Timestamp
  public var reason: String?

  public init(kind: String, timestamp: Timestamp, reason: String? = nil) {
    self.kind = kind
    self.timestamp = timestamp
    self.reason = reason
  }

  public static func connected(at timestamp: Timestamp) -> ConnectionEvent {
    ConnectionEvent(kind: "connected", timestamp: timestamp)
  }

  public static func disconnected(at timestamp: Timestamp, reason: String) -> ConnectionEvent {
    ConnectionEvent(kind: "disconnected", timestamp: timestamp, reason: reason)
  }
}

/// One line of a capture file.
public enum CaptureRecord: Equatable, Sendable {
  /// Line 1, or the first line of a session appended later.
  case header(CaptureHeader)
  /// A message.
  case message(CapturedMessage)
  /// The recorder connected, lost its connection, or noted a stimulus.
  case event(ConnectionEvent)
}
