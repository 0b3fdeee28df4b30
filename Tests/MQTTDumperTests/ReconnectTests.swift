import Testing

@testable import MQTTDumper

@Suite("reconnecting without storms")
struct ReconnectTests {
  let t0 = ContinuousClock.now

  @Test("pauses double from 0.1 s to 30 s, each scaled by a jitter factor in [0.5, 1)")
  func doubling() {
    var backoff = ReconnectBackoff()
    let longest = (0..<12).map { _ in backoff.nextPause(at: t0, random: 0.999_999) }
    #expect(
      longest.map { ($0 / .milliseconds(1)).rounded() }
        == [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000])
    var other = ReconnectBackoff()
    let shortest = other.nextPause(at: t0, random: 0)
    #expect(shortest == .milliseconds(50))
  }

  @Test("an accepted connection does not reset the pause; one that lasted a minute does")
  func resetOnlyWhenStable() {
    var backoff = ReconnectBackoff()
    for _ in 0..<3 { _ = backoff.nextPause(at: t0, random: 0) }
    backoff.connected(at: t0)
    // Lost again 2 s after the CONNACK: the pause keeps growing (50 ms · 2³).
    let afterQuickLoss = backoff.nextPause(at: t0 + .seconds(2), random: 0)
    #expect(afterQuickLoss == .milliseconds(400))
    backoff.connected(at: t0 + .seconds(3))
    let afterStableMinute = backoff.nextPause(at: t0 + .seconds(63), random: 0)
    #expect(afterStableMinute == .milliseconds(50))
  }

  @Test("a v5 DISCONNECT 0x8E is a takeover at once")
  func reasonCode() {
    var detector = SessionTakeoverDetector()
    detector.connected(at: t0)
    let verdict1 = detector.isTakeover(.disconnectedByBroker(reasonCode: 0x8E), at: t0 + .seconds(600))
    #expect(verdict1)
  }

  @Test("two quick closes after good CONNACKs are a takeover; a broker restart is not")
  func quickCloses() {
    var detector = SessionTakeoverDetector()
    detector.connected(at: t0)
    // The first recorder is pushed out after a long connection: could be a restart.
    let verdict2 = detector.isTakeover(.closedByBroker, at: t0 + .seconds(100))
    #expect(!verdict2)
    detector.connected(at: t0 + .seconds(101))
    let verdict3 = detector.isTakeover(.closedByBroker, at: t0 + .milliseconds(101_200))
    #expect(!verdict3)
    detector.connected(at: t0 + .seconds(102))
    let verdict4 = detector.isTakeover(.closedByBroker, at: t0 + .milliseconds(102_300))
    #expect(verdict4)

    var restarts = SessionTakeoverDetector()
    restarts.connected(at: t0)
    let verdict5 = restarts.isTakeover(.closedByBroker, at: t0 + .seconds(1))
    #expect(!verdict5)
    // Reconnected to the restarted broker, which stays up; a later, network failure resets the count.
    restarts.connected(at: t0 + .seconds(2))
    let verdict6 = restarts.isTakeover(.failed(code: 14), at: t0 + .milliseconds(2_500))
    #expect(!verdict6)
    restarts.connected(at: t0 + .seconds(3))
    let verdict7 = restarts.isTakeover(.closedByBroker, at: t0 + .milliseconds(3_500))
    #expect(!verdict7)
    let verdict8 = restarts.isTakeover(.protocolError, at: t0 + .seconds(4))
    #expect(!verdict8)
  }
}
