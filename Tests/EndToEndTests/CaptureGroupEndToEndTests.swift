import Foundation
import Testing

/// `capture --share GROUP`: recorders that split a broker's traffic through shared subscriptions, against
/// mosquitto as it is installed (its default limits: 20 messages in flight and 1,000 queued per client), with
/// paho-mqtt (`Tests/Scripts/publish.py`) publishing and `zcat` + Python (`group_facts.py`,
/// `capture_facts.py`) reading the files, never the project's reader. What the tests show is what
/// docs/scaling.md says.
@Suite("capture groups: shared subscriptions", .serialized)
struct CaptureGroupEndToEndTests {

  @Test("three recorders of a group record each of 30,000 QoS 1 messages exactly once, the retained store once each")
  func splitExactlyOnce() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    try mosquittoPub(broker, ["-r", "-q", "1", "-t", "group/state", "-m", "ready"])
    try mosquittoPub(broker, ["-r", "-t", "group/config", "-m", #"{"interval": 5}"#])
    try mosquittoPub(broker, ["-r", "-t", "elsewhere/state", "-m", "not subscribed"])

    let files = ["a", "b", "c"].map { dir.appendingPathComponent("\($0).jsonl.gz").path }
    let extra = [["--retained-snapshot", "--instance", "rec-a"], ["--retained-snapshot"], []]
    let recorders = try zip(files, extra).map { file, options in try live.record(groupArguments + options, into: file) }
    let published = try publish(processes, broker, count: 30_000, rate: 0)
    #expect(published.acked == 30_000, "\(published)")
    try waitForMessages(files, count: 30_000 + 4)
    for result in Recorder.stop(recorders) { #expect(result.status == 0, "\(result.stderr)") }

    let union = try captureFacts(files, expect: 30_000)
    #expect(union.numbers.duplicates == 0 && union.numbers.missing == 0 && union.numbers.outside == 0, "\(union)")
    #expect(union.foreign == 4, "the two snapshots of two retained messages: \(union)")
    #expect(union.tsBackwards == 0 && union.zcatFailed == 0, "\(union)")
    let facts = try groupFacts(files)
    for recorder in facts {
      // mosquitto hands a group's messages round robin: about a third each.
      #expect((9_000...11_000).contains(recorder.numbers.count), "\(recorder.file): \(recorder.numbers.count)")
      #expect(recorder.numbers == recorder.numbers.sorted(), "one publisher's messages stay in order")
      #expect(recorder.group == "fleet")
      #expect(recorder.retainedOutside.isEmpty, "a shared subscription gets no retained messages")
      #expect(!recorder.unterminated && recorder.snapshotTsEqual)
    }
    let store = [["group/config", #"{"interval": 5}"#], ["group/state", "ready"]]
    for recorder in facts[0...1] {
      #expect(recorder.snapshots.count == 1)
      let shown = recorder.snapshots.first?.map { [$0.topic, $0.payload ?? "(binary)"] }.sorted { $0[0] < $1[0] }
      #expect(shown == store)
      #expect(recorder.snapshots.first?.allSatisfy(\.retain) == true)
    }
    #expect(facts[2].snapshots.isEmpty)
    #expect(facts[0].instance == "rec-a")
    let defaultInstance = try #require(facts[1].instance)
    #expect(defaultInstance.range(of: #"^.+-[0-9]+$"#, options: .regularExpression) != nil, "host-pid")
    #expect(facts[2].instance != defaultInstance)

    let info = try mqttDumper(["info", files[0]])
    #expect(info.stdoutText.contains("  group        fleet (shared subscriptions), recorded by instance rec-a\n"))
    #expect(info.stdoutText.contains("  snapshot     2 retained messages read from the broker's store at the start"))
  }

  @Test(
    "a recorder killed with kill -9 (clean session): the others get its share at once; only its unwritten lot is lost")
  func killedCleanRecorder() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let files = ["a", "b", "c"].map { dir.appendingPathComponent("\($0).jsonl.gz").path }
    let recorders = try files.map { try live.record(groupArguments, into: $0) }

    let publisher = try startPublisher(processes, broker, count: 12_000, rate: 4_000)
    usleep(1_200_000)
    recorders[2].kill()
    let published = try finish(publisher)
    #expect(published.acked == 12_000, "\(published)")
    try waitForMessages(Array(files[0...1]), count: 9_500)
    usleep(300_000)
    for result in Recorder.stop(Array(recorders[0...1])) { #expect(result.status == 0) }

    let facts = try groupFacts(files)
    let killedLast = try #require(facts[2].numbers.last, "the killed recorder wrote some messages first")
    let union = try captureFacts(files, expect: 12_000)
    #expect(union.numbers.duplicates == 0, "\(union)")
    // What was lost went to the killed recorder just before the kill: delivered, but not yet flushed into its
    // file (50 ms) or still in flight; everything published later reached the two others.
    let all = Set(facts.flatMap(\.numbers))
    let lost = (1...12_000).filter { !all.contains($0) }
    #expect(
      lost.allSatisfy { $0 > killedLast && $0 <= killedLast + 1_500 }, "lost \(lost.prefix(20)) after \(killedLast)")
    #expect(lost.count < 200, "\(lost.count) lost")
  }

  @Test("a recorder with a persistent session keeps its share while killed: 1,000 are queued for it, the rest dropped")
  func killedPersistentRecorder() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let files = ["a", "b", "c"].map { dir.appendingPathComponent("\($0).jsonl.gz").path }
    let recorders = try zip(files, ["fleet-a", "fleet-b", "fleet-c"]).map { file, session in
      try live.record(groupArguments + ["--session", session], into: file)
    }

    let publisher = try startPublisher(processes, broker, count: 12_000, rate: 4_000)
    usleep(1_200_000)
    recorders[2].kill()
    let published = try finish(publisher)
    #expect(published.acked == 12_000, "\(published)")
    usleep(500_000)

    // The broker keeps handing every third message to the absent member.
    let killedLast = try #require(try groupFacts([files[2]]).first?.numbers.last)
    let after = Set(try groupFacts(Array(files[0...1])).flatMap(\.numbers)).filter { $0 > killedLast + 300 }
    let publishedAfter = 12_000 - (killedLast + 300)
    let share = Double(after.count) / Double(publishedAfter)
    #expect(abs(share - 2.0 / 3.0) < 0.01, "the two others got \(after.count) of \(publishedAfter)")
    #expect(broker.log.contains("Outgoing messages are being dropped for client fleet-c"))

    // Back with the same session: the queue (max_queued_messages 1000) arrives, all from after the kill.
    let returned = dir.appendingPathComponent("c-again.jsonl.gz").path
    let again = try live.record(groupArguments + ["--session", "fleet-c"], into: returned)
    try waitForMessages([returned], count: 1_000)
    usleep(500_000)
    for result in Recorder.stop([recorders[0], recorders[1], again]) { #expect(result.status == 0) }
    let queued = try #require(try groupFacts([returned]).first?.numbers)
    #expect((1_000...1_020).contains(queued.count), "\(queued.count) queued")
    #expect(queued.allSatisfy { $0 > killedLast - 100 }, "\(queued.prefix(5))")
    let union = try captureFacts(files + [returned], expect: 12_000)
    #expect(union.numbers.missing >= (12_000 - killedLast) / 3 - 1_100, "the rest of its share is gone: \(union)")
  }

  @Test("over MQTT 3.1.1 a group's recorder records the retained store only in its snapshot")
  func mqtt311() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (broker, dir) = (live.broker, live.directory)
    try mosquittoPub(broker, ["-r", "-t", "group/state", "-m", "ready"])
    let file = dir.appendingPathComponent("v311.jsonl.gz").path
    // mosquitto 2.0.11 sends retained messages to a new shared subscription; 3.1.1 cannot ask it not to.
    let recorder = try live.record(
      groupArguments + ["-V", "mqttv311", "--retained-snapshot", "-C", "1"], into: file, quiet: false)
    try mosquittoPub(broker, ["-q", "1", "-t", "group/n", "-m", "1"])
    let result = recorder.running.wait(timeout: 20)
    #expect(result.status == 0, "\(result.stderr)")
    let facts = try #require(try groupFacts([file]).first)
    #expect(facts.numbers == [1])
    #expect(facts.retainedOutside.isEmpty)
    #expect(facts.snapshots.map { $0.map { [$0.topic, $0.payload ?? ""] } } == [[["group/state", "ready"]]])
    // The summary counts the snapshot apart from the live message that -C 1 counted.
    #expect(result.stderr.contains("mqtt-dumper: recorded 1 message and a retained snapshot of 1 message in "))
  }

  @Test("a share name with '/' and a snapshot without a group are usage errors (exit 2), before connecting")
  func usageErrors() throws {
    let badName = try mqttDumper(["capture", "-p", "1", "--share", "a/b", "-o", "-"])
    #expect(badName.status == 2)
    #expect(
      badName.stderr.hasPrefix(
        "mqtt-dumper: error: --share 'a/b' cannot name a group: it contains '/', and a share name may not hold "
          + "'/', '+' or '#'.\n"))
    let alone = try mqttDumper(["capture", "-p", "1", "--retained-snapshot", "-o", "-"])
    #expect(alone.status == 2)
    #expect(
      alone.stderr.hasPrefix(
        "mqtt-dumper: error: --retained-snapshot is for a group (--share GROUP); without it the subscription "
          + "receives the retained messages by itself.\n"))
  }

