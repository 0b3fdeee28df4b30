import Foundation
import Testing

/// A rotating capture's set on disk is one run: old numbered files are refused, or replaced with --force.
@Suite("capture rotation over an existing set")
struct RotationSetEndToEndTests {
  private func files(in dir: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
  }

  @Test("without --force, any file of the set stops it before connecting, naming that file")
  func refuses() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = dir.appendingPathComponent("r.jsonl.gz").path
    let stale = dir.appendingPathComponent("r.3.jsonl.gz").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: stale))
    // Port 1 has no broker: an error about the file proves it came before any connection.
    let rotating = try mqttDumper(["capture", "-p", "1", "-o", base, "--rotate-interval", "1h"])
    #expect(rotating.status == 2)
    #expect(
      rotating.stderr
        == "mqtt-dumper: error: \(stale) already exists, from an older rotation of \(base); choose another file name, "
        + "or pass --force to replace that whole set or --append to add to it.\n")
    #expect(try files(in: dir) == ["r.3.jsonl.gz"])
    // Without rotation the numbered files are not this capture's: only the file itself counts.
    let plain = try mqttDumper(["capture", "-p", "1", "-o", base])
    #expect(plain.status == 2)
    #expect(
      plain.stderr.contains("cannot connect") || plain.stderr.contains("127.0.0.1:1")
        || plain.stderr.contains("localhost:1"), "\(plain.stderr)")
    #expect(!plain.stderr.contains("already exists"))
  }

  @Test("--force replaces the whole set: an older, longer run's numbered files are gone, numbering starts at 1")
  func forceReplacesTheSet() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = dir.appendingPathComponent("r.jsonl.gz").path
    for name in ["r.jsonl.gz", "r.1.jsonl.gz", "r.2.jsonl.gz", "r.5.jsonl.gz", "r.x.jsonl.gz", "other.1.jsonl.gz"] {
      try Data("old".utf8).write(to: dir.appendingPathComponent(name))
    }
    let result = try mqttDumper([
      "capture", "-p", "\(broker.port)", "-t", "rot/#", "-o", base, "--force", "--rotate-interval", "1s", "-W", "1.6s",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    // The set on disk is exactly the files this run says it wrote, numbered from 1 (one rotation in 1.6 s,
    // two on a slow machine); the old run's r.5 is gone, names of other sets are untouched.
    let written = try #require(result.stderr.firstMatch(of: /to (.*) \(/)).1.split(separator: ", ").map(String.init)
    let names = written.map { URL(fileURLWithPath: $0).lastPathComponent }
    #expect(names.count >= 2 && names == ["r.jsonl.gz"] + (1..<names.count).map { "r.\($0).jsonl.gz" }, "\(names)")
    #expect(try files(in: dir) == (names + ["other.1.jsonl.gz", "r.x.jsonl.gz"]).sorted())
    for path in written {
      let zcat = try Running(try which("zcat"), [path]).wait(timeout: 10)
      #expect(zcat.status == 0 && zcat.stdoutText.hasPrefix("{\"mqtt_dumper_capture\":1,"), "\(path): \(zcat.stderr)")
    }
  }
}
