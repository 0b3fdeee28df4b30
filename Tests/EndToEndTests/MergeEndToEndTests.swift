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
    // An existing output is refused; the same file twice is merged (and its copies dropped).
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
}
