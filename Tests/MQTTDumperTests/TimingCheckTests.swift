import MQTTCapture
import MQTTDumper
import Testing

@Suite("timing rules of verify --check-timing")
struct TimingCheckTests {
  let check = TimingCheck(tolerance: .seconds(1))

  @Test("with a stimulus event, each side is measured from its own stimulus start")
  func fromStimulusEvent() {
    let expected = RecordedRun(messages: [message(power, "off", at: 1_764_000_003.2)], stimulusStart: ts(1_764_000_000))
    #expect(
      check.origins(expected: expected, received: [], start: ts(1_800_000_000)) == (
        ts(1_764_000_000), ts(1_800_000_000)
      ))
    #expect(
      check.differences(
        expected: expected, received: [message(power, "off", at: 1_800_000_003.5)], start: ts(1_800_000_000)
      ).isEmpty)
    let late = check.differences(
      expected: expected, received: [message(power, "off", at: 1_800_000_005.31)], start: ts(1_800_000_000))
    #expect(late.map(\.kind) == [.changed])
    #expect(late.first?.index == 1)
    #expect(late.first?.details == ["time after the start: 3.2 s → 5.31 s (tolerance 1s)"])
  }

  @Test("without one, ts below 10⁹ s are offsets from the stimulus start (files written by hand)")
  func offsets() {
    #expect(TimingCheck.offsetLimit == Timestamp(microseconds: 1_000_000_000_000_000))
    let expected = RecordedRun(messages: [message(power, "off", at: 3.2)])
    let start = ts(1_764_000_000)
    #expect(check.origins(expected: expected, received: [], start: start) == (ts(0), start))
    #expect(
      check.differences(expected: expected, received: [message(power, "off", at: 1_764_000_003.9)], start: start)
        .isEmpty)
    let early = check.differences(
      expected: expected, received: [message(power, "off", at: 1_764_000_001.5)], start: start)
    #expect(early.first?.details == ["time after the start: 3.2 s → 1.5 s (tolerance 1s)"])
  }

  @Test("otherwise the first expected message is lined up with the first one that came")
  func linedUp() {
    let expected = RecordedRun(messages: [message("a", "1", at: 1_700_000_000), message("b", "2", at: 1_700_000_002)])
    let received = [message("a", "1", at: 1_800_000_000), message("b", "2", at: 1_800_000_004)]
    // The limit itself is a clock time, not an offset.
    let atLimit = RecordedRun(messages: [message("a", "1", at: 1_000_000_000)])
    #expect(
      check.origins(expected: atLimit, received: received, start: ts(5)) == (ts(1_000_000_000), ts(1_800_000_000)))
    let d = check.differences(expected: expected, received: received, start: ts(0))
    #expect(d.map(\.topic) == ["b"])
    #expect(d.first?.index == 2)
    #expect(d.first?.details == ["time after the start: 2.0 s → 4.0 s (tolerance 1s)"])
  }

  @Test("the tolerance holds either way, ends included")
  func tolerance() {
    let expected = RecordedRun(messages: [message(power, "off", at: 3)], stimulusStart: ts(0))
    for got in [2.0, 3.0, 4.0] {
      #expect(
        check.differences(expected: expected, received: [message(power, "off", at: 100 + got)], start: ts(100)).isEmpty)
    }
    for got in [1.99, 4.01] {
      #expect(
        check.differences(expected: expected, received: [message(power, "off", at: 100 + got)], start: ts(100)).count
          == 1)
    }
    let tight = TimingCheck(tolerance: .milliseconds(250))
    let d = tight.differences(expected: expected, received: [message(power, "off", at: 103.5)], start: ts(100))
    #expect(d.first?.details == ["time after the start: 3.0 s → 3.5 s (tolerance 250ms)"])
  }

  @Test(
    "each expected message pairs with the first unpaired one of its topic and payload; the rest is the comparison's")
  func pairing() {
    let expected = RecordedRun(
      messages: [message(power, "off", at: 1), message(power, "off", at: 2), message("gone", "x", at: 3)],
      stimulusStart: ts(0))
    let received = [message("other", "y", at: 100.1), message(power, "off", at: 101), message(power, "off", at: 102.5)]
    #expect(check.differences(expected: expected, received: received, start: ts(100)).isEmpty)
    let d = TimingCheck(tolerance: .milliseconds(400)).differences(
      expected: expected, received: received, start: ts(100))
    #expect(d.map(\.index) == [2])
    #expect(d.first?.actual == ComparedMessage(received[2]))
  }
}
