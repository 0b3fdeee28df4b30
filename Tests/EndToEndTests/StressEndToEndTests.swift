import Foundation
import Testing

/// `mqtt-dumper capture` (and `replay`) under load, against mosquitto as it is installed (its default limits:
/// 20 messages in flight and 1,000 queued per client), with independent publishers (mosquitto_pub, paho-mqtt)
/// and an independent reader: `zcat` parsed by `Tests/Scripts/capture_facts.py`, never the project's
/// CaptureReader. Every process a test starts is killed by process group and waited for when it ends.
@Suite("stress: lossless under load", .serialized)
struct StressEndToEndTests {

  // MARK: 1. Bursts

  struct Burst: CustomTestStringConvertible, Sendable {
    var qos: Int
    var filters: [String]
    var protocolVersion: String
    var testDescription: String { "QoS \(qos), -t \(filters.joined(separator: " -t ")), \(protocolVersion)" }
  }

  static let bursts: [Burst] = [0, 1, 2].flatMap { qos in
    [["#"], ["a/#", "a/+/c", "#"]].flatMap { filters in
      ["mqttv5", "mqttv311"].map { Burst(qos: qos, filters: filters, protocolVersion: $0) }
    }
  }

  @Test("a burst of 5,000 messages back to back is recorded exactly once each", arguments: bursts)
  func burst(_ burst: Burst) throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let capture = dir.appendingPathComponent("burst.jsonl.gz").path

    let recorder = try live.record(
      burst.filters.flatMap { ["-t", $0] } + ["-V", burst.protocolVersion], into: capture)
    // One message per line, payloads "1" … "5000" (mosquitto_pub -l keeps up to 20 in flight at QoS 1/2).
    let published = try publishLines(processes, port: broker.port, topic: "a/b/c", qos: burst.qos, 1...5000, in: dir)
      .wait(timeout: 30)
    try #require(published.status == 0, "mosquitto_pub failed: \(published.stderr)")
    waitForMessages(capture, atLeast: 5000, timeout: 10)
    usleep(300_000)  // a late duplicate would arrive now
    let finished = recorder.stop(timeout: 10)
    let facts = try captureFacts([capture], expect: 5000)

