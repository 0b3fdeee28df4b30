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
}
