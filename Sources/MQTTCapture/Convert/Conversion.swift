/// Copies a recording's messages into an output, in order, one at a time, keeping a capture's rule that
/// time never runs backwards.
public enum Conversion {
  /// What a conversion did.
  public struct Summary: Equatable, Sendable {
    /// Messages written.
    public var messages = 0
    /// Messages whose time was earlier than the one before and was raised to it.
    public var reordered = 0
    /// The input's and the output's losses, one sentence each.
    public var losses: [String] = []
    /// Whether the input was cut off (its sentence is among the losses).
    public var cutOff = false
  }

  /// Writes every message of `recording` to `output` (and a capture's connection events too, into a capture; a
  /// capture's header says the recording's `origin` as it was at the first message) and closes it, also when the recording turns out damaged (the output then holds the messages before the damage,
  /// and the error is thrown after).
  /// - Throws: the recording's `CaptureError` (naming the file and line), or the output's write error.
  public static func run(_ recording: any ForeignRecording, into output: any ConvertOutput) throws -> Summary {
    var summary = Summary()
    var last: Timestamp?
    var failure: (any Error)?
    // A capture into a capture keeps its connection events: recompressing must not lose its gaps.
    let capture = output is CaptureOutput ? recording as? CaptureRecording : nil
    (output as? CaptureOutput)?.origin = { recording.origin }
    func nextRecord() throws -> CaptureRecord? {
      if let capture { return try capture.nextRecord() }
      return try recording.next().map(CaptureRecord.message)
    }
    do {
      while let record = try nextRecord() {
        guard case .message(var message) = record else {
          if case .event(let event) = record { try (output as? CaptureOutput)?.write(event) }
          continue
        }
        if let last, message.timestamp < last {
          message.timestamp = last
          summary.reordered += 1
        }
        last = message.timestamp
        try output.write(message)
        summary.messages += 1
      }
    } catch let error as CaptureError where error.isWriteFailure {
      output.discard()
      throw error
    } catch {
      failure = error
    }
    try output.close()
    if let failure { throw failure }
    summary.losses = recording.losses + output.losses
    summary.cutOff = (recording as? any CutOffReporting)?.truncation != nil
    if summary.reordered > 0 {
      summary.losses.append(
        "\(formatCount(summary.reordered, "message")) had a time earlier than the message before; "
          + "they were given its time (a capture's time never runs backwards)")
    }
    return summary
  }
}
