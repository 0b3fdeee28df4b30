import Foundation
import MQTTCapture
import Testing

// The exit-status table of the README, for every command: 0 success; 1 a difference (diff, verify);
// 2 a usage error, a file that cannot be used, or a broker error.

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
private let printDone = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path

/// A capture of `count` QoS 1 messages on `topic`, `gap` seconds apart.
private func capture(_ count: Int, topic: String = "t/x", gap: Double = 0.01, in dir: URL, name: String = "c.jsonl.gz")
  throws -> String
{
  try numberedCapture(count, topic: topic, gap: gap, in: dir, name: name)
}

/// A copy of a capture with its last bytes gone, as a killed recorder leaves it.
private func cutOff(_ path: String, in dir: URL) throws -> String {
  let cut = dir.appendingPathComponent("cut.jsonl.gz").path
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: cut))
  return cut
}

/// A broker whose access rules let anonymous clients use `allowed/#` only. (mosquitto 2.0.11 grants every
/// subscription and filters what it delivers; it refuses publishes with a PUBACK, unless its queue is limited
/// to 0 as `TestBroker`'s is: it then drops the client.)
private func brokerWithACL() throws -> TestBroker {
  let dir = try temporaryDirectory()
  let acl = dir.appendingPathComponent("acl").path
  try "topic readwrite allowed/#\n".write(toFile: acl, atomically: true, encoding: .utf8)
  chmod(acl, 0o644)
  chmod(dir.path, 0o755)
  return try TestBroker(extraConfig: "allow_anonymous true\nacl_file \(acl)\nmax_queued_messages 1000\n")
}

