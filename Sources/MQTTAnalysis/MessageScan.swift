import MQTTCapture

/// Reads captures one message at a time, through a filter, for the analyses that must work on captures of
/// any size (`stats`, `schema`, `check`, `report`): nothing but the current record is held.
public struct MessageScan {
  /// The files, in the order given (`-` for standard input).
  public var paths: [String]
  /// Which messages are handed on (the `print` filters).
  public var filter: MessageFilter
  /// Whether the scan also summarises each file (`Outcome.summaries`, what `info` shows) from the records it
  /// reads: then it reads every file to its end, past the filter's `--limit`, counting every record whatever
  /// the filter says, and standard input gets a summary too.
  public var summarizes = false

  /// A scan of `paths` through `filter`.
  public init(paths: [String], filter: MessageFilter = MessageFilter(), summarizes: Bool = false) {
    self.paths = paths
    self.filter = filter
    self.summarizes = summarizes
  }

  /// What a scan found besides the messages.
  public struct Outcome: Sendable {
    /// One sentence per file that was cut off (every complete record before the cut was read).
    public var truncations: [String] = []
    /// How many messages were handed on.
    public var messages = 0
    /// One sentence per file in which the time of the messages handed on goes backwards (counting its first
    /// message against the file before it).
    public var stepsBack: [String] = []
    /// Each file's summary, in the order of `paths`, when the scan `summarizes`; empty otherwise.
    public var summaries: [CaptureSummary] = []
  }

  /// Hands every accepted message to `body`, file by file, and stops early when the filter's `--limit` is
  /// reached (unless it `summarizes`: then it reads on to the end of every file, handing nothing more on).
  /// - Throws: `CaptureError` for a file that cannot be read, is not a capture or is corrupt; what `body` throws.
  public mutating func run(_ body: (CapturedMessage) throws -> Void) throws -> Outcome {
    var outcome = Outcome()
    var previous: Int64?
    for path in paths {
      if filter.isExhausted && !summarizes { break }
      let reader = try CaptureReader(path: path)
      var summary = summarizes ? CaptureSummary.Builder(reader) : nil
      var steps = StepsBack()
      // Whether the messages were wanted up to the end of the file: a cut-off end read only for the summary,
      // after the `--limit`, is the summary's to tell, not a warning of the scan.
      var scannedToEnd = false
      while summarizes || !filter.isExhausted {
        let wanted = !filter.isExhausted
        guard let record = try reader.next() else {
          scannedToEnd = wanted
          break
        }
        summary?.add(record)
        guard wanted, case .message(let message) = record, filter.accept(message) else { continue }
        outcome.messages += 1
        steps.add(message.timestamp.microseconds, after: previous)
        previous = message.timestamp.microseconds
        try body(message)
      }
      if let sentence = steps.sentence(path) { outcome.stepsBack.append(sentence) }
      if scannedToEnd, let truncation = reader.truncation { outcome.truncations.append(truncation) }
      if let summary { outcome.summaries.append(summary.summary(reader)) }
    }
    return outcome
  }
}

extension StepsBack {
  /// One sentence for the warning, nil when time never went back.
  func sentence(_ path: String) -> String? {
    guard count > 0 else { return nil }
    let name = CaptureError.shown(path)
    let start =
      !atStart
      ? ""
      : count == 1
        ? ", at its start (before the end of the file before it: give the files in time order)"
        : ", once at its start (give the files in time order)"
    return "\(name): the time goes back \(formatCount(count, "time")), by up to "
      + "\(StatisticsText.duration(Double(largest) / 1e6))\(start); the longest silence shown has no message "
      + "inside it but may miss a longer one, and a second that comes back counts afresh for the peak."
  }
}