    #expect(finished.status == 0, "capture exit status after SIGINT; stderr: \(finished.stderr)")
    expectLossless(facts, count: 5000, broker: broker, recorderPID: recorder.pid)
    #expect(facts.events["disconnected", default: 0] == 0, "\(facts)")
    #expect(facts.events["connected", default: 0] == 1, "\(facts)")
    #expect(Array(facts.topics.keys) == ["a/b/c"], "\(facts)")
    #expect(facts.badLines == 0 && facts.headers == 1 && facts.zcatFailed == 0, "\(facts)")
  }

  // MARK: 2. Volume

  @Test("100,000 messages at QoS 1 are all recorded, none twice")
  func hundredThousand() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let capture = dir.appendingPathComponent("volume.jsonl.gz").path

    let recorder = try live.record(["-t", "v/#"], into: capture)
    // Four publishers of 25,000 each: mosquitto_pub 2.0.11 -l stops early past 65,535 messages (its packet ids
    // wrap and it takes an early acknowledgement for the last one), and one alone takes ~14 s for 100,000.
    let publishers = try (0..<4).map { part in
      try publishLines(
        processes, port: broker.port, topic: "v/n", qos: 1, (part * 25_000 + 1)...((part + 1) * 25_000), in: dir)
    }
    for publisher in publishers {
      let done = publisher.wait(timeout: 40)
      #expect(done.status == 0, "mosquitto_pub failed: \(done.stderr)")
    }
    waitForMessages(capture, atLeast: 100_000, timeout: 20)
    usleep(300_000)
    let finished = recorder.stop(timeout: 20)
    let facts = try captureFacts([capture], expect: 100_000)

    #expect(finished.status == 0, "capture exit status after SIGINT; stderr: \(finished.stderr)")
    expectLossless(facts, count: 100_000, broker: broker, recorderPID: recorder.pid)
    #expect(facts.events["disconnected", default: 0] == 0, "\(facts)")
    #expect(facts.badLines == 0 && facts.headers == 1, "\(facts)")
  }

  // MARK: 3. Broker restart in the middle of a burst

  @Test(
    "a broker restart in the middle of a burst loses nothing the publisher had acknowledged (persistent sessions)",
    arguments: [1, 2])
  func brokerRestartMidBurst(qos: Int) throws {
    let processes = Processes()
    defer { processes.expectAllGone() }
    let run = try restartMidBurst(qos: qos, processes: processes)

    #expect(run.recorder.status == 0, "capture exit status after SIGINT; stderr: \(run.recorder.stderr)")
    #expect(run.publisher.connects >= 2, "the publisher went through the restart: \(run.publisher)")
    #expect(run.publisher.acked >= 2_000, "most messages were acknowledged: \(run.publisher)")
    #expect(run.facts.ackedMissing == 0, "acknowledged but not recorded; publisher \(run.publisher); \(run.facts)")
    #expect(run.facts.numbers.outside == 0 && run.facts.foreign == 0, "\(run.facts)")
    if qos == 2 {
      #expect(run.facts.numbers.duplicates == 0, "QoS 2 recorded twice: \(run.facts)")
    }
    // The gap is in the file: one disconnection, and connected once more than that.
    #expect(run.facts.events["disconnected", default: 0] >= 1, "\(run.facts)")
    #expect(
      run.facts.events["connected", default: 0] == run.facts.events["disconnected", default: 0] + 1, "\(run.facts)")
    #expect(run.facts.badLines == 0 && run.facts.zcatFailed == 0, "\(run.facts)")
  }

  // MARK: 4. Two recorders with one client id

  @Test(
    "two recorders with the same client id: one gives up with a sentence, the other keeps recording",
    arguments: [["-i", "same"], ["--session", "same"]])
  func sameClientID(identity: [String]) throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let files = ["first", "second"].map { dir.appendingPathComponent("\($0).jsonl.gz").path }
    func recorder(_ file: String) throws -> Running {
      try processes.start(
        try toolPath(),
        ["capture", "-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "s/#"] + identity + ["-o", file, "--quiet"])
    }
    let first = try recorder(files[0])
    try waitUntilRecording(files[0])
    let second = try recorder(files[1])
    let recorders = [first, second]
    // About 3 s side by side, with some traffic for the one that stays.
    let start = Date()
    var n = 0
    while Date().timeIntervalSince(start) < 3 {
      n += 1
      _ = try processes.run(
        try which("mosquitto_pub"), ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "s/x", "-m", "\(n)", "-q", "1"],
        timeout: 10)
      usleep(200_000)
    }
    let running = recorders.map(\.process.isRunning)
    for (r, isRunning) in zip(recorders, running) where isRunning { r.signal(SIGINT) }
    let finished = recorders.map { $0.wait(timeout: 10) }
    let facts = try files.map { try captureFacts([$0]) }
    let report = zip(["first", "second"], zip(finished, facts)).map { name, pair in
      "\(name): \(running[name == "first" ? 0 : 1] ? "still running after 3 s" : "had exited"), status \(pair.0.status), "
        + "stderr \(pair.0.stderr.debugDescription), events \(pair.1.events), \(pair.1.messages) messages"
    }.joined(separator: "\n")

    #expect(running.filter { !$0 }.count == 1, "exactly one recorder gives up by itself:\n\(report)")
    if let quitter = running.firstIndex(of: false), let stayer = running.firstIndex(of: true) {
      #expect(finished[quitter].status == 2, "\(report)")
      #expect(
        finished[quitter].stderr.contains("another client connected as same; give each recorder its own id"),
        "\(report)")
      #expect(finished[stayer].status == 0, "\(report)")
    }
    for f in facts {
      let churn = f.events["connected", default: 0] + f.events["disconnected", default: 0]
      #expect(churn <= 10, "no fight over the client id:\n\(report)")
    }
  }

  // MARK: 5. ACL refusal for replay

  @Test("replay into a broker that refuses the topic says so and exits 2")
  func replayRefused() throws {
    let processes = Processes()
    defer { processes.expectAllGone() }
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // mosquitto runs as user mosquitto: the ACL file must be readable by it.
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
    let acl = dir.appendingPathComponent("acl").path
    try writeWorldReadable("topic read #\ntopic write allowed/#\n", to: acl)
    // log_type all: mosquitto logs each "Denied PUBLISH" at debug level.
    let broker = try TestBroker(defaults: true, extraConfig: "acl_file \(acl)\nlog_type all\n")
    defer { broker.stop() }

    // 20 QoS 1 messages on denied/x, written by hand in the documented format.
    var lines = [
      ##"{"mqtt_dumper_capture":1,"created":"2025-11-25T11:07:36.000000Z","tool":"mqtt-dumper 0.1.0","broker":"printer.local:1883","protocol":"mqttv5","subscriptions":[{"filter":"#","qos":2}]}"##
    ]
    for i in 1...20 {
      lines.append(
        #"{"ts":1764068856.\#(String(format: "%06d", i * 1000)),"topic":"denied/x","qos":1,"retain":false,"payload":"\#(i)"}"#
      )
    }
    let plain = dir.appendingPathComponent("denied.jsonl").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: plain, atomically: true, encoding: .utf8)
    let gzip = try processes.run(try which("gzip"), [plain], timeout: 10)
    try #require(gzip.status == 0, "gzip: \(gzip.stderr)")
    let capture = plain + ".gz"

    let replay = try processes.run(
      try toolPath(), ["replay", capture, "-h", "127.0.0.1", "-p", "\(broker.port)", "--max-rate"], timeout: 30)
    let denied = broker.log.components(separatedBy: "\n").filter { $0.contains("Denied PUBLISH") }.count
    #expect(denied == 20, "the broker denied every message (the premise): \(denied)")
    #expect(replay.status == 2, "replay exit status; stderr: \(replay.stderr.debugDescription)")
    #expect(
      replay.stderr.contains("refused 20 of 20 messages it answered"), "stderr: \(replay.stderr.debugDescription)")
    #expect(replay.stderr.contains("not authorized"), "stderr: \(replay.stderr.debugDescription)")
  }

  // MARK: 6. ACL refusal for capture

  /// mosquitto 2.0's `acl_file` never refuses a subscription (it grants it and filters what it delivers), so the
  /// refusal comes from the dynamic security plugin, which answers SUBACK 0x87 for a filter the role may not
  /// subscribe to.
  @Test("capture refused one of its filters: exits 2 naming that filter only")
  func captureRefused() throws {
    let processes = Processes()
    defer { processes.expectAllGone() }
    let plugin = try dynamicSecurityPlugin()
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dir.path)
    let config = dir.appendingPathComponent("dynamic-security.json").path
    try writeWorldReadable(
      """
      {
        "defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": false, "unsubscribe": true},
        "clients": [],
        "groups": [{"groupname": "anonymous", "roles": [{"rolename": "ok-reader"}]}],
        "anonymousGroup": "anonymous",
        "roles": [{"rolename": "ok-reader", "acls": [{"acltype": "subscribePattern", "topic": "ok/#", "allow": true}]}]
      }
      """, to: config, mode: 0o666)
    let broker = try TestBroker(
      defaults: true, extraConfig: "plugin \(plugin)\nplugin_opt_config_file \(config)\n")
    defer { broker.stop() }
    let capture = dir.appendingPathComponent("refused.jsonl.gz").path

    let result = try processes.run(
      try toolPath(),
      ["capture", "-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "ok/#", "-t", "secret/#", "-o", capture, "--quiet"],
      timeout: 10)
    #expect(
      result.status == 2,
      "capture exit status (killed after 10 s if still running); stderr: \(result.stderr.debugDescription)")
    #expect(result.stderr.contains("'secret/#'"), "stderr: \(result.stderr.debugDescription)")
    // ok/# was granted: the refusal must not name it.
    #expect(!result.stderr.contains("ok/#"), "stderr: \(result.stderr.debugDescription)")
  }

  // MARK: 7. kill -9 under load

  @Test(
    "kill -9 during 2,000 messages/s: the file reads up to its last line and holds all but the last ~100 ms",
    arguments: [0, 1])
  func killNineUnderLoad(qos: Int) throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let capture = dir.appendingPathComponent("killed.jsonl.gz").path
    let log = dir.appendingPathComponent("sent.log").path
    let ready = dir.appendingPathComponent("ready").path

    let recorder = try live.record(["-t", "stress/#"], into: capture)
    let publisher = try processes.start(
      try pahoPython(),
      [
        scriptPath("publish.py"), "--port", "\(broker.port)", "--qos", "\(qos)", "--count", "6000", "--rate", "2000",
        "--log", log, "--ready", ready,
      ])
    try waitForFile(ready, timeout: 20)
    usleep(2_000_000)
    let killedAt = Date().timeIntervalSince1970
    recorder.kill()
    let published = publisher.wait(timeout: 30)
    try #require(published.status == 0, "publisher: \(published.stdoutText) \(published.stderr)")

    let sent = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap {
      line -> (Int, Double)? in
      let parts = line.split(separator: " ")
      guard parts.count == 2, let n = Int(parts[0]), let t = Double(parts[1]) else { return nil }
      return (n, t)
    }
    // Handed to the publisher's client more than 100 ms (plus 50 ms for the client and broker) before the kill.
    let mustHave = sent.last { $0.1 <= killedAt - 0.15 }?.0 ?? 0
    let facts = try captureFacts([capture])

    #expect(mustHave >= 3000, "the publisher ran for about 2 s before the kill: \(mustHave)")
    #expect(facts.badLines == 0, "every complete line is JSON: \(facts)")
    #expect(facts.headers == 1, "\(facts)")
    #expect(
      facts.numbers.max >= mustHave, "recorded up to \(facts.numbers.max), sent by kill − 150 ms: \(mustHave); \(facts)"
    )
    #expect(facts.numbers.missing == 0, "all numbers below the highest recorded are there: \(facts)")
    #expect(facts.numbers.duplicates == 0, "\(facts)")
    #expect(facts.events["disconnected", default: 0] == 0, "\(facts)")
  }

  // MARK: 8. Quiet spells

  @Test("after a burst, the file is synced to disk while nothing else arrives")
  func syncAfterBurst() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let (processes, broker, dir) = (live.processes, live.broker, live.directory)
    let capture = dir.appendingPathComponent("quiet.jsonl.gz").path
    let trace = dir.appendingPathComponent("strace.log").path

    // strace run with -o FILE blocks fatal signals for itself; SIGINT to the group reaches the recorder.
    let traced = try processes.start(
      try which("strace"),
      [
        "-f", "--seccomp-bpf", "-ttt", "-e", "trace=fdatasync,fsync", "-o", trace, try toolPath(), "capture",
        "-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "q/#", "-o", capture, "--quiet",
      ])
    try waitUntilRecording(capture, timeout: 15)
    let published = try publishLines(processes, port: broker.port, topic: "q/n", qos: 1, 1...500, in: dir)
      .wait(timeout: 30)
    try #require(published.status == 0, "mosquitto_pub failed: \(published.stderr)")
    waitForMessages(capture, atLeast: 500, timeout: 10)
    usleep(2_500_000)  // quiet
    let quietEnd = Date().timeIntervalSince1970
    kill(-traced.pid, SIGINT)
    let finished = traced.wait(timeout: 10)
    let facts = try captureFacts([capture], expect: 500)

    let syncs = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap {
      line -> Double? in
      guard line.contains("fdatasync(") || line.contains("fsync(") else { return nil }
      return line.split(separator: " ").lazy.compactMap { Double($0) }.first { $0 > 1_000_000_000 }
    }
    let lastMessage = facts.lastMessageTs
    let quietSyncs = syncs.filter { $0 > lastMessage && $0 < quietEnd }
    #expect(finished.status == 0, "capture under strace: \(finished.stderr)")
    #expect(facts.messages == 500 && facts.numbers.missing == 0, "\(facts)")
    #expect(
      !quietSyncs.isEmpty,
      "an fdatasync between the last message (\(lastMessage)) and the end of the 2.5 s quiet (\(quietEnd)); all syncs: \(syncs)"
    )
    #expect(quietSyncs.first.map { $0 - lastMessage <= 2.0 } ?? false, "synced within about a second: \(quietSyncs)")
  }

  @Test("--rotate-interval 1s continues into a second file while nothing arrives")
  func rotateWhileIdle() throws {
    let live = try LiveBroker()
    defer { live.finish() }
    let dir = live.directory
    let capture = dir.appendingPathComponent("idle.jsonl.gz").path
    let second = dir.appendingPathComponent("idle.1.jsonl.gz").path

    let recorder = try live.record(["-t", "idle/#", "--rotate-interval", "1s"], into: capture)
    usleep(2_500_000)
    let rotated = FileManager.default.fileExists(atPath: second)
    let finished = recorder.stop(timeout: 10)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jsonl.gz") }
      .sorted().map { dir.appendingPathComponent($0).path }
    let facts = try captureFacts(files)

    #expect(finished.status == 0, "\(finished.stderr)")
    #expect(rotated, "idle.1.jsonl.gz after 2.5 s idle with --rotate-interval 1s; files: \(files)")
    #expect(facts.headers == files.count && facts.badLines == 0 && facts.zcatFailed == 0, "\(files): \(facts)")
  }

  // MARK: 9. Time order

  @Test(
    "time never runs backwards: ts of every record is at least the previous one's, across three restarts",
    arguments: [1, 2])
  func timeNeverRunsBackwards(qos: Int) throws {
    let processes = Processes()
    defer { processes.expectAllGone() }
    let run = try restartMidBurst(qos: qos, restarts: 3, processes: processes)
    #expect(run.facts.lines > 2_000, "\(run.facts)")
    #expect(run.facts.events["disconnected", default: 0] >= 3, "\(run.facts)")
    #expect(
      run.facts.tsBackwards == 0, "\(run.facts.tsBackwards) records go back in time: \(run.facts.tsBackwardsExamples)")
  }
}

