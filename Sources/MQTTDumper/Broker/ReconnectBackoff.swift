/// How long to wait before the next attempt to reach a broker: exponential, with jitter, and reset only
/// once a connection has stayed up for a while.
///
/// A connection that drops right after it was accepted must not be retried at once: that is how two
/// clients with one id, or a broker that rejects something in every session, turn into thousands of
/// reconnects a second. So the pause grows with every loss, successful CONNACKs included, and only
/// shrinks back after `stableAfter` of uninterrupted connection.
public struct ReconnectBackoff: Sendable {
  /// The first pause.
  public var initial: Duration = .milliseconds(100)
  /// The longest pause.
  public var maximum: Duration = .seconds(30)
  /// How long a connection must last for the next loss to start again from `initial`.
  public var stableAfter: Duration = .seconds(60)
  /// The longest pause while nothing listens at the broker's address (connection refused): such an attempt
  /// costs the broker nothing, and coming back soon after it restarts is what keeps its queue from overflowing.
  public var unreachableMaximum: Duration = .seconds(2)

  private var attempt = 0
  private var connectedAt: ContinuousClock.Instant?

  /// A back-off at its first step.
  public init() {}

  /// Tells the back-off that a connection was accepted.
  public mutating func connected(at now: ContinuousClock.Instant = .now) {
    connectedAt = now
  }

  /// Tells the back-off that a connection or an attempt failed, and returns the pause before the next try:
  /// `initial · 2ⁿ` capped at `maximum`, scaled by a random factor in [0.5, 1) so that clients that lost the
  /// same broker do not come back in step.
  /// - Parameters:
  ///   - unreachable: the last attempt found nothing listening (connection refused): pauses stay under
  ///     `unreachableMaximum`.
  ///   - random: a value in [0, 1); injectable for tests.
  public mutating func nextPause(
    at now: ContinuousClock.Instant = .now, unreachable: Bool = false, random: Double = Double.random(in: 0..<1)
  ) -> Duration {
    if let since = connectedAt, now - since >= stableAfter { attempt = 0 }
    connectedAt = nil
    let doubled = initial * Double(1 << min(attempt, 20))
    attempt += 1
    let capped = min(doubled, unreachable ? unreachableMaximum : maximum)
    return capped * (0.5 + random / 2)
  }
}
