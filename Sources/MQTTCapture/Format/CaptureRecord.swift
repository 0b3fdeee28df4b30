/// One line of a capture file.
public enum CaptureRecord: Equatable, Sendable {
  /// Line 1, or the first line of a session appended later.
  case header(CaptureHeader)
  /// A message.
  case message(CapturedMessage)
  /// The recorder connected, lost its connection, or noted a stimulus.
  case event(ConnectionEvent)
}
