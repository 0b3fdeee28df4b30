import MQTTCapture

/// Timing as part of the expectation (`verify --check-timing`): each expected message must come about as
/// long after the stimulus started as it did in the expectation, within `tolerance`.
///
/// Times are measured from an origin on each side, chosen by the first rule that applies:
/// 1. the expectation has a `stimulus` event (`verify --record` writes one): from it, and from the time
///    this run's stimulus started;
/// 2. the expectation's first `ts` is below `offsetLimit`: its times are offsets already (a file written
///    by hand says `"ts":3.2` for "3.2 s after the stimulus started"), measured against this run's start;
/// 3. otherwise its first message is lined up with the first message that came.
public struct TimingCheck: Sendable {
  /// Expected `ts` values below this are offsets from the stimulus start, not clock times: 10⁹ s after
  /// 1970 is 2001-09-09, before any capture, and 31 years is more than any run lasts.
  public static let offsetLimit = Timestamp(microseconds: 1_000_000_000_000_000)

  /// How far a message's time after the start may be off.
  public var tolerance: Duration

  /// A check that allows `tolerance` either way.
  public init(tolerance: Duration) {
    self.tolerance = tolerance
  }

  /// The origins both sides are measured from, by the rules above.
  /// - Parameter start: when this run's stimulus started.
  public func origins(expected: RecordedRun, received: [CapturedMessage], start: Timestamp)
    -> (expected: Timestamp, actual: Timestamp)
  {
    if let stimulusStart = expected.stimulusStart {
      return (stimulusStart, start)
    }
    if let first = expected.messages.first, first.timestamp < Self.offsetLimit {
      return (Timestamp(microseconds: 0), start)
    }
    return (
      expected.messages.first?.timestamp ?? Timestamp(microseconds: 0),
      received.first?.timestamp ?? Timestamp(microseconds: 0)
    )
  }

  /// A `changed` difference for each expected message whose time after the start is off by more than
  /// `tolerance`. Each expected message is paired with the first unpaired received message of the same
  /// topic and payload (bytes); messages without a partner are the comparison's business, not timing's.
  /// - Parameter start: when this run's stimulus started.
  public func differences(expected: RecordedRun, received: [CapturedMessage], start: Timestamp)
    -> [MessageDifference]
  {
    let origin = origins(expected: expected, received: received, start: start)
    var result: [MessageDifference] = []
    var used = Set<Int>()
    for (k, e) in expected.messages.enumerated() {
      guard
        let j = received.indices.first(where: {
          !used.contains($0) && received[$0].topic == e.topic && received[$0].payload == e.payload
        })
      else { continue }
      used.insert(j)
      let want = e.timestamp.since(origin.expected)
      let got = received[j].timestamp.since(origin.actual)
      if abs((got - want) / .microseconds(1)) > tolerance / .microseconds(1) {
        result.append(
          MessageDifference(
            kind: .changed, topic: e.topic, index: k + 1, expected: ComparedMessage(e),
            actual: ComparedMessage(received[j]),
            details: [
              "time after the start: \(want.secondsText(places: 2)) → \(got.secondsText(places: 2))"
                + " (tolerance \(tolerance.compactText))"
            ]))
      }
    }
    return result
  }
}