// MARK: - The restart scenario (cases 3 and 9)

private struct RestartRun {
  var recorder: Finished
  var publisher: PublisherSummary
  var facts: CaptureFacts
}

/// A persistent-session recorder (`--session rec1 -q 2`) on a broker with `persistence true`; a paho publisher
/// with a persistent session publishes 3,000 numbered messages at ~2,000/s; 0.5 s into it the broker is stopped
/// (SIGTERM, waited for) and started again on the same port (`restarts` times, 0.4 s apart). Both clients
/// reconnect by themselves.
private func restartMidBurst(qos: Int, restarts: Int = 1, processes: Processes) throws -> RestartRun {
  let broker = try TestBroker(defaults: true, extraConfig: "persistence true\n")
  defer { broker.stop() }
  let dir = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: dir) }
  let capture = dir.appendingPathComponent("restart.jsonl.gz").path
  let acked = dir.appendingPathComponent("acked").path
  let ready = dir.appendingPathComponent("ready").path

  let recorder = try Recorder(processes, broker, ["-t", "stress/#", "--session", "rec1", "-q", "2"], into: capture)
  let publisher = try processes.start(
    try pahoPython(),
    [
      scriptPath("publish.py"), "--port", "\(broker.port)", "--qos", "\(qos)", "--count", "3000", "--rate", "2000",
      "--client-id", "pub1", "--persistent", "--acked", acked, "--ready", ready, "--wait", "15",
    ])
  try waitForFile(ready, timeout: 20)
  usleep(500_000)
  for i in 0..<restarts {
    if i > 0 { usleep(400_000) }
    broker.stop()
    try broker.start()
  }
  let published = publisher.wait(timeout: 40)
  guard published.status == 0,
    let summary = try? JSONDecoder().decode(PublisherSummary.self, from: Data(published.stdoutText.utf8))
  else {
    throw TestFailure("publisher failed (\(published.status)): \(published.stdoutText) \(published.stderr)")
  }
  waitForMessages(capture, atLeast: summary.acked, timeout: 10)
  usleep(500_000)
  let finished = recorder.stop(timeout: 10)
  return RestartRun(recorder: finished, publisher: summary, facts: try captureFacts([capture], acked: acked))
}