private func expectStatus(_ expected: Int32, _ arguments: [String], says text: String? = nil) throws {
  let result = try mqttDumper(arguments)
  #expect(result.status == expected, "\(arguments): \(result.stderr)")
  if let text { #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)") }
  #expect(!result.stderr.contains("Error:"), "one voice: \(result.stderr)")
}

@Suite("one exit-status table for every command", .serialized)
struct ExitStatusEndToEndTests {
  @Test("argument-parser's own errors exit 2 in the tool's voice, ahead of the commands' checks; help exits 0")
  func usageErrors() throws {
    let commands: [([String], [String])] = [
      (["capture"], []), (["print"], []), (["samples"], ["x"]), (["replay"], ["x"]), (["simulate", "print-job"], []),
      (["verify"], []), (["diff"], ["x", "y"]), (["info"], ["x"]), (["json"], []),
    ]
    for (command, arguments) in commands {
      let bogus = try mqttDumper(command + arguments + ["--bogus"])
      #expect(bogus.status == 2, "\(command)")
      #expect(bogus.stderr.hasPrefix("mqtt-dumper: error: unknown option '--bogus'."), "\(command): \(bogus.stderr)")
      #expect(
        bogus.stderr.contains("\nUsage: mqtt-dumper \(command.joined(separator: " "))"), "\(command): \(bogus.stderr)")
      let help = try mqttDumper(command + ["--help"])
      #expect(help.status == 0, "\(command)")
      #expect(help.stderr.isEmpty, "\(command): \(help.stderr)")
      #expect(help.stdoutText.contains("Exit status: 0"), "\(command): every --help says its exit status")
    }
    try expectStatus(2, ["capture", "-q", "x"], says: "mqtt-dumper: error: the value 'x' is invalid for '-q <qos>'")
    try expectStatus(2, ["diff", "a"], says: "mqtt-dumper: error: missing expected argument '<actual>'.")
    try expectStatus(2, ["frobnicate"])
    let root = try mqttDumper(["--help"])
    #expect(root.stdoutText.contains("Exit status: 0 success; 1 a difference"))
  }

  @Test("a closed stderr is no crash: each command exits with its status from the table")
  func closedStandardError() throws {
    // python3 hands the tool a pipe whose reader is already gone: every write to stderr fails with EPIPE.
    let script = """
      import os, subprocess, sys
      r, w = os.pipe()
      os.close(r)
      print(subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=w).returncode)
      """
    let dir = try temporaryDirectory()
    let missing = dir.appendingPathComponent("missing.jsonl.gz").path
    for arguments in [
      ["stats", missing], ["print", missing], ["info", missing], ["diff", missing, missing], ["json", missing],
      ["merge", missing, "-o", dir.appendingPathComponent("out.jsonl.gz").path], ["print", "--bogus"],
    ] {
      let r = try Running(try which("python3"), ["-c", script, try toolPath()] + arguments).wait(timeout: 30)
      #expect(r.stdoutText == "2\n", "\(arguments): \(r.stdoutText) \(r.stderr)")
    }
  }

  @Test("capture: 0 when stopped as asked; 2 for usage, files and broker errors")
  func captureStatuses() throws {
    let broker = try TestBroker()
    try expectStatus(0, ["capture", "-p", "\(broker.port)", "-W", "0.3", "-o", "-", "--quiet"])
    try expectStatus(2, ["capture", "-W", "0"], says: "-W/--duration '0' is not a duration longer than 0")
    try expectStatus(2, ["capture", "-t", "a/#/b"], says: "'a/#/b' is not a valid topic filter")
    try expectStatus(2, ["capture", "-i", "a", "--session", "b"], says: "give it or -i, not both")
    try expectStatus(2, ["capture", "-p", "\(broker.port)", "-o", printDone], says: "already exists")
    try expectStatus(
      2, ["capture", "-h", "127.0.0.1", "-p", "\(try freeLoopbackPort())", "-o", "-"], says: "connection refused")
  }

  @Test("capture: a client id taken over by another recorder exits 2, the other records on")
  func sessionTakenOver() throws {
    let broker = try TestBroker()
    let first = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-i", "same-id", "-o", "-", "--quiet"])
    usleep(500_000)
    let second = try startMQTTDumper(["capture", "-p", "\(broker.port)", "-i", "same-id", "-o", "-", "--quiet"])
    let deadline = Date().addingTimeInterval(40)
    while first.process.isRunning && second.process.isRunning && Date() < deadline { usleep(50_000) }
    let (stopped, other) = first.process.isRunning ? (second, first) : (first, second)
    let result = stopped.wait(timeout: 5)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("another client connected as same-id"), "\(result.stderr)")
    other.signal(SIGINT)
    #expect(other.wait(timeout: 10).status == 0)
  }

  @Test("print, samples, info and json: 0; 2 for a missing, foreign or cut-off file and for usage errors")
  func readingStatuses() throws {
    let dir = try temporaryDirectory()
    let good = try capture(200, in: dir)
    let cut = try cutOff(good, in: dir)
    let missing = dir.appendingPathComponent("missing.jsonl.gz").path
    for command in ["print", "samples", "info"] {
      try expectStatus(0, [command, good])
      try expectStatus(2, [command, missing], says: "cannot open \(missing)")
      try expectStatus(2, [command, cut], says: "was cut off")
    }
    try expectStatus(2, ["print", good, "--since", "10m", "--until", "5m"], says: "--since 10m is after --until 5m")
    try expectStatus(
      2, ["samples", good, "--since", "@1764068900", "--until", "@1764068800"], says: "is after --until")
    try expectStatus(2, ["print", good, "-p", "1883"], says: "connection options go with --live")
    let json = dir.appendingPathComponent("lines.jsonl").path
    try "{\"a\": 1}\n".write(toFile: json, atomically: true, encoding: .utf8)
    try expectStatus(0, ["json", json])
    try "{\"a\": }\n".write(toFile: json, atomically: true, encoding: .utf8)
    try expectStatus(2, ["json", json], says: "line 1: not JSON")
    try expectStatus(2, ["json", missing])
  }

  @Test("diff: 0 same, 1 different, 2 for a missing or cut-off capture")
  func diffStatuses() throws {
    let dir = try temporaryDirectory()
    let a = try capture(200, in: dir, name: "a.jsonl.gz")
    let b = try capture(199, in: dir, name: "b.jsonl.gz")
    try expectStatus(0, ["diff", a, a])
    try expectStatus(1, ["diff", a, b])
    try expectStatus(2, ["diff", a, dir.appendingPathComponent("none.jsonl.gz").path])
    try expectStatus(2, ["diff", a, try cutOff(a, in: dir)], says: "was cut off")
  }

  @Test("replay: 0; 2 for options that select nothing, a cut-off capture, and refused messages")
  func replayStatuses() throws {
    let dir = try temporaryDirectory()
    let allowed = try capture(3, topic: "allowed/x", in: dir, name: "allowed.jsonl.gz")
    let forbidden = try capture(3, topic: "forbidden/x", in: dir, name: "forbidden.jsonl.gz")
    try expectStatus(0, ["replay", allowed, "--dry-run"])
    try expectStatus(
      2, ["replay", allowed, "--dry-run", "--from", "10h"], says: "--from 10h selects none of the 3 messages")
    try expectStatus(
      2, ["replay", allowed, "--dry-run", "-t", "other/#"], says: "-t/--exclude select none of the 3 messages")
    try expectStatus(2, ["replay", allowed, "--from", "2m", "--to", "1m"], says: "--from 2m is after --to 1m")
    try expectStatus(2, ["replay", allowed, "--dry-run", "-p", "1883"], says: "--dry-run publishes nothing")
    let acl = try brokerWithACL()
    try expectStatus(0, ["replay", allowed, "-p", "\(acl.port)", "--max-rate", "--quiet"])
    try expectStatus(
      2, ["replay", forbidden, "-p", "\(acl.port)", "--max-rate", "--quiet"],
      says: "refused 3 of 3 messages it answered, the first to 'forbidden/x' (not authorized)")
    let cut = try cutOff(try capture(2000, topic: "allowed/x", gap: 0, in: dir, name: "big.jsonl.gz"), in: dir)
    try expectStatus(2, ["replay", cut, "-p", "\(acl.port)", "--max-rate", "--quiet"], says: "was cut off")
  }

  @Test("simulate print-job: 0; 2 for an existing output, usage errors and an unreachable broker")
  func simulateStatuses() throws {
    let dir = try temporaryDirectory()
    let out = dir.appendingPathComponent("job.jsonl.gz").path
    try expectStatus(0, ["simulate", "print-job", "--output", out, "--quiet"])
    try expectStatus(2, ["simulate", "print-job", "--output", out, "--quiet"], says: "already exists")
    try expectStatus(2, ["simulate", "print-job", "--force"], says: "--force replaces the --output file")
    try expectStatus(2, ["simulate", "print-job", "--output", out, "-p", "1883"], says: "takes no connection options")
    try expectStatus(
      2, ["simulate", "print-job", "-h", "127.0.0.1", "-p", "\(try freeLoopbackPort())", "--quiet"],
      says: "connection refused")
  }

  @Test("verify: usage errors exit 2, unknown options named first")
  func verifyUsage() throws {
    try expectStatus(
      2, ["verify", "--stimulus", printDone, "--watch", "x", "--expect", printDone, "--tolerance", "2s"],
      says: "--tolerance goes with --check-timing.")
    try expectStatus(
      2, ["verify", "--stimulus", printDone, "--watch", "x", "--expect", printDone, "--seed", "3"],
      says: "--outcome, --duration and --seed go with --simulate print-job.")
    try expectStatus(2, ["verify", "--watch", "x"], says: "give the stimulus")
  }
}

@Suite("replay says how far it got")
struct ReplayGaveUpEndToEndTests {
  @Test("a broker gone for good: the replay gives up after 30 s, saying how many of how many went out, and exits 2")
  func gaveUp() throws {
    let dir = try temporaryDirectory()
    let path = try capture(100, topic: "r/x", gap: 0.1, in: dir)
    let broker = try TestBroker()
    let replay = try startMQTTDumper(["replay", path, "-p", "\(broker.port)", "--quiet"])
    usleep(1_500_000)
    broker.stop()
    let result = replay.wait(timeout: 60)
    #expect(result.status == 2, "\(result.stderr)")
    let pattern = try Regex(
      #"^mqtt-dumper: error: lost the connection to localhost:\d+ \(.+\) and could not get it back, after sending (\d+) of 100 messages; check the broker, then replay the rest\.\n$"#
    )
    let match = try #require(result.stderr.firstMatch(of: pattern), "\(result.stderr)")
    let sent = Int(match.output[1].substring ?? "") ?? -1
    #expect(sent > 5 && sent < 40, "\(sent) sent")
  }
}
