import Foundation
import MQTTCapture
import Testing

@Suite("merge against real recordings", .serialized)
struct MergeEndToEndTests {
  @Test("two recorders of one broker, merged with --dedup: every message exactly once, in order; the header names both")
  func twoRecorders() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let paths = (1...2).map { dir.appendingPathComponent("rec-\($0).jsonl.gz").path }
    let recorders = try paths.enumerated().map { i, path in
      try startMQTTDumper(["capture", "-p", "\(broker.port)", "-t", "n/#", "-i", "rec-\(i)", "-o", path, "--quiet"])
    }
    for path in paths { try waitUntilRecording(path) }
    let lines = (0..<2000).map { "{\"n\": \($0)}" }.joined(separator: "\n") + "\n"
    try mosquittoPub(broker, ["-t", "n/x", "-q", "1", "-l"], stdin: Data(lines.utf8))
    usleep(500_000)
    for r in recorders {
      r.signal(SIGINT)
      #expect(r.wait().status == 0)
    }
    let out = dir.appendingPathComponent("merged.jsonl.gz").path
    let merge = try mqttDumper(["merge"] + paths + ["--dedup", "1s", "-o", out])
    #expect(merge.status == 0, "\(merge.stderr)")
    #expect(merge.stderr.contains("dropping 2,000 copies"), "\(merge.stderr)")
    // Counted by python3 from the file itself: each number once, in order, and the sources in the header.
    let script = """
      import gzip, json, sys
      lines = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
      ns = [json.loads(l["payload"])["n"] for l in lines[1:] if "topic" in l]
      ts = [l["ts"] for l in lines[1:]]
      print(ns == list(range(2000)), ts == sorted(ts), lines[0]["sources"] == sys.argv[2:])
      """
    let r = try Running(try which("python3"), ["-c", script, out] + paths).wait(timeout: 30)
    #expect(r.stdoutText == "True True True\n", "\(r.stderr)")
    // An existing output is refused.
    let again = try mqttDumper(["merge"] + paths + ["-o", out])
    #expect(again.status == 2)
    #expect(again.stderr.contains(out), "\(again.stderr)")
  }

  @Test(
    "lines come out byte for byte as the inputs hold them, in time order, at any --level; a bad level is a usage error")
  func linesUnchanged() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func messages(_ offset: Int64, _ n: Int) -> [CapturedMessage] {
      (0..<n).map { i in
        let time = Timestamp(microseconds: 1_764_068_856_000_000 + Int64(i) * 3_000 + offset)
        var payload = Array("{\"n\": \(i), \"s\": \"a\\\"b\"}".utf8)
        if i % 5 == 0 { payload.append(0xFF) }  // not UTF-8: payload_b64
        return CapturedMessage(
          timestamp: time, topic: "t/\(i % 7)/caf\u{E9}", payload: payload, qos: .atLeastOnce, retain: i % 3 == 0)
      }
    }
    let a = try writeCapture(messages(0, 10_000), in: dir, name: "a.jsonl.gz")
    let b = try writeCapture(messages(1_000, 10_000), in: dir, name: "b.jsonl.gz")
    // python3 reads the inputs' lines and merges them by ts (stable: a before b), then compares bytes.
    let script = """
      import gzip, json, sys
      def lines(p): return gzip.open(p, "rb").read().split(b"\\n")[1:-1]
      a, b = lines(sys.argv[2]), lines(sys.argv[3])
      want = sorted(a + b, key=lambda l: json.loads(l)["ts"])
      print(lines(sys.argv[1]) == want, len(want))
      """
    for level in ["1", "6", "9"] {
      let out = dir.appendingPathComponent("merged-\(level).jsonl.gz").path
      let merge = try mqttDumper(["merge", a, b, "--level", level, "-o", out, "--quiet"])
      #expect(merge.status == 0, "\(merge.stderr)")
      let r = try Running(try which("python3"), ["-c", script, out, a, b]).wait(timeout: 60)
      #expect(r.stdoutText == "True 20000\n", "\(r.stderr)")
    }
    let bad = try mqttDumper(["merge", a, "--level", "0", "-o", dir.appendingPathComponent("x.jsonl.gz").path])
    #expect(bad.status == 2 && bad.stderr.contains("--level must be from 1 to 9"), "\(bad.stderr)")
  }

  @Test(
    "a corrupt line in one input: merged up to it and named, the other inputs in full, the output finished, exit 2")
  func corruptInput() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let x = try numberedCapture(5000, topic: "x", gap: 0.001, in: dir, name: "x.jsonl.gz")
    let y = try numberedCapture(5000, topic: "y", gap: 0.001, in: dir, name: "y.jsonl.gz")
    let z = try numberedCapture(5000, topic: "z", gap: 0.001, in: dir, name: "z.jsonl.gz")
    // python3 breaks y's line 2001 (its message 1999) as the hostile report did with sed.
    let ybad = dir.appendingPathComponent("ybad.jsonl.gz").path
    let breakLine = """
      import gzip, sys
      lines = gzip.open(sys.argv[1], "rb").read().split(b"\\n")
      lines[2000] = b'{"ts":1764068857.9,"topic":"broken'
      gzip.open(sys.argv[2], "wb").write(b"\\n".join(lines))
      """
    #expect(try Running(try which("python3"), ["-c", breakLine, y, ybad]).wait(timeout: 30).status == 0)
    let out = dir.appendingPathComponent("m.jsonl.gz").path
    FileManager.default.createFile(atPath: out, contents: Data("old".utf8))
    let merge = try mqttDumper(["merge", x, ybad, z, "-o", out, "--force"])
    #expect(merge.status == 2)
    #expect(
      merge.stderr
        == "mqtt-dumper: warning: \(ybad) is corrupt at line 2001: invalid JSON (unterminated string at byte 35); "
        + "its records before that were merged.\nmqtt-dumper: merged 3 files into 11,999 records in \(out)\n")
    // The output is a finished gzip stream ...
    let test = try Running(try which("gzip"), ["-t", out]).wait(timeout: 30)
    #expect(test.status == 0 && test.stderr.isEmpty, "\(test.stderr)")
    // ... holding all of x and z and y's messages 0 to 1998, in time order (counted by python3).
    let script = """
      import gzip, json, sys
      lines = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
      def ns(t): return [int(l["payload"].split()[1]) for l in lines[1:] if l["topic"] == t]
      ts = [l["ts"] for l in lines[1:]]
      print(len(lines) - 1, ns("x") == list(range(5000)), ns("y") == list(range(1999)), ns("z") == list(range(5000)),
            ts == sorted(ts))
      """
    let r = try Running(try which("python3"), ["-c", script, out]).wait(timeout: 30)
    #expect(r.stdoutText == "11999 True True True True\n", "\(r.stderr)")
    // info agrees that the recorder (here: merge) finished the file.
    let info = try mqttDumper(["info", out])
    #expect(info.status == 0 && !info.stdoutText.contains("without finishing"), "\(info.stdoutText)\(info.stderr)")
  }

  @Test("the same file twice, under its name or another (a symlink, a hard link), is refused before any output")
  func sameFileTwice() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let x = try numberedCapture(3, topic: "x", gap: 1, in: dir, name: "x.jsonl.gz")
    let y = try numberedCapture(3, topic: "y", gap: 1, in: dir, name: "y.jsonl.gz")
    let link = dir.appendingPathComponent("link.jsonl.gz").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: x)
    let hard = dir.appendingPathComponent("hard.jsonl.gz").path
    try FileManager.default.linkItem(atPath: x, toPath: hard)
    let out = dir.appendingPathComponent("m.jsonl.gz").path
    let cases: [([String], String)] = [
      ([x, x], "\(x) is given twice"),
      ([x, y, link], "\(link) is the same file as \(x)"),
      ([hard, y, x], "\(x) is the same file as \(hard)"),
    ]
    for (files, same) in cases {
      let merge = try mqttDumper(["merge"] + files + ["-o", out])
      #expect(merge.status == 2)
      #expect(
        merge.stderr
          == "mqtt-dumper: error: \(same): merging a file with itself would double every record (merge a copy if "
          + "that is meant).\n")
      #expect(!FileManager.default.fileExists(atPath: out))
    }
    // Two different files are merged.
    let merge = try mqttDumper(["merge", x, y, "-o", out, "--quiet"])
    #expect(merge.status == 0 && merge.stderr.isEmpty, "\(merge.stderr)")
  }

  @Test("a file holding only a connected event is named as holding no messages, not as not overlapping")
  func eventOnlyFile() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let x = try numberedCapture(3, topic: "x", gap: 1, in: dir, name: "x.jsonl.gz")
    let y = try numberedCapture(3, topic: "y", gap: 1, in: dir, name: "y.jsonl.gz")
    let events = dir.appendingPathComponent("events.jsonl.gz").path
    let writer = try CaptureWriter(
      path: events,
      header: CaptureHeader(
        created: "2025-11-26T11:07:36.000000Z", tool: "test", broker: "localhost:1883", protocolName: "mqttv5",
        subscriptions: []))
    // A day after the messages: it overlaps nothing.
    try writer.write(
      .event(ConnectionEvent(kind: .connected, timestamp: Timestamp(microseconds: 1_764_155_256_000_000))))
    try writer.close()
    let out = dir.appendingPathComponent("m.jsonl.gz").path
    let merge = try mqttDumper(["merge", x, y, events, "-o", out])
    #expect(merge.status == 0)
    #expect(
      merge.stderr
        == "mqtt-dumper: warning: \(events) holds no messages.\nmqtt-dumper: merged 3 files into 7 records in \(out)\n")
  }
}