// MARK: - Expectations

/// Every number 1…count recorded exactly once. When mosquitto itself logged that it dropped messages for the
/// recorder (its default queue of 1,000 per client overflowed while at most 20 were in flight), a shortfall is
/// recorded as a known issue of the broker's limits, with the broker's line; duplicates never are.
private func expectLossless(
  _ facts: CaptureFacts, count: Int, broker: TestBroker, recorderPID: Int32,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(facts.numbers.duplicates == 0, "recorded twice: \(facts)", sourceLocation: sourceLocation)
  #expect(facts.numbers.outside == 0 && facts.foreign == 0, "\(facts)", sourceLocation: sourceLocation)
  let drops = broker.log.split(separator: "\n").filter {
    $0.contains("Outgoing messages are being dropped for client mqtt-dumper-\(recorderPID)-")
  }
  if drops.isEmpty || facts.numbers.missing == 0 {
    #expect(facts.messages == count, "\(facts)", sourceLocation: sourceLocation)
    #expect(
      facts.numbers.distinct == count && facts.numbers.missing == 0, "exactly 1…\(count): \(facts)",
      sourceLocation: sourceLocation)
  } else {
    withKnownIssue(
      "mosquitto's default limits: it dropped messages for the recorder (\(drops.joined(separator: "; ")))",
      isIntermittent: true
    ) {
      #expect(
        facts.numbers.missing == 0, "\(facts.numbers.missing) of \(count) never reached the recorder: \(facts)",
        sourceLocation: sourceLocation)
    }
  }
}

