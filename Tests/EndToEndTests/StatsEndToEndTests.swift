import Foundation
import MQTTCapture
import Testing

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
private let printDone = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path

/// Works out per topic, from the capture itself with python3 (gzip + json, times as exact decimals), what
/// `stats` must say, and checks its JSON (stdin) and its text table (the file in argv[2]) against that.
private let independentCheck = #"""
  import base64, datetime, decimal, gzip, json, sys
  path, text_path = sys.argv[1], sys.argv[2]
  opener = gzip.open if path.endswith(".gz") else open
  topics = {}
  with opener(path, "rt", encoding="utf-8") as f:
      for line in f:
          r = json.loads(line, parse_float=decimal.Decimal)
          if "topic" not in r:
              continue
          size = len(r["payload"].encode()) if "payload" in r else len(base64.b64decode(r["payload_b64"]))
          us = int(decimal.Decimal(r["ts"]) * 1000000)
          t = topics.setdefault(r["topic"], {"messages": 0, "min": size, "max": size, "first": us, "last": us})
          t["messages"] += 1
          t["min"], t["max"] = min(t["min"], size), max(t["max"], size)
          t["first"], t["last"] = min(t["first"], us), max(t["last"], us)
  def rfc3339(us):
      return datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1000000)
  doc = json.load(sys.stdin)
  got = {t["topic"]: t for t in doc["topics"]}
  assert sorted(got) == sorted(topics), (sorted(got), sorted(topics))
  assert [t["topic"] for t in doc["topics"]] == sorted(topics, key=lambda s: s.encode()), "order"
  for name, want in topics.items():
      t = got[name]
      assert t["messages"] == want["messages"], (name, t, want)
      assert (t["bytes_min"], t["bytes_max"]) == (want["min"], want["max"]), (name, t, want)
      assert (t["first"], t["last"]) == (rfc3339(want["first"]), rfc3339(want["last"])), (name, t, want)
  total = sum(t["messages"] for t in topics.values())
  assert doc["totals"]["messages"] == total and doc["topic_count"] == len(topics), doc["totals"]
  # The text table: a line per topic, topic last; messages, min and max bytes, first and last time.
  lines = open(text_path, encoding="utf-8").read().split("\n")
  header = lines.index(next(l for l in lines if l.startswith("messages  mean/s")))
  rows = [l for l in lines[header + 1:] if l]
  assert len(rows) == len(topics), rows
  for row in rows:
      name = row.rsplit("  ", 1)[1]
      want = topics[name]
      cells = row.split()
      clock = lambda us: rfc3339(us)[11:19]
      assert int(cells[0].replace(",", "")) == want["messages"], row
      assert (int(cells[3]), int(cells[5])) == (want["min"], want["max"]), row
      assert row.endswith(f"{clock(want['first'])}  {clock(want['last'])}  {name}"), row
  assert lines[0].startswith(f"{path}: {total:,} messages on {len(topics)} topics, "), lines[0]
  print("ok")
  """#

/// Runs `stats` on `path` (text and JSON, with `extra` arguments) and the independent check on both.
private func checkIndependently(_ path: String, _ extra: [String] = [], in dir: URL) throws {
  let text = try mqttDumper(["stats", path] + extra)
  #expect(text.status == 0, "\(text.stderr)")
  let textPath = dir.appendingPathComponent("stats.txt").path
  try text.stdout.write(to: URL(fileURLWithPath: textPath))
  let json = try mqttDumper(["stats", path, "--format", "json"] + extra)
  #expect(json.status == 0, "\(json.stderr)")
  let python = try Running(try which("python3"), ["-c", independentCheck, path, textPath], stdin: json.stdout)
    .wait(timeout: 60)
  #expect(python.stdoutText == "ok\n", "\(python.stderr)\n\(text.stdoutText)")
}

@Suite struct StatsEndToEndTests {
  @Test("print-done: messages, sizes, first and last time per topic, as python3 works them out")
  func printDoneIndependently() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try checkIndependently(printDone, in: dir)
  }

  @Test("the print filters apply, standard input reads, and --tree adds up the levels")
  func filtersStdinTree() throws {
    let result = try mqttDumper(
      ["stats", "-", "-t", "octoPrint/temperature/+", "--format", "json", "--tree"],
      stdin: try Data(contentsOf: URL(fileURLWithPath: printDone)))
    #expect(result.status == 0, "\(result.stderr)")
    let check = """
      import json, sys
      d = json.load(sys.stdin)
      assert [t["topic"] for t in d["topics"]] == ["octoPrint/temperature/bed", "octoPrint/temperature/tool0"], d
      assert d["files"] == ["-"] and d["complete"] is True
      tree = [(n["path"], n["depth"], n["parent"], n["messages"], n["own_messages"], n["topics"]) for n in d["tree"]]
      n = [t["messages"] for t in d["topics"]]
      assert tree == [("octoPrint", 0, None, sum(n), 0, 2), ("octoPrint/temperature", 1, 0, sum(n), 0, 2),
                      ("octoPrint/temperature/bed", 2, 1, n[0], n[0], 1),
                      ("octoPrint/temperature/tool0", 2, 1, n[1], n[1], 1)], tree
      assert abs(d["tree"][0]["mean_rate"] - d["totals"]["mean_rate"]) < 2e-6, d["tree"][0]
      print("ok")
      """
    let python = try Running(try which("python3"), ["-c", check], stdin: result.stdout).wait(timeout: 30)
    #expect(python.stdoutText == "ok\n", "\(python.stderr)")
    let limited = try mqttDumper(["stats", printDone, "--limit", "10", "--format", "json"])
    #expect(limited.stdoutText.contains(#""totals":{"messages":10,"#))
  }

  @Test("files out of order: a warning per file, status 0; the silence has no message inside (python3 checks)")
  func backwards() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func capture(_ name: String, _ seconds: [Int64]) throws -> String {
      let messages = seconds.map {
        CapturedMessage(
          timestamp: Timestamp(microseconds: (1_764_115_200 + $0) * 1_000_000), topic: "s/a", payload: [0x31],
          qos: .atMostOnce, retain: false)
      }
      return try writeCapture(messages, in: dir, name: name)
    }
    let day1 = try capture("day1.jsonl.gz", [0, 10, 20, 30, 40])
    let day2 = try capture("day2.jsonl.gz", [7200, 7210, 3600, 3610, 9000])
    let text = try mqttDumper(["stats", day2, day1])
    #expect(text.status == 0)
    #expect(text.stdoutText.contains("\n  longest silence  29m 50s from 02:00:10 to 02:30:00\n"), "\(text.stdoutText)")
    let tail =
      "; the longest silence shown has no message inside it but may miss a longer one, and a second that "
      + "comes back counts afresh for the peak.\n"
    #expect(
      text.stderr
        == "mqtt-dumper: warning: \(day2): the time goes back 1 time, by up to 1h 00m 10s\(tail)"
        + "mqtt-dumper: warning: \(day1): the time goes back 1 time, by up to 2h 30m 00s, at its start (before the "
        + "end of the file before it: give the files in time order)\(tail)")
    let json = try mqttDumper(["stats", day2, day1, "--format", "json"])
    let check = #"""
      import gzip, json, sys
      times = []
      for path in sys.argv[1:]:
          for line in gzip.open(path, "rt"):
              r = json.loads(line)
              if "topic" in r: times.append(round(r["ts"] * 1e6))
      t = json.load(sys.stdin)["totals"]
      steps = sum(1 for a, b in zip(times, times[1:]) if b < a)
      assert t["steps_back"] == steps == 2, t
      s = t["longest_silence"]
      us = lambda text: round(__import__("datetime").datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=__import__("datetime").timezone.utc).timestamp() * 1e6)
      a, b = us(s["from"]), us(s["to"])
      assert a in times and b in times and a < b and not any(a < x < b for x in times), s
      print("ok")
      """#
    let python = try Running(try which("python3"), ["-c", check, day2, day1], stdin: json.stdout).wait(timeout: 60)
    #expect(python.stdoutText == "ok\n", "\(python.stderr)")
  }

  @Test("no messages: one clear sentence, status 0")
  func empty() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try writeCapture([], in: dir, name: "empty.jsonl.gz")
    let result = try mqttDumper(["stats", path])
    #expect(result.status == 0 && result.stdoutText == "No messages in \(path).\n" && result.stderr.isEmpty)
    let filtered = try mqttDumper(["stats", printDone, "-t", "nothing/here"])
    #expect(filtered.status == 0 && filtered.stdoutText == "No message in \(printDone) matched the filters.\n")
    let json = try mqttDumper(["stats", path, "--format", "json"])
    #expect(json.stdoutText.contains(#""topic_count":0,"totals":{"messages":0,"#))
  }

  @Test("a cut-off file: counted up to the cut, a warning, status 2; not a capture: one sentence, status 2")
  func badFiles() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plain = dir.appendingPathComponent("plain.jsonl").path
    let lines = try Running(try which("zcat"), [printDone]).wait().stdout
    // Cut in the middle of the 101st line: 100 records (the header and 99 messages) are whole.
    let hundred = lines.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(100)
    let cut = Data(hundred.joined(separator: [UInt8(ascii: "\n")])) + Data("\n{\"ts\":17640".utf8)
    try cut.write(to: URL(fileURLWithPath: plain))
    let result = try mqttDumper(["stats", plain, "--format", "json"])
    #expect(result.status == 2)
    #expect(result.stdoutText.contains(#""complete":false,"#))
    #expect(result.stdoutText.contains(#""totals":{"messages":99,"#))
    #expect(result.stderr.hasPrefix("mqtt-dumper: warning: \(plain) "), "\(result.stderr)")
    let text = try mqttDumper(["stats", plain])
    #expect(text.status == 2 && text.stdoutText.hasPrefix("\(plain): 99 messages on "))
    let notCapture = dir.appendingPathComponent("x.txt").path
    try "hello\n".write(toFile: notCapture, atomically: true, encoding: .utf8)
    let bad = try mqttDumper(["stats", notCapture])
    #expect(bad.status == 2 && bad.stdout.isEmpty)
    #expect(bad.stderr.hasPrefix("mqtt-dumper: error: ") && bad.stderr.split(separator: "\n").count == 1)
    let usage = try mqttDumper(["stats", printDone, "--format", "yaml"])
    #expect(usage.status == 2)
  }

  @Test(
    "bad input: 100,000 topics, hostile and invalid topics, a 50 MB payload — no crash, nothing raw on the terminal")
  func badInput() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base: Int64 = 1_764_068_856_000_000
    var messages = (0..<100_000).map { i in
      CapturedMessage(
        timestamp: Timestamp(microseconds: base + Int64(i) * 100), topic: "many/\(i)", payload: Array("\(i)".utf8))
    }
    messages.append(
      CapturedMessage(
        timestamp: Timestamp(microseconds: base + 20_000_000), topic: "big",
        payload: [UInt8](repeating: 0x7A, count: 50_000_000)))
    messages.append(
      CapturedMessage(
        timestamp: Timestamp(microseconds: base + 21_000_000), topic: "odd/\u{1B}[2J\u{202E}/\u{9B}x//", payload: []))
    let path = try writeCapture(messages, in: dir)
    let text = try mqttDumper(["stats", path, "--tree"], timeout: 120)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(!text.stdout.contains(0x1B) && !text.stdoutText.contains("\u{202E}") && !text.stdoutText.contains("\u{9B}"))
    #expect(text.stdoutText.contains("100,002 messages on 100,002 topics"))
    #expect(text.stdoutText.contains("    \\x1b[2J\\u{202E}\n"))
    let json = try mqttDumper(["stats", path, "--format", "json"], timeout: 120)
    #expect(json.status == 0)
    #expect(json.stdoutText.contains(#""bytes_max":50000000,"#))
    #expect(!json.stdout.contains(0x1B))
    // A topic that is not UTF-8 cannot be in a capture: the reader says where the file is corrupt.
    let invalid = dir.appendingPathComponent("invalid.jsonl").path
    let header =
      #"{"mqtt_dumper_capture":1,"created":"2026-01-01T00:00:00.000000Z","tool":"t","broker":"b","protocol":"mqttv311","subscriptions":[]}"#
    try Data(
      (header + "\n" + #"{"ts":1764064800.000000,"topic":"a/\udcff","qos":0,"retain":false,"payload":"x"}"# + "\n").utf8
    )
    .write(to: URL(fileURLWithPath: invalid))
    let corrupt = try mqttDumper(["stats", invalid])
    #expect(corrupt.status == 2 && corrupt.stderr.contains("is corrupt at line 2"), "\(corrupt.stderr)")
  }
}
