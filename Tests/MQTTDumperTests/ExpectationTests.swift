import Foundation
import MQTTCapture
import MQTTDumper
import Testing

@Suite("what a verify expectation means")
struct ExpectationTests {
  @Test(
    "topic=payload splits at the first '=' and needs a topic",
    arguments: [
      ("home/printer/power=off", "home/printer/power", "off"), ("a=b=c", "a", "b=c"), ("a=", "a", ""),
      (#"s={"on": true}"#, "s", #"{"on": true}"#),
    ])
  func parsing(text: String, topic: String, payload: String) throws {
    let e = try #require(MessageExpectation(text))
    #expect(e.topic == topic)
    #expect(e.payload == payload)
    #expect(e.text == text)
  }

  @Test("without a '=' or a topic it is not an expectation", arguments: ["off", "=off", ""])
  func notExpectations(text: String) {
    #expect(MessageExpectation(text) == nil)
  }

  @Test("a message matches by topic and payload: JSON as a value, flags not compared")
  func matching() throws {
    let json = try #require(MessageExpectation(#"home/state={"on": false, "level": 1.0}"#))
    #expect(json.matches(message("home/state", #"{"level":1,"on":false}"#, qos: .exactlyOnce, retain: true)))
    #expect(!json.matches(message("home/state", #"{"on": true, "level": 1}"#)))
    #expect(!json.matches(message("home/other", #"{"on": false, "level": 1}"#)))
    let text = try #require(MessageExpectation("\(power)=off"))
    #expect(text.matches(message(power, "off", retain: true)))
    #expect(!text.matches(message(power, "off ")))
    #expect(!text.matches(message(power, "OFF")))
  }

  @Test("a window opens at its start and includes its end; without a length it is the whole run")
  func window() {
    let window = ExpectationWindow(length: .seconds(3))
    let start = ts(100)
    #expect(window.contains(ts(100), openedAt: start))
    #expect(window.contains(ts(103), openedAt: start))
    #expect(!window.contains(ts(103.000_001), openedAt: start))
    #expect(!window.contains(ts(99.9), openedAt: start))
    #expect(ExpectationWindow().contains(ts(0), openedAt: start))
  }

  @Test(
    "a window reads as it was written on the command line",
    arguments: [
      (Duration.seconds(3), " within 3s"), (.seconds(300), " within 5m"), (.seconds(7200), " within 2h"),
      (.milliseconds(500), " within 500ms"), (.milliseconds(1500), " within 1.5s"), (.seconds(90), " within 90s"),
    ])
  func phrase(length: Duration, phrase: String) {
    #expect(ExpectationWindow(length: length).phrase == phrase)
    let after = ExpectationWindow.Event(name: "PrintDone") { _ in true }
    #expect(ExpectationWindow(length: length, after: after).phrase == phrase + " after PrintDone")
    #expect(ExpectationWindow().phrase == "")
  }

  @Test("waiting ends once every part is met; an empty recording, or nothing expected, never ends it early")
  func met() throws {
    let start = ts(100)
    let came = [message(power, "off", at: 101)]
    let off = try #require(MessageExpectation("\(power)=off"))
    #expect(
      Expectation(recorded: RecordedRun(messages: [message(power, "off", at: 5)])).isMet(by: came, windowStart: start))
    #expect(!Expectation(recorded: RecordedRun(messages: [message(power, "on")])).isMet(by: came, windowStart: start))
    #expect(!Expectation(recorded: RecordedRun(messages: [])).isMet(by: came, windowStart: start))
    #expect(!Expectation().isMet(by: came, windowStart: start))
    #expect(
      Expectation(messages: [off], window: ExpectationWindow(length: .seconds(3))).isMet(by: came, windowStart: start))
    #expect(
      !Expectation(messages: [off], window: ExpectationWindow(length: .milliseconds(500))).isMet(
        by: came, windowStart: start))
    // Both parts must be met.
    #expect(
      !Expectation(recorded: RecordedRun(messages: [message(power, "on")]), messages: [off]).isMet(
        by: came, windowStart: start))
  }

  @Test("a message that came after its window decides the check; one not come yet, or no window, does not")
  func decided() throws {
    let start = ts(100)
    let late = [message(power, "off", at: 102)]
    let off = try #require(MessageExpectation("\(power)=off"))
    let light = try #require(MessageExpectation("home/light=on"))
    let second = ExpectationWindow(length: .seconds(1))
    #expect(Expectation(messages: [off], window: second).isDecided(by: late, windowStart: start, now: ts(103)))
    // The window is still open: the message may yet come in it.
    #expect(!Expectation(messages: [off], window: second).isDecided(by: [], windowStart: start, now: ts(100.5)))
    // Closed, but one expected message never came: it may still come late, and the report says when.
    #expect(!Expectation(messages: [off, light], window: second).isDecided(by: late, windowStart: start, now: ts(103)))
    // Without a window length, or with a recorded run to compare, only the expectation met or the timeout ends it.
    #expect(!Expectation(messages: [off]).isDecided(by: late, windowStart: start, now: ts(103)))
    #expect(
      !Expectation(recorded: RecordedRun(messages: [message(power, "off")]), messages: [off], window: second)
        .isDecided(by: late, windowStart: start, now: ts(103)))
  }

  @Test("the verdict says of each expected message whether it came in time, late (and when), or never")
  func messageResults() throws {
    let after = ExpectationWindow.Event(name: "PrintDone") { _ in true }
    let expectation = Expectation(
      messages: [try #require(MessageExpectation("\(power)=off")), try #require(MessageExpectation("home/light=on"))],
      window: ExpectationWindow(length: .seconds(1), after: after))
    let late = expectation.verdict(
      received: [message(power, "off", at: 103.24)], stimulusStart: ts(98), windowStart: ts(100))
    #expect(!late.passed)
    #expect(
      late.description == """
        expected home/printer/power=off within 1s after PrintDone: it came 3.2 s after PrintDone
        expected home/light=on within 1s after PrintDone: it never came

        """)
    #expect(late.differences.map(\.kind) == [.missing, .missing])
    #expect(late.differences.map(\.topic) == [power, "home/light"])
    let inTime = expectation.verdict(
      received: [message("home/light", "on", at: 100.9), message(power, "off", at: 100.5)], stimulusStart: ts(98),
      windowStart: ts(100))
    #expect(inTime.passed)
    #expect(
      inTime.description == """
        ok: home/printer/power=off came within 1s after PrintDone
        ok: home/light=on came within 1s after PrintDone

        """)
    let noWindow = Expectation(messages: [try #require(MessageExpectation("\(power)=off"))])
    #expect(
      noWindow.verdict(received: [], stimulusStart: nil, windowStart: ts(0)).description
        == "expected home/printer/power=off: it never came\n")
  }

  @Test("a recorded run is compared per topic; the report counts what was expected and what came")
  func recordedComparison() {
    let expectation = Expectation(recorded: RecordedRun(messages: [message(power, "off", at: 1)]))
    let twice = expectation.verdict(
      received: [message(power, "off", at: 101), message(power, "off", at: 101.5)], stimulusStart: ts(100),
      windowStart: ts(100))
    #expect(!twice.passed)
    #expect(
      twice.description == """
        home/printer/power: 1 extra
          + #2 came, not expected: off
        0 missing, 1 extra, 0 changed (1 expected, 2 came)

        """)
    let once = expectation.verdict(
      received: [message(power, "off", at: 101)], stimulusStart: ts(100), windowStart: ts(100))
    #expect(once.passed)
    #expect(once.description == "no differences: 1 message matches\n")
  }

  @Test("--exact and ignored fields apply to the recorded run")
  func comparisonOptions() {
    let recorded = RecordedRun(messages: [message("s", #"{"a": 1, "_timestamp": 5}"#)])
    let received = [message("s", #"{"_timestamp": 9, "a": 1.0}"#)]
    let ignoring = Expectation(recorded: recorded, comparison: ComparisonOptions(ignoredFields: ["_timestamp"]))
    #expect(ignoring.verdict(received: received, stimulusStart: nil, windowStart: ts(0)).passed)
    let exact = Expectation(
      recorded: recorded, comparison: ComparisonOptions(exact: true, ignoredFields: ["_timestamp"]))
    #expect(!exact.verdict(received: received, stimulusStart: nil, windowStart: ts(0)).passed)
  }

  @Test("a recorded run starts at its first stimulus event, and saves that event first")
  func recordedRun() throws {
    let m = message(power, "off", at: 3)
    let run = RecordedRun(messages: [m], events: [.connected(at: ts(1)), .stimulus(at: ts(2)), .stimulus(at: ts(2.5))])
    #expect(run.stimulusStart == ts(2))
    #expect(run.records == [.event(.stimulus(at: ts(2))), .message(m)])
    #expect(RecordedRun(messages: [m], events: [.connected(at: ts(1))]).records == [.message(m)])

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("run.jsonl").path
    let header = CaptureHeader(
      created: "2025-11-25T10:00:00.000000Z", tool: "test", broker: "", protocolName: "mqttv5", subscriptions: [])
    try run.save(to: path, header: header, replace: false)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.dropFirst().first == #"{"ts":2.000000,"event":"stimulus"}"#)
    #expect(throws: CaptureError.fileExists(path: path)) { try run.save(to: path, header: header, replace: false) }
    try RecordedRun(messages: []).save(to: path, header: header, replace: true)
    #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1)
  }
}
