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

  @Test("while nothing listens at the broker's address, pauses stay under 2 s so a restart is noticed soon")
  func unreachable() {
    var backoff = ReconnectBackoff()
    let pauses = (0..<8).map { _ in backoff.nextPause(at: t0, unreachable: true, random: 0.999_999) }
    #expect(pauses.map { ($0 / .milliseconds(1)).rounded() } == [100, 200, 400, 800, 1600, 2000, 2000, 2000])
    // A broker that answers and then drops us again gets the long pauses back.
    let afterAnswer = backoff.nextPause(at: t0, random: 0.999_999)
    #expect((afterAnswer / .milliseconds(1)).rounded() == 25_600)
  }

  @Test("a v5 DISCONNECT 0x8E is a takeover at once")
  func reasonCode() {
    var detector = SessionTakeoverDetector()
    detector.connected(at: t0)
    let verdict1 = detector.isTakeover(.disconnectedByBroker(reasonCode: 0x8E), at: t0 + .seconds(600))
    #expect(verdict1)
  }

  @Test("three quick closes after first-try reconnections are a takeover; a restarting broker is not")
  func quickCloses() {
    var detector = SessionTakeoverDetector()
    detector.connected(at: t0)
    // Pushed out after a long connection: could be a restart.
    let first = detector.isTakeover(.closedByBroker, at: t0 + .seconds(100))
    #expect(!first)
    var verdicts: [Bool] = []
    for round in 1...3 {
      let accepted = t0 + .seconds(100 + round)
      detector.connected(at: accepted)
      verdicts.append(detector.isTakeover(.closedByBroker, at: accepted + .milliseconds(300)))
    }
    #expect(verdicts == [false, false, true])

    // A broker restarted three times, 0.4 s apart: one reconnection attempt found it down.
    var restarts = SessionTakeoverDetector()
    var seen: [Bool] = []
    for round in 0..<4 {
      let accepted = t0 + .seconds(round)
      restarts.connected(at: accepted)
      if round == 2 { restarts.attemptFailed() }
      seen.append(restarts.isTakeover(.closedByBroker, at: accepted + .milliseconds(400)))
    }
    #expect(seen == [false, false, false, false])
    // Other ends reset the count too.
    restarts.connected(at: t0 + .seconds(10))
    let networkError = restarts.isTakeover(.failed(code: 14), at: t0 + .milliseconds(10_100))
    #expect(!networkError)
  }
}