  @Test("overlapping filters in a group, and --session in a group, are named in a warning")
  func overlapWarning() throws {
    let run = try mqttDumper(["capture", "-p", "1", "--share", "fleet", "-t", "a/#", "-t", "a/b", "-o", "-"])
    #expect(run.status == 2, "port 1 refuses the connection")
    #expect(
      run.stderr.hasPrefix(
        "mqtt-dumper: warning: -t 'a/#' and -t 'a/b' overlap: a group shares each filter on its own, so a message "
          + "matching both can be recorded twice, by two recorders of the group; give the group filters that do "
          + "not overlap.\n"))
    let session = try mqttDumper(["capture", "-p", "1", "--share", "fleet", "--session", "rec-a", "-o", "-"])
    #expect(session.status == 2, "port 1 refuses the connection")
    #expect(
      session.stderr.hasPrefix(
        "mqtt-dumper: warning: --session in a group: while this recorder is away the broker keeps handing it its "
          + "share and queues it (mosquitto keeps 1,000 and drops the rest); a clean session lets the others take "
          + "over (docs/scaling.md).\n"))
  }
}

// MARK: - Helpers

/// A recorder of the group `fleet`.
private let groupArguments = ["--share", "fleet", "-t", "group/#", "-q", "1"]

private func startPublisher(_ processes: Processes, _ broker: TestBroker, count: Int, rate: Int) throws -> Running {
  try processes.start(
    try pahoPython(),
    [
      scriptPath("publish.py"), "--port", "\(broker.port)", "--topic", "group/n", "--qos", "1", "--count",
      "\(count)", "--rate", "\(rate)",
    ])
}