// MARK: - Helpers

/// What `capture_facts.py` found in capture files (see the script).
struct CaptureFacts: Decodable, CustomStringConvertible {
  struct Numbers: Decodable {
    var distinct: Int
    var min: Int
    var max: Int
    var duplicates: Int
    var duplicateExamples: [Int]
    var missing: Int
    var missingExamples: [Int]
    var outside: Int
    var outsideExamples: [Int]
  }
  var messages: Int
  var headers: Int
  var badLines: Int
  var partial: Int
  var zcatFailed: Int
  var zcatErrors: [String]
  var lines: Int
  var lastMessageTs: Double
  var tsBackwards: Int
  var tsBackwardsExamples: [String]
  var foreign: Int
  var events: [String: Int]
  var topics: [String: Int]
  var numbers: Numbers
  var acked: Int?
  var ackedMissing: Int?
  var ackedMissingExamples: [Int]?
  var json = ""

  enum CodingKeys: String, CodingKey {
    case messages, headers, badLines, partial, zcatFailed, zcatErrors, lines, lastMessageTs, tsBackwards,
      tsBackwardsExamples, foreign, events, topics, numbers, acked, ackedMissing, ackedMissingExamples
  }

  var description: String { json }
}

/// What `publish.py` printed at the end.
struct PublisherSummary: Decodable, CustomStringConvertible {
  var published: Int
  var acked: Int
  var refused: Int
  var refusals: [String]
  var unacked: Int
  var connects: Int
  var disconnects: Int
  var description: String {
    "published \(published), acknowledged \(acked), refused \(refused) \(refusals), unacknowledged \(unacked), "
      + "connects \(connects), disconnects \(disconnects)"
  }
}

