import Foundation
import MQTTCapture
import Testing

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The example consumer (examples/power-off-after-print.sh) against a broker, with its settings.
private func startConsumer(_ broker: TestBroker, delay: String = "1", payload: String = "off", times: String = "1")
  throws
  -> Running
{
  let script = repoRoot.appendingPathComponent("examples/power-off-after-print.sh").path
  let consumer = try Running(
    "/bin/bash", [script],
    environment: [
      "MQTT_HOST": "127.0.0.1", "MQTT_PORT": "\(broker.port)", "POWER_OFF_DELAY": delay, "POWER_PAYLOAD": payload,
      "POWER_TIMES": times,
    ])
  usleep(500_000)  // its mosquitto_sub is subscribed
  return consumer
}

private func verify(_ broker: TestBroker, _ extra: [String] = []) throws -> Finished {
  try mqttDumper(
    [
      "verify", "--stimulus", repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path, "--speed", "600",
      "--watch", "home/#", "-p", "\(broker.port)", "--timeout", "4s",
    ] + extra, timeout: 60)
}

private let expected = repoRoot.appendingPathComponent("examples/power-off.expected.jsonl").path

@Suite("verify a consumer against a real broker", .serialized)
struct VerifyEndToEndTests {
  @Test("a consumer script's own children (its mosquitto_sub) are gone when the test ends")
  func noProcessLeftBehind() throws {
    let broker = try TestBroker()
    let marker = "-p \(broker.port) -t octoPrint/event/PrintDone"
    do {
      let consumer = try startConsumer(broker)
      #expect(processes(mentioning: marker).count == 1, "the consumer's mosquitto_sub runs")
      consumer.signal(SIGKILL)
      consumer.wait()
    }
    usleep(100_000)
    #expect(processes(mentioning: marker) == [])
  }

