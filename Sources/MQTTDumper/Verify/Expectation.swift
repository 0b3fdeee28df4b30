import MQTTCapture

/// What a consumer is expected to publish while the stimulus plays, and how what it did publish is judged:
/// a recorded run compared per topic in order (`verify --expect`), single messages that must come
/// (`--expect-message`, optionally in a window), or both.
public struct Expectation: Sendable {
  /// A recorded run to compare with; nil for none.
  public var recorded: RecordedRun?
  /// Messages that must come (other messages may come too).
  public var messages: [MessageExpectation]
  /// When `messages` must come.
  public var window: ExpectationWindow
  /// How the recorded run is compared (JSON as values, ignored fields, exact).
  public var comparison: ComparisonOptions
  /// With a recorded run: also compare when each message came; nil to leave timing out.
  public var timing: TimingCheck?

  /// An expectation of the parts given; with none, a run is only recorded, never judged.
  public init(
    recorded: RecordedRun? = nil, messages: [MessageExpectation] = [], window: ExpectationWindow = ExpectationWindow(),
    comparison: ComparisonOptions = ComparisonOptions(), timing: TimingCheck? = nil
  ) {
    self.recorded = recorded
    self.messages = messages
    self.window = window
    self.comparison = comparison
    self.timing = timing
  }

  /// Whether there is nothing to compare with.
  public var isEmpty: Bool { recorded == nil && messages.isEmpty }

  /// Whether `received` already meets every part, so waiting for the consumer can end. An empty recorded
  /// run is never met early: only waiting the whole time shows that nothing comes. Timing is not asked.
  /// - Parameter windowStart: when `window` opened.
  public func isMet(by received: [CapturedMessage], windowStart: Timestamp) -> Bool {
    if isEmpty { return false }
    if let recorded {
      guard !recorded.messages.isEmpty,
        CaptureComparison.compare(expected: recorded.messages, actual: received, options: comparison).isEmpty
      else { return false }
    }
    return messages.allSatisfy { $0.isSatisfied(by: received, window: window, openedAt: windowStart) }
  }

  /// Whether waiting longer cannot change the verdict or its report: only `--expect-message`s in a window of
  /// some length are asked, the window closed at `now`, and each came (late: the report says when).
  /// - Parameter windowStart: when `window` opened.
  public func isDecided(by received: [CapturedMessage], windowStart: Timestamp, now: Timestamp) -> Bool {
    guard recorded == nil, !messages.isEmpty, let length = window.length,
      now.since(windowStart) > length
    else { return false }
    return messages.allSatisfy { expected in received.contains { expected.matches($0) } }
  }

  /// Judges what came.
  /// - Parameters:
  ///   - received: what the consumer published.
  ///   - stimulusStart: when the stimulus started (nil: unknown), the origin of timing.
  ///   - windowStart: when `window` opened.
  public func verdict(received: [CapturedMessage], stimulusStart: Timestamp?, windowStart: Timestamp) -> Verdict {
    var verdict = Verdict(received: received)
    if let recorded {
      var differences = CaptureComparison.compare(expected: recorded.messages, actual: received, options: comparison)
      if let timing {
        differences += timing.differences(expected: recorded, received: received, start: stimulusStart ?? .now())
      }
      verdict.report = ComparisonReport(differences, expected: recorded.messages.count, actual: received.count)
      verdict.differences = differences
      verdict.expected = recorded.messages
    }
    for e in messages {
      let met = e.isSatisfied(by: received, window: window, openedAt: windowStart)
      verdict.messageResults.append(
        Verdict.MessageResult(
          expectation: e, met: met, window: window, firstMatch: received.first { e.matches($0) },
          windowStart: windowStart))
      verdict.expected.append(e.message(at: windowStart))
      if !met {
        verdict.differences.append(
          MessageDifference(
            kind: .missing, topic: e.topic, index: 1, expected: ComparedMessage(e.message(at: windowStart))))
      }
    }
    return verdict
  }
}
