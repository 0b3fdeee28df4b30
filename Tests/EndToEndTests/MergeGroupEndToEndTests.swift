import Foundation
import MQTTCapture
import Testing

/// Messages on `topic` at `seconds` after 2025-11-25T11:07:36Z, payloads `<payload prefix> <n>`.
private func messages(_ seconds: [Double], topic: String, payload: String) -> [CapturedMessage] {
  seconds.enumerated().map { n, s in
    CapturedMessage(
      timestamp: Timestamp(microseconds: 1_764_068_856_000_000 + Int64(s * 1e6)), topic: topic,
      payload: Array("\(payload) \(n)".utf8), qos: .atLeastOnce)
  }
}

/// The merged header's fields `keys` as python3 prints them, read with `zcat | head -1`.
private func headerFields(_ path: String, _ keys: [String]) throws -> String {
  let script = """
    import json, sys
    h = json.loads(sys.stdin.readline())
    print(*[repr(h.get(k, "-")) for k in sys.argv[1:]])
    """
  let shell = #"f=$1; s=$2; shift 2; zcat "$f" | head -1 | python3 -c "$s" "$@""#
  let r = try Running("/bin/sh", ["-c", shell, "sh", path, script] + keys).wait(timeout: 30)
  #expect(r.status == 0, "\(r.stderr)")
  return r.stdoutText
}

/// merge's warning for a file that overlaps the others in time but shares no copy with them under `--dedup`.
private func noCopies(_ path: String, _ window: String) -> String {
  "mqtt-dumper: warning: \(path) overlaps the other files in time but shares no message with them within "
    + "--dedup \(window): maybe its clock is off by more than that (try a wider --dedup), or it recorded other "
    + "traffic.\n"
}

