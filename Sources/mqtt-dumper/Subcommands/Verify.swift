import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper
import MQTTSimulation

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Regression-test an MQTT consumer: play a stimulus, record what the consumer publishes, compare.",
    discussion: """
      Subscribes to the --watch filters, replays the --stimulus captures (or --simulate print-job), waits \\
      up to --timeout for the consumer, and compares what it published with --expect (JSON as values, per \\
      topic in order; see `mqtt-dumper diff`). Exit status: 0 when it matches, 1 with a report when it does \\
      not, 2 on usage, file or broker errors.

      Examples:
        mqtt-dumper verify --stimulus captures/print-done.jsonl.gz --speed 60 --watch 'home/#' --expect expected.jsonl
        mqtt-dumper verify --simulate print-job --watch 'home/#' --record first-run.jsonl --timeout 30s
        mqtt-dumper verify --stimulus print.jsonl.gz --watch 'home/#' --expect expected.jsonl --update-expected
      """,
    helpNames: [.long])

  @Option(name: .long, help: "Capture(s) to replay as the stimulus (repeatable).")
  var stimulus: [String] = []

  @Option(name: .long, help: "Synthesise the stimulus instead: print-job.")
  var simulate: String?

  @Option(name: .long, help: "With --simulate: done, cancelled, paused-resumed or failed.")
  var outcome: PrintJobOptions.Outcome = .done

  @Option(name: .long, help: "With --simulate: the print's duration.")
  var duration = "10m"

  @Option(name: .long, help: "With --simulate: the seed.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "Replay speed of the stimulus.")
  var speed = 1.0

  @Option(name: .long, help: "Topic filter the consumer publishes on (repeatable).")
  var watch: [String] = []

  @Option(name: .long, help: "The expected capture.")
  var expect: String?

  @Option(name: .long, help: "Save what the consumer published as a capture.")
  var record: String?

  @Flag(name: .long, help: "Write what the consumer published into the --expect file (snapshot testing).")
  var updateExpected = false

  @Option(name: .long, help: "Expect a message without a file: 'home/printer/power=off' (topic=payload; repeatable).")
  var expectMessage: [String] = []

  @Option(name: .long, help: "With --expect-message: it must come within this time (after --after, else after the start).")
  var within: String?

  @Option(name: .long, help: "With --within: count from this stimulus event, e.g. PrintDone.")
  var after: String?

  @Flag(name: .long, help: "Timing is part of the expectation: each message's time after the stimulus starts must match.")
  var checkTiming = false

  @Option(name: .long, help: "With --check-timing: how far a message's time may be off, e.g. 2s.")
  var tolerance = "1s"

  @Option(name: .long, help: "JSON field to leave out of the comparison, e.g. _timestamp (repeatable).")
  var ignoreField: [String] = []

  @Flag(name: .long, help: "Compare payloads byte for byte.")
  var exact = false

  @Option(name: .long, help: "How long to wait for the consumer after the stimulus, e.g. 10s.")
  var timeout = "10s"

  @Option(name: .long, help: "Write a JUnit XML report here, for CI systems.")
  var junit: String?

  @OptionGroup(title: "Connection") var connection: ConnectionArguments

  /// Usage errors exit with 2, as documented for CI (argument-parser's own parse errors keep their 64).
  func validate() throws {
    do {
      try check()
    } catch let error as ValidationError {
      printError(error.message)
      throw ExitCode(2)
    }
  }

  private func check() throws {
    if stimulus.isEmpty == (simulate == nil) {
      throw ValidationError("give the stimulus: --stimulus FILE (a capture) or --simulate print-job, not both.")
    }
    if let simulate, simulate != "print-job" { throw ValidationError("--simulate knows print-job, not '\(simulate)'.") }
    if watch.isEmpty { throw ValidationError("name what the consumer publishes on with --watch FILTER.") }
    if expect == nil && record == nil && expectMessage.isEmpty {
      throw ValidationError(
        "give --expect FILE or --expect-message TOPIC=PAYLOAD to compare with, or --record FILE to save a first run.")
    }
    for e in expectMessage where !e.contains("=") || e.hasPrefix("=") {
      throw ValidationError("--expect-message '\(e)' must be TOPIC=PAYLOAD, like 'home/printer/power=off'.")
    }
    if let within, parseDuration(within) == nil { throw ValidationError("--within '\(within)' is not a duration, like 5m.") }
    if (within != nil || after != nil) && expectMessage.isEmpty {
      throw ValidationError("--within and --after go with --expect-message.")
    }
    if after != nil && within == nil { throw ValidationError("--after needs --within: how long after it.") }
    guard parseDuration(tolerance) != nil else { throw ValidationError("--tolerance '\(tolerance)' is not a duration, like 2s.") }
    if checkTiming && expect == nil { throw ValidationError("--check-timing compares with an --expect file.") }
    if updateExpected && expect == nil { throw ValidationError("--update-expected needs --expect FILE.") }
    guard parseDuration(timeout) != nil else { throw ValidationError("--timeout '\(timeout)' is not a duration, like 10s.") }
    guard speed > 0 else { throw ValidationError("--speed must be a positive number.") }
    if simulate != nil, parseDuration(duration).map({ $0 >= .seconds(30) }) != true {
      throw ValidationError("--duration '\(duration)' must be at least 30s.")
    }
  }

  func run() throws {
    do {
      try verify()
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      printError(error.message)
      throw ExitCode(2)
    } catch {
      printError(error)
      throw ExitCode(2)
    }
  }

  private func verify() throws {
    let expectation = try expect.flatMap { path in
      updateExpected && access(path, F_OK) != 0 ? nil : try readCapture(path)
    }
    let expected = expectation?.messages
    let options = try connection.options()
    installStopHandlers()
    let watcher = try TopicWatcher(options: options, filters: watch)
    try watcher.start()
    // The stimulus.
    let publisher = try MQTTClient(options: options, lowLatency: true)
    try publisher.connect()
    var replay = ReplayOptions()
    replay.speed = speed
    let stimulusMessages: [CapturedMessage]
    if simulate != nil {
      var o = PrintJobOptions()
      o.outcome = outcome
      o.duration = parseDuration(duration)! / .seconds(1)
      o.seed = seed
      o.start = .now()
      stimulusMessages = PrintJobSimulation.messages(o)
    } else {
      stimulusMessages = try stimulus.flatMap { try readCapture($0).messages }
    }
    var stimulusStart: Timestamp?
    var afterTime: Timestamp?
    _ = try Replayer(client: publisher, options: replay).run(
      makeSource: { ArraySource(stimulusMessages) }, shouldStop: { stopRequested.load(ordering: .relaxed) },
      published: { m, at in
        if stimulusStart == nil { stimulusStart = at }
        if let after, afterTime == nil, isEvent(m, named: after) { afterTime = at }
      })
    publisher.disconnect()
    if let after, afterTime == nil {
      _ = watcher.stop()
      throw ValidationError("the stimulus has no \(after) event, so --after \(after) cannot be checked.")
    }
    let lightweight = expectMessage.map { LightExpectation($0) }
    let windowStart = afterTime ?? stimulusStart ?? .now()
    let window = within.flatMap(parseDuration)
    // Give the consumer time; stop early once the expectation is met.
    let deadline = ContinuousClock.now + parseDuration(timeout)!
    let comparison = ComparisonOptions(exact: exact, ignoredFields: ignoreField)
    while ContinuousClock.now < deadline && !stopRequested.load(ordering: .relaxed) {
      let now = watcher.messages
      let lightDone = !lightweight.isEmpty && lightweight.allSatisfy { $0.satisfied(by: now, from: windowStart, within: window) }
      let fileDone =
        expected.map { !$0.isEmpty && CaptureComparison.compare(expected: $0, actual: now, options: comparison).isEmpty }
        ?? true
      if (expected != nil || !lightweight.isEmpty) && fileDone && (lightweight.isEmpty || lightDone) {
        usleep(300_000)  // a little longer, to catch a message sent twice
        break
      }
      usleep(100_000)
    }
    let received = watcher.stop()
    if let record { try save(received, stimulus: stimulusStart, to: record, replace: false) }
    if updateExpected, let expect {
      try save(received, stimulus: stimulusStart, to: expect, replace: true)
      print("updated \(expect) with \(formatCount(received.count)) messages")
      return
    }
    var failed = false
    var differences: [MessageDifference] = []
    if let expected {
      differences = CaptureComparison.compare(expected: expected, actual: received, options: comparison)
      if checkTiming {
        differences += timingDifferences(
          expected, expectedStart: expectation?.stimulus, received, start: stimulusStart ?? .now())
      }
      print(report(differences, expected: expected.count, actual: received.count), terminator: "")
      failed = !differences.isEmpty
    }
    for e in lightweight {
      if e.satisfied(by: received, from: windowStart, within: window) {
        print("ok: \(e.text) came\(within.map { " within \($0)" } ?? "")\(after.map { " after \($0)" } ?? "")")
      } else {
        failed = true
        let late = received.first { e.matches($0) }
        let how = late.map { m in
          "it came \(formatDecimal(Double(m.timestamp.microseconds - windowStart.microseconds) / 1e6, places: 1)) s after \(after ?? "the start")"
        } ?? "it never came"
        print("expected \(e.text)\(within.map { " within \($0)" } ?? "")\(after.map { " after \($0)" } ?? ""): \(how)")
        differences.append(
          MessageDifference(kind: .missing, topic: e.topic, index: 1, expected: CapturedMessage(
            timestamp: windowStart, topic: e.topic, payload: Array(e.payload.utf8))))
      }
    }
    if let junit { try writeJUnit(differences, expected: expected ?? [], to: junit) }
    if failed { throw ExitCode(1) }
  }

  /// With --check-timing: each matched message's time after the stimulus started, against the expectation's.
  /// The expectation's clock starts at its `stimulus` event (`--record` writes one); without one, `ts` values
  /// below 10⁹ are taken as offsets already (hand-written files), and otherwise its first message is lined
  /// up with the first one received.
  private func timingDifferences(
    _ expected: [CapturedMessage], expectedStart: Timestamp?, _ received: [CapturedMessage], start: Timestamp
  ) -> [MessageDifference] {
    let tolerance = parseDuration(tolerance)! / .microseconds(1)
    guard let firstExpected = expected.first else { return [] }
    let expectedOrigin: Int64
    let actualOrigin: Int64
    if let expectedStart {
      (expectedOrigin, actualOrigin) = (expectedStart.microseconds, start.microseconds)
    } else if firstExpected.timestamp.microseconds < 1_000_000_000_000_000 {
      (expectedOrigin, actualOrigin) = (0, start.microseconds)
    } else {
      (expectedOrigin, actualOrigin) = (firstExpected.timestamp.microseconds, received.first?.timestamp.microseconds ?? 0)
    }
    var result: [MessageDifference] = []
    var used = Set<Int>()
    for (k, e) in expected.enumerated() {
      guard let j = received.indices.first(where: { !used.contains($0) && received[$0].topic == e.topic && received[$0].payload == e.payload })
      else { continue }
      used.insert(j)
      let want = Double(e.timestamp.microseconds - expectedOrigin)
      let got = Double(received[j].timestamp.microseconds - actualOrigin)
      if abs(got - want) > tolerance {
        var d = MessageDifference(kind: .changed, topic: e.topic, index: k + 1, expected: e, actual: received[j])
        d.details = ["time after the start: \(formatDecimal(want / 1e6, places: 2)) s → \(formatDecimal(got / 1e6, places: 2)) s (tolerance \(self.tolerance))"]
        result.append(d)
      }
    }
    return result
  }

  /// Saves what the consumer published, after a `stimulus` event at the time the stimulus started, so a
  /// later `--check-timing` run can measure from it.
  private func save(_ messages: [CapturedMessage], stimulus: Timestamp?, to path: String, replace: Bool) throws {
    let header = CaptureHeader(
      created: Timestamp.now().rfc3339, tool: "mqtt-dumper \(MQTTDumperVersion.string) verify",
      broker: (try? connection.options().brokerDescription) ?? "", protocolName: connection.protocolVersion,
      subscriptions: watch.map { CaptureSubscription(filter: $0, qos: .exactlyOnce) })
    let writer = try CaptureWriter(path: path, mode: replace ? .replace : .createNew, header: header)
    if let stimulus { try writer.write(.event(ConnectionEvent(kind: "stimulus", timestamp: stimulus))) }
    for m in messages { try writer.write(m) }
    try writer.close()
  }

  /// One test case per expected topic (and one per topic that came unexpectedly).
  private func writeJUnit(_ differences: [MessageDifference], expected: [CapturedMessage], to path: String) throws {
    var topics: [String] = []
    for m in expected where !topics.contains(m.topic) { topics.append(m.topic) }
    for d in differences where !topics.contains(d.topic) { topics.append(d.topic) }
    func escape(_ s: String) -> String {
      s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    let failures = topics.filter { t in differences.contains { $0.topic == t } }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuite name=\"mqtt-dumper verify\" tests=\"\(topics.count)\" failures=\"\(failures)\">\n"
    for t in topics {
      xml += "  <testcase classname=\"mqtt-dumper.verify\" name=\"\(escape(t))\""
      let mine = differences.filter { $0.topic == t }
      if mine.isEmpty {
        xml += "/>\n"
      } else {
        let text = report(mine, expected: expected.filter { $0.topic == t }.count, actual: 0)
        xml += ">\n    <failure message=\"\(mine.count) difference(s) on \(escape(t))\">\(escape(text))</failure>\n  </testcase>\n"
      }
    }
    xml += "</testsuite>\n"
    do {
      try xml.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw CaptureError.cannotOpen(path: path, errno: EACCES)
    }
  }
}

/// Whether a stimulus message is the OctoPrint event `name` (by topic, `…/event/NAME`, or by `_event`).
func isEvent(_ m: CapturedMessage, named name: String) -> Bool {
  if m.topic.hasSuffix("/event/\(name)") || m.topic == name { return true }
  guard let value = m.payload.withUnsafeBytes({ try? JSONParser.parse($0) }) else { return false }
  return value["_event"]?.stringValue == name
}

/// `--expect-message TOPIC=PAYLOAD`: a message on that topic with that payload (JSON compared as a value).
struct LightExpectation {
  let text: String
  let topic: String
  let payload: String

  init(_ text: String) {
    self.text = text
    let eq = text.firstIndex(of: "=")!
    topic = String(text[..<eq])
    payload = String(text[text.index(after: eq)...])
  }

  func matches(_ m: CapturedMessage) -> Bool {
    guard m.topic == topic else { return false }
    let wanted = CapturedMessage(timestamp: m.timestamp, topic: topic, payload: Array(payload.utf8), qos: m.qos, retain: m.retain)
    return CaptureComparison.compare(expected: [wanted], actual: [m]).isEmpty
  }

  /// Came at all, and (with a window) between `from` and `from + within`.
  func satisfied(by messages: [CapturedMessage], from: Timestamp, within: Duration?) -> Bool {
    messages.contains { m in
      guard matches(m) else { return false }
      guard let within else { return true }
      let offset = Duration.microseconds(m.timestamp.microseconds - from.microseconds)
      return offset >= .zero && offset <= within
    }
  }
}