private func finish(_ publisher: Running) throws -> PublisherSummary {
  let result = publisher.wait(timeout: 60)
  try #require(result.status == 0, "publisher: \(result.stdoutText) \(result.stderr)")
  return try JSONDecoder().decode(PublisherSummary.self, from: result.stdout)
}

private func publish(_ processes: Processes, _ broker: TestBroker, count: Int, rate: Int) throws -> PublisherSummary {
  try finish(try startPublisher(processes, broker, count: count, rate: rate))
}

/// Waits (up to 15 s) until the files hold `count` messages together, read with zcat.
private func waitForMessages(_ files: [String], count: Int) throws {
  let deadline = Date().addingTimeInterval(15)
  while Date() < deadline {
    let total = try groupFacts(files).reduce(0) {
      $0 + $1.numbers.count + $1.snapshots.map(\.count).reduce(0, +) + $1.retainedOutside.count
    }
    if total >= count { return }
    usleep(200_000)
  }
}

/// What `group_facts.py` read from one file.
private struct GroupFacts: Decodable {
  struct SnapshotMessage: Decodable {
    var topic: String
    var payload: String?
    var retain: Bool
    init(from decoder: Decoder) throws {
      var fields = try decoder.unkeyedContainer()
      topic = try fields.decode(String.self)
      payload = try fields.decodeIfPresent(String.self)
      retain = try fields.decode(Bool.self)
    }
  }
  var file: String
  var group: String?
  var instance: String?
  var numbers: [Int]
  var snapshots: [[SnapshotMessage]]
  var snapshotTsEqual: Bool
  var retainedOutside: [[String?]]
  var unterminated: Bool
}

private func groupFacts(_ files: [String]) throws -> [GroupFacts] {
  let result = try Running(try pahoPython(), [scriptPath("group_facts.py")] + files).wait(timeout: 60)
  guard result.status == 0 else { throw TestFailure("group_facts.py failed: \(result.stderr)") }
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return try result.stdout.split(separator: UInt8(ascii: "\n")).map {
    try decoder.decode(GroupFacts.self, from: Data($0))
  }
}