/// Runs `capture_facts.py` on `files`.
func captureFacts(_ files: [String], expect: Int? = nil, acked: String? = nil) throws -> CaptureFacts {
  var arguments = [scriptPath("capture_facts.py")]
  if let expect { arguments += ["--expect", "\(expect)"] }
  if let acked { arguments += ["--acked", acked] }
  let result = try Running(try pahoPython(), arguments + files).wait(timeout: 120)
  guard result.status == 0 else { throw TestFailure("capture_facts.py failed: \(result.stderr)") }
  var facts = try JSONDecoder.snakeCase.decode(CaptureFacts.self, from: result.stdout)
  facts.json = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
  return facts
}

extension JSONDecoder {
  fileprivate static var snakeCase: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }
}

/// "1\n2\n…" for mosquitto_pub -l.
private func numberLines(_ range: ClosedRange<Int>) -> Data {
  var text = ""
  text.reserveCapacity(range.count * 7)
  for n in range {
    text += String(n)
    text += "\n"
  }
  return Data(text.utf8)
}

/// Waits until `zcat` shows at least `count` messages in `path`, or the count has not grown for `stall`
/// seconds (call it once the publishers are done), or `timeout` passes; returns how many it saw.
@discardableResult
private func waitForMessages(_ path: String, atLeast count: Int, timeout: TimeInterval, stall: TimeInterval = 1.5)
  -> Int
{
  let deadline = Date().addingTimeInterval(timeout)
  let topicKey = Array(#","topic":"#.utf8)
  var seen = 0
  var grewAt = Date()
  repeat {
    if let zcat = try? Running(try which("zcat"), [path]) {
      let now = zcat.wait(timeout: 30).stdout.split(separator: UInt8(ascii: "\n")).filter {
        $0.firstRange(of: topicKey) != nil
      }.count
      if now > seen { grewAt = Date() }
      seen = now
    }
    if seen >= count || Date().timeIntervalSince(grewAt) > stall { return seen }
    usleep(100_000)
  } while Date() < deadline
  return seen
}

/// Starts mosquitto_pub -l reading the numbers in `range` (one message per line) from a file: a pipe written
/// from here would block until mosquitto_pub had read nearly all of it.
private func publishLines(
  _ processes: Processes, port: Int, topic: String, qos: Int, _ range: ClosedRange<Int>, in dir: URL
) throws -> Running {
  let file = dir.appendingPathComponent("lines-\(range.lowerBound)-\(range.upperBound)").path
  try numberLines(range).write(to: URL(fileURLWithPath: file))
  return try processes.start(
    "/bin/sh",
    [
      "-c", #"exec "$0" -h 127.0.0.1 -p "$1" -t "$2" -q "$3" -l < "$4""#, try which("mosquitto_pub"), "\(port)", topic,
      "\(qos)", file,
    ])
}

private func waitForFile(_ path: String, timeout: TimeInterval) throws {
  let deadline = Date().addingTimeInterval(timeout)
  while !FileManager.default.fileExists(atPath: path) {
    guard Date() < deadline else { throw TestFailure("\(path) did not appear within \(timeout) s") }
    usleep(20_000)
  }
}

private func writeWorldReadable(_ text: String, to path: String, mode: Int = 0o644) throws {
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

/// mosquitto's dynamic security plugin, as the Debian package installs it.
private func dynamicSecurityPlugin() throws -> String {
  let lib = URL(fileURLWithPath: "/usr/lib")
  let dirs = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
  for dir in [""] + dirs {
    let path = lib.appendingPathComponent(dir).appendingPathComponent("mosquitto_dynamic_security.so").path
    if FileManager.default.fileExists(atPath: path) { return path }
  }
  throw TestFailure("mosquitto_dynamic_security.so is not installed (it comes with the mosquitto package)")
}
