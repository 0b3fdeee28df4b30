/// A recording in a format other than a capture (another tool's output, a packet capture),
/// read one message at a time for `convert`.
///
/// Readers stream: memory stays bounded by the largest message, not the file.
public protocol ForeignRecording: AnyObject {
  /// The next message in the recording's order, or nil at its end.
  /// - Throws: `CaptureError` naming the file and place when the input is damaged or foreign.
  func next() throws -> CapturedMessage?

  /// What the format could not tell or what was skipped, one line each
  /// ("mosquitto_sub -v has no times; messages are 1 ms apart"). Complete once `next()` returned nil.
  var losses: [String] { get }

  /// Where the recording was made, as far as it tells: read when the first message is written (right after
  /// `next()` returned it), or at the end when there was none. Text formats do not say (`.unknown`).
  var origin: RecordingOrigin { get }
}

extension ForeignRecording {
  /// Nothing known: the default of recordings whose format does not say where they were made.
  public var origin: RecordingOrigin { .unknown }
}