  @Test("a correct consumer passes, with a JUnit report")
  func correctConsumer() throws {
    let broker = try TestBroker()
    let consumer = try startConsumer(broker)
    defer { consumer.signal(SIGKILL) }
    let junit = try temporaryDirectory().appendingPathComponent("report.xml").path
    let result = try verify(broker, ["--expect", expected, "--junit", junit])
    #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
    #expect(result.stdoutText == "no differences: 1 message matches\n")
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(xml.contains(#"<testsuite name="mqtt-dumper verify" tests="1" failures="0">"#))
    #expect(xml.contains(#"<testcase classname="mqtt-dumper.verify" name="home/printer/power"/>"#))
  }

  @Test("a wrong payload, a message sent twice, too late or never: each fails naming the difference")
  func faultyConsumers() throws {
    let cases: [(delay: String, payload: String, times: String, report: String)] = [
      ("1", "on", "1", "home/printer/power: 1 changed\n  ~ #1 changed:\n      payload: off → on\n"),
      ("1", "off", "2", "home/printer/power: 1 extra\n  + #2 came, not expected: off\n"),
      ("8", "off", "1", "home/printer/power: 1 missing\n  - #1 expected, did not come: off\n"),
    ]
    for c in cases {
      let broker = try TestBroker()
      let consumer = try startConsumer(broker, delay: c.delay, payload: c.payload, times: c.times)
      let result = try verify(broker, ["--expect", expected])
      consumer.signal(SIGKILL)
      #expect(result.status == 1, "\(c): \(result.stderr)")
      #expect(result.stdoutText.hasPrefix(c.report), "\(c): \(result.stdoutText)")
    }
    // No consumer at all.
    let broker = try TestBroker()
    let none = try verify(broker, ["--expect", expected, "--timeout", "1s"])
    #expect(none.status == 1)
    #expect(none.stdoutText.contains("1 missing"))
  }

  @Test("--record saves a first run, which then passes as the expectation; bad input exits 2")
  func recordAndErrors() throws {
    let broker = try TestBroker()
    let consumer = try startConsumer(broker)
    defer { consumer.signal(SIGKILL) }
    let recorded = try temporaryDirectory().appendingPathComponent("first.jsonl.gz").path
    let first = try verify(broker, ["--record", recorded])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(messages(try readAll(recorded).records).map(\.topic) == ["home/printer/power"])
    #expect(events(try readAll(recorded).records).map(\.kind) == [.stimulus])
    let second = try verify(broker, ["--expect", recorded])
    #expect(second.status == 0, "\(second.stdoutText)")
    // The recorded stimulus time lets a later run check when the consumer answered.
    let timed = try verify(broker, ["--expect", recorded, "--check-timing", "--tolerance", "1s"])
    #expect(timed.status == 0, "\(timed.stdoutText)")

    let port = try freeLoopbackPort()
    let unreachable = try mqttDumper([
      "verify", "--stimulus", expected, "--watch", "home/#", "--expect", expected, "-p", "\(port)", "-h", "127.0.0.1",
    ])
    #expect(unreachable.status == 2)
    #expect(unreachable.stderr.contains("connection refused"))
    let usage = try mqttDumper(["verify", "--watch", "home/#", "--expect", expected])
    #expect(usage.status == 2)
    #expect(usage.stderr.contains("give the stimulus"))
  }

  @Test("--update-expected with no consumer keeps the expectation and fails, instead of emptying it")
  func updateNeedsAConsumer() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let copy = dir.appendingPathComponent("expected.jsonl").path
    try FileManager.default.copyItem(atPath: expected, toPath: copy)
    let before = try Data(contentsOf: URL(fileURLWithPath: copy))
    let r = try verify(broker, ["--expect", copy, "--update-expected", "--timeout", "1s"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("published nothing"), "\(r.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
  }

  @Test("diff reports missing, extra and changed messages and exits 1; identical captures exit 0")
  func diffCommand() throws {
    let same = try mqttDumper(["diff", expected, expected])
    #expect(same.status == 0)
    let done = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path
    let cancelled = repoRoot.appendingPathComponent("captures/print-cancelled.jsonl.gz").path
    let d = try mqttDumper(["diff", done, cancelled, "-t", "octoPrint/event/+", "--ignore-field", "_timestamp"])
    #expect(d.status == 1)
    #expect(
      d.stdoutText.contains(
        "octoPrint/event/PrinterStateChanged: 1 changed\n  ~ #6 changed:\n      .state_id: \"FINISHING\" → \"CANCELLING\""
      ))
    #expect(d.stdoutText.contains("octoPrint/event/PrintDone: 1 missing"))
    #expect(d.stdoutText.contains("octoPrint/event/PrintCancelled: 1 extra"))
    let missing = try mqttDumper(["diff", done, "/nonexistent.jsonl.gz"])
    #expect(missing.status == 2)
  }

  @Test("--expect-message with --within/--after passes in time and fails when late, saying when it came")
  func lightweightExpectation() throws {
    let broker = try TestBroker()
    let onTime = try startConsumer(broker, delay: "1")
    let ok = try verify(
      broker, ["--expect-message", "home/printer/power=off", "--within", "3s", "--after", "PrintDone"])
    onTime.signal(SIGKILL)
    #expect(ok.status == 0, "\(ok.stdoutText) \(ok.stderr)")
    #expect(ok.stdoutText == "ok: home/printer/power=off came within 3s after PrintDone\n")

    let broker2 = try TestBroker()
    let late = try startConsumer(broker2, delay: "3")
    // Once the late message came nothing can change the verdict: verify ends then, not after --timeout 10m
    // (the run is given 60 s).
    let failed = try verify(
      broker2,
      ["--expect-message", "home/printer/power=off", "--within", "1s", "--after", "PrintDone", "--timeout", "10m"])
    late.signal(SIGKILL)
    #expect(failed.status == 1)
    #expect(failed.stdoutText.hasPrefix("expected home/printer/power=off within 1s after PrintDone: it came 3."))
  }

  @Test("--check-timing compares each message's time after the stimulus starts, within --tolerance")
  func checkTiming() throws {
    // The print-done capture at speed 600 reaches PrintDone after about 2.2 s; the consumer waits 1 s more.
    let dir = try temporaryDirectory()
    let timed = dir.appendingPathComponent("timed.jsonl").path
    try """
    {"mqtt_dumper_capture":1,"created":"2025-11-25T10:00:00.000000Z","tool":"by hand","broker":"","protocol":"mqttv5","subscriptions":[]}
    {"ts":3.200000,"topic":"home/printer/power","qos":1,"retain":false,"payload":"off"}

    """.write(toFile: timed, atomically: true, encoding: .utf8)
    let broker = try TestBroker()
    let consumer = try startConsumer(broker, delay: "1")
    let ok = try verify(broker, ["--expect", timed, "--check-timing", "--tolerance", "1s"])
    consumer.signal(SIGKILL)
    #expect(ok.status == 0, "\(ok.stdoutText)")

    let broker2 = try TestBroker()
    let slow = try startConsumer(broker2, delay: "3")
    let failed = try verify(broker2, ["--expect", timed, "--check-timing", "--tolerance", "1s", "--timeout", "5s"])
    slow.signal(SIGKILL)
    #expect(failed.status == 1)
    #expect(failed.stdoutText.contains("time after the start: 3.2 s → 5."), "\(failed.stdoutText)")
  }
}
