/// Recognises another client taking over our session (two recorders with one client id).
///
/// An MQTT v5 broker may say so (DISCONNECT 0x8E). mosquitto (2.0.11 at least) just closes the socket of the
/// older connection, exactly as it does when it shuts down, so the pattern is what tells: in a fight, every
/// reconnection succeeds at its first attempt (the broker is up) and is closed again within a second (when
/// the other client's pause ends). Three such closes in a row are a takeover. A restarting broker refuses or
/// drops attempts while it is down, which resets the count; only a broker that restarts three times within a
/// second of each reconnection could look the same.
struct SessionTakeoverDetector {
  /// How soon after CONNACK a close counts as quick: longer than the other client's first pauses (0.1 to
  /// 0.4 s with ``ReconnectBackoff``'s defaults).
  var window: Duration = .seconds(1)
  /// Quick closes in a row that make a takeover.
  var threshold = 3
  private var quickCloses = 0
  private var connectedAt: ContinuousClock.Instant?

  /// Tells the detector that a connection was accepted.
  mutating func connected(at now: ContinuousClock.Instant = .now) { connectedAt = now }

  /// Tells the detector that an attempt to reconnect failed: the broker was not there, so it is not a fight.
  mutating func attemptFailed() { quickCloses = 0 }

  /// Whether the way the connection ended means another client now holds the session.
  mutating func isTakeover(_ end: ConnectionEnd?, at now: ContinuousClock.Instant = .now) -> Bool {
    defer { connectedAt = nil }
    switch end {
    case .disconnectedByBroker(ConnectionEnd.sessionTakenOverCode):
      return true
    case .closedByBroker:
      if let since = connectedAt, now - since < window { quickCloses += 1 } else { quickCloses = 0 }
      return quickCloses >= threshold
    default:
      quickCloses = 0
      return false
    }
  }
}