@Suite("merge of a group's files, and of recorders whose clocks disagree")
struct MergeGroupEndToEndTests {
  @Test("the merged header keeps the group and lists each file's instance; info shows both; two groups: none")
  func groupAndInstances() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try writeCapture(
      messages([0, 2, 4], topic: "plant/a", payload: "a"), in: dir, name: "rec-a.jsonl.gz", group: "fleet",
      instance: "rec-a")
    let b = try writeCapture(
      messages([1, 3], topic: "plant/b", payload: "b"), in: dir, name: "rec-b.jsonl.gz", group: "fleet",
      instance: "rec-b")
    let plain = try writeCapture(messages([1.5], topic: "plant/c", payload: "c"), in: dir, name: "plain.jsonl.gz")
    let out = dir.appendingPathComponent("fleet.jsonl.gz").path
    let merge = try mqttDumper(["merge", a, b, plain, "-o", out])
    #expect(merge.status == 0)
    #expect(merge.stderr == "mqtt-dumper: merged 3 files into 6 records in \(out)\n")
    #expect(
      try headerFields(out, ["group", "instance", "instances", "sources"])
        == "'fleet' '-' ['rec-a', 'rec-b', None] ['\(a)', '\(b)', '\(plain)']\n")
    let info = try mqttDumper(["info", out])
    #expect(info.status == 0, "\(info.stderr)")
    let lines = info.stdoutText.split(separator: "\n").map(String.init)
    #expect(lines.contains("  group        fleet (shared subscriptions)"), "\(info.stdoutText)")
    #expect(lines.contains("  sources      3 files: \(a), \(b), \(plain)"), "\(info.stdoutText)")
    #expect(lines.contains("  instances    rec-a (1 file), rec-b (1 file); 1 file without one"), "\(info.stdoutText)")
    let json = try mqttDumper(["info", out, "--format", "json"])
    let check = """
      import json, sys
      j = json.loads(sys.stdin.read())
      print(j["group"], j["instances"], j["sources"] == sys.argv[1:], "instance" in j)
      """
    let r = try Running(try which("python3"), ["-c", check, a, b, plain], stdin: json.stdout).wait(timeout: 30)
    #expect(r.stdoutText == "fleet ['rec-a', 'rec-b', None] True False\n", "\(r.stderr)")

    // A file of another group: the merged header names no group, and merge says why.
    let c = try writeCapture(
      messages([3.5], topic: "line/c", payload: "c"), in: dir, name: "rec-c.jsonl.gz", group: "line2",
      instance: "rec-c")
    let mixed = dir.appendingPathComponent("mixed.jsonl.gz").path
    let merge2 = try mqttDumper(["merge", a, c, b, "-o", mixed])
    #expect(merge2.status == 0)
    #expect(
      merge2.stderr
        == "mqtt-dumper: warning: the files were recorded by 2 groups (fleet, line2): the merged header names none.\n"
        + "mqtt-dumper: merged 3 files into 6 records in \(mixed)\n")
    #expect(try headerFields(mixed, ["group", "instances"]) == "'-' ['rec-a', 'rec-c', 'rec-b']\n")
  }

  @Test("clocks: two files that share copies with each other but not with the first are compared, named by both")
  func clocksBeyondTheFirstFile() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // a overlaps b in time but shares no message; c recorded b's ten messages with a clock 3 s ahead.
    let a = try writeCapture(messages([0, 1, 12], topic: "a", payload: "a"), in: dir, name: "a.jsonl.gz")
    let b = try writeCapture(
      messages((0..<10).map { 10 + Double($0) }, topic: "s", payload: "s"), in: dir, name: "b.jsonl.gz")
    let c = try writeCapture(
      messages((0..<10).map { 13 + Double($0) }, topic: "s", payload: "s"), in: dir, name: "c.jsonl.gz")
    let out = dir.appendingPathComponent("m.jsonl.gz").path
    let merge = try mqttDumper(["merge", a, b, c, "--dedup", "5s", "-o", out])
    #expect(merge.status == 0)
    #expect(
      merge.stderr
        == "mqtt-dumper: warning: \(c)'s clock looks 3.0s ahead of \(b)'s (the median over 10 messages both recorded).\n"
        + noCopies(a, "5s")
        + "mqtt-dumper: merged 3 files into 13 records, dropping 10 copies another file had recorded in \(out)\n")
    // The same files given c first: c is the reference, and b's clock is the one behind.
    let merge2 = try mqttDumper(["merge", c, a, b, "--dedup", "5s", "-o", out, "--force"])
    #expect(merge2.status == 0)
    #expect(
      merge2.stderr
        == "mqtt-dumper: warning: \(b)'s clock looks 3.0s behind \(c)'s (the median over 10 messages both recorded).\n"
        + noCopies(a, "5s")
        + "mqtt-dumper: merged 3 files into 13 records, dropping 10 copies another file had recorded in \(out)\n")
  }

  @Test("--dedup 2s, a third recorder's clock 5 s ahead: it shares no copy, and is named; --dedup 6s finds them")
  func clockBeyondTheWindow() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let seconds = (0..<10).map { 10 + Double($0) }
    let a = try writeCapture(messages(seconds, topic: "s", payload: "s"), in: dir, name: "a.jsonl.gz")
    let b = try writeCapture(messages(seconds.map { $0 + 0.5 }, topic: "s", payload: "s"), in: dir, name: "b.jsonl.gz")
    let c = try writeCapture(messages(seconds.map { $0 + 5 }, topic: "s", payload: "s"), in: dir, name: "c.jsonl.gz")
    let out = dir.appendingPathComponent("m.jsonl.gz").path
    let merge = try mqttDumper(["merge", a, b, c, "--dedup", "2s", "-o", out])
    #expect(merge.status == 0)
    #expect(
      merge.stderr
        == noCopies(c, "2s")
        + "mqtt-dumper: merged 3 files into 20 records, dropping 10 copies another file had recorded in \(out)\n")
    let wider = try mqttDumper(["merge", a, b, c, "--dedup", "6s", "-o", out, "--force"])
    #expect(wider.status == 0)
    #expect(
      wider.stderr
        == "mqtt-dumper: warning: \(c)'s clock looks 5.0s ahead of \(a)'s (the median over 10 messages both recorded).\n"
        + "mqtt-dumper: merged 3 files into 10 records, dropping 20 copies another file had recorded in \(out)\n")
    // Checked apart from the summary: python3 counts the merged messages.
    let count = try Running(
      "/bin/sh",
      ["-c", #"zcat "$0" | python3 -c 'import sys; print(sum(1 for l in sys.stdin if "\"topic\"" in l))'"#, out]
    ).wait(timeout: 30)
    #expect(count.stdoutText == "10\n", "\(count.stderr)")
  }

  @Test("a file whose own times go backwards is named: how often, by up to how much; its records merged by time")
  func timesGoingBack() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let d = try writeCapture(messages([0, 5, 2, 8, 7, 9], topic: "d", payload: "d"), in: dir, name: "d.jsonl.gz")
    let e = try writeCapture(messages([1, 3, 6], topic: "e", payload: "e"), in: dir, name: "e.jsonl.gz")
    let out = dir.appendingPathComponent("m.jsonl.gz").path
    let merge = try mqttDumper(["merge", d, e, "-o", out, "--quiet"])
    #expect(merge.status == 0)
    #expect(
      merge.stderr
        == "mqtt-dumper: warning: \(d)'s own times go back 2 times, by up to 3.0s: its records are merged where "
        + "their times put them, so not all in its order.\n")
    // The order python3 reads back: each file's next record by time, d's late ones where they come.
    let order = try Running(
      "/bin/sh",
      [
        "-c",
        #"zcat "$0" | python3 -c 'import json, sys; print(*[r["payload"] for r in map(json.loads, sys.stdin) if "topic" in r])'"#,
        out,
      ]
    ).wait(timeout: 30)
    #expect(order.stdoutText == "d 0 e 0 e 1 d 1 d 2 e 2 d 3 d 4 d 5\n", "\(order.stderr)")
  }
}
