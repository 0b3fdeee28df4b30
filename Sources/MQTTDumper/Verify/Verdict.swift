import MQTTCapture

/// How a consumer did against an `Expectation`: the comparison report, a result per expected message, and
/// every difference (for the JUnit report).
public struct Verdict: Sendable, CustomStringConvertible {
  /// The outcome of one `MessageExpectation`.
  public struct MessageResult: Sendable, CustomStringConvertible {
    /// What was expected.
    public var expectation: MessageExpectation
    /// Whether a matching message came inside the window.
    public var met: Bool
    /// The window it had to come in.
    public var window: ExpectationWindow
    /// The first matching message, in the window or not; nil when none came.
    public var firstMatch: CapturedMessage?
    /// When the window opened.
    public var windowStart: Timestamp

    /// `ok: home/printer/power=off came within 3s after PrintDone`, or what went wrong:
    /// `expected …: it came 3.4 s after PrintDone` or `…: it never came`.
    public var description: String {
      if met { return "ok: \(expectation.text) came\(window.phrase)" }
      let how =
        firstMatch.map { m in
          "it came \(m.timestamp.since(windowStart).secondsText(places: 1)) after \(window.after?.name ?? "the start")"
        } ?? "it never came"
      return "expected \(expectation.text)\(window.phrase): \(how)"
    }
  }

  /// What the consumer published.
  public var received: [CapturedMessage]
  /// What was expected, messages of a recorded run and single expected messages alike.
  public var expected: [CapturedMessage] = []
  /// With a recorded run: the report of its comparison, timing differences included.
  public var report: ComparisonReport?
  /// One result per expected single message, in the order they were given.
  public var messageResults: [MessageResult] = []
  /// Every difference: the recorded run's, and each expected message that did not come in time (`missing`).
  public var differences: [MessageDifference] = []

  /// A verdict on `received` with nothing judged yet.
  public init(received: [CapturedMessage]) {
    self.received = received
  }

  /// Whether the consumer did what was expected.
  public var passed: Bool { differences.isEmpty }

  /// What people read: the comparison report, then a line per expected message.
  public var description: String {
    (report?.description ?? "") + messageResults.map { "\($0)\n" }.joined()
  }
}
