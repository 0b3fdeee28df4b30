import Foundation
import MQTTCapture
import Testing

/// What `merge` and `convert` leave under their output's name when they are stopped, and the limits they meet.
@Suite("merge's and convert's output: whole or not there", .serialized)
struct MergeOutputEndToEndTests {
  /// The names in `dir` that start with `prefix`, sorted.
  private func names(in dir: URL, startingWith prefix: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(prefix) }.sorted()
  }

  /// A merge (or `command`) reading 1,000 records from a pipe that then stays open: mid-run until stopped.
  private func stalledMerge(_ source: String, into out: String, command: String = "merge -") throws -> Running {
    let tool = try toolPath()
    return try Running(
      try which("sh"), ["-c", "{ zcat '\(source)' | head -n 1001; sleep 60; } | '\(tool)' \(command) -o '\(out)'"])
  }

  private func waitForFile(in dir: URL, startingWith prefix: String) throws -> String {
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      if let name = try names(in: dir, startingWith: prefix).first { return name }
      usleep(20_000)
    }
    throw TestFailure("no \(prefix)* appeared in \(dir.path)")
  }

  @Test("SIGTERM mid-merge leaves nothing; kill -9 leaves only OUT.partial-PID, and the next run writes OUT whole")
  func stoppedMidRun() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try numberedCapture(5_000, gap: 0.01, in: dir, name: "source.jsonl.gz")
    let out = dir.appendingPathComponent("out.jsonl.gz").path

    let terminated = try stalledMerge(source, into: out)
    _ = try waitForFile(in: dir, startingWith: "out.jsonl.gz.partial-")
    terminated.signal(SIGTERM)
    terminated.wait(timeout: 20)
    #expect(try names(in: dir, startingWith: "out") == [])

    let killed = try stalledMerge(source, into: out)
    let partial = try waitForFile(in: dir, startingWith: "out.jsonl.gz.partial-")
    killed.signal(SIGKILL)
    killed.wait(timeout: 20)
    #expect(try names(in: dir, startingWith: "out") == [partial])

    // Nothing blocks the next run, which names the leftover and finishes OUT with every record (counted by python3).
    let merge = try mqttDumper(["merge", source, "-o", out, "--quiet"])
    #expect(merge.status == 0, "\(merge.stderr)")
    #expect(
      merge.stderr
        == "mqtt-dumper: warning: \(dir.path)/\(partial) is left from a run that was killed before it finished; "
        + "delete it.\n")
    let count = try Running(
      try which("python3"), ["-c", "import gzip, sys; print(sum(1 for _ in gzip.open(sys.argv[1])))", out]
    ).wait(timeout: 30)
    #expect(count.stdoutText == "5001\n", "\(count.stderr)")
    #expect(try names(in: dir, startingWith: "out") == ["out.jsonl.gz", partial])
  }

  @Test("SIGTERM mid-convert leaves no file under OUT's name, nor a partial one")
  func convertStopped() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try numberedCapture(5_000, gap: 0.01, in: dir, name: "source.jsonl.gz")
    let out = dir.appendingPathComponent("out.csv").path
    let convert = try stalledMerge(source, into: out, command: "convert - --from capture --to csv")
    _ = try waitForFile(in: dir, startingWith: "out.csv.partial-")
    convert.signal(SIGTERM)
    convert.wait(timeout: 20)
    #expect(try names(in: dir, startingWith: "out") == [])
  }

  @Test("--force replaces OUT only once the merge is finished; a merge that fails leaves the old OUT as it was")
  func forceKeepsOldUntilDone() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try numberedCapture(100, gap: 0.01, in: dir, name: "source.jsonl.gz")
    let out = dir.appendingPathComponent("out.jsonl.gz").path
    try Data("the old file\n".utf8).write(to: URL(fileURLWithPath: out))
    // An input that is not a capture fails before a byte is written: the old file stays.
    let notCapture = dir.appendingPathComponent("notes.txt").path
    try Data("hello\n".utf8).write(to: URL(fileURLWithPath: notCapture))
    let failed = try mqttDumper(["merge", source, notCapture, "-o", out, "--force", "--quiet"])
    #expect(failed.status == 2, "\(failed.stderr)")
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "the old file\n")
    #expect(try names(in: dir, startingWith: "out") == ["out.jsonl.gz"])

    let merge = try mqttDumper(["merge", source, "-o", out, "--force", "--quiet"])
    #expect(merge.status == 0, "\(merge.stderr)")
    let zcat = try Running(try which("sh"), ["-c", "zcat '\(out)' | wc -l"]).wait(timeout: 30)
    #expect(zcat.stdoutText.trimmingCharacters(in: .whitespaces) == "101\n")
    #expect(try names(in: dir, startingWith: "out") == ["out.jsonl.gz"])
  }

  @Test("--force onto a symbolic link writes through it, onto a hard-linked file in place; a file keeps its mode")
  func forceKeepsWhatTheNameIs() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try numberedCapture(100, gap: 0.01, in: dir, name: "source.jsonl.gz")
    let fm = FileManager.default
    let target = dir.appendingPathComponent("target.jsonl").path
    let link = dir.appendingPathComponent("link.jsonl").path
    let linked = dir.appendingPathComponent("linked.jsonl").path
    let other = dir.appendingPathComponent("other-name.jsonl").path
    let secret = dir.appendingPathComponent("secret.jsonl").path
    for path in [target, linked, secret] { try Data("old\n".utf8).write(to: URL(fileURLWithPath: path)) }
    try fm.createSymbolicLink(atPath: link, withDestinationPath: target)
    try fm.linkItem(atPath: linked, toPath: other)
    chmod(secret, 0o600)
    for out in [link, linked, secret] {
      let merge = try mqttDumper(["merge", source, "-o", out, "--force", "--quiet"])
      #expect(merge.status == 0, "\(merge.stderr)")
    }
    let zcat = try Running("/bin/sh", ["-c", "zcat -f '\(source)'"]).wait(timeout: 30).stdoutText
    #expect(try fm.destinationOfSymbolicLink(atPath: link) == target)
    #expect(try String(contentsOfFile: target, encoding: .utf8).split(separator: "\n").count == 101)
    #expect(try String(contentsOfFile: other, encoding: .utf8) == String(contentsOfFile: linked, encoding: .utf8))
    #expect(
      try String(contentsOfFile: other, encoding: .utf8).split(separator: "\n").dropFirst()
        == zcat.split(separator: "\n").dropFirst())
    #expect((try fm.attributesOfItem(atPath: secret)[.posixPermissions] as? Int) == 0o600)
    #expect(try String(contentsOfFile: secret, encoding: .utf8).split(separator: "\n").count == 101)
  }

  @Test("more inputs than the soft limit on open files: raised to the hard limit; past the hard one, one sentence")
  func openFileLimit() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try numberedCapture(10, gap: 0.01, in: dir, name: "part-00.jsonl.gz")
    for i in 1..<60 {
      try FileManager.default.copyItem(atPath: source, toPath: dir.appendingPathComponent("part-\(i).jsonl.gz").path)
    }
    let tool = try toolPath()
    func merge(_ limit: String, _ name: String) throws -> Finished {
      let command = "ulimit \(limit) 30 && cd '\(dir.path)' && '\(tool)' merge part-*.jsonl.gz -o \(name) --quiet"
      return try Running(try which("sh"), ["-c", command]).wait(timeout: 60)
    }
    let soft = try merge("-S -n", "soft.jsonl")
    #expect(soft.status == 0, "\(soft.stderr)")
    let lines = try String(contentsOfFile: dir.appendingPathComponent("soft.jsonl").path, encoding: .utf8)
    #expect(lines.split(separator: "\n").count == 1 + 600)

    let hard = try merge("-n", "hard.jsonl")
    #expect(hard.status == 2)
    #expect(
      hard.stderr.hasSuffix("Too many open files; raise the limit (`ulimit -n`) or take fewer files at a time.\n"))
    #expect(hard.stderr.split(separator: "\n").count == 1, "\(hard.stderr)")
    #expect(try names(in: dir, startingWith: "hard") == [])
  }
}

/// The warnings about files that do not overlap in time.
@Suite("merge names files that do not overlap in time")
struct MergeOverlapEndToEndTests {
  private func capture(_ start: Int, _ count: Int, in dir: URL, name: String) throws -> String {
    try writeCapture(
      (0..<count).map { i in
        CapturedMessage(
          timestamp: Timestamp(microseconds: Int64(1_764_068_856 + start + i) * 1_000_000), topic: "t",
          payload: Array("\(start + i)".utf8))
      }, in: dir, name: name)
  }

  @Test("a rotated set (files that follow one another) gets one line; a file apart from overlapping ones its own")
  func rotatedSet() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let parts = try (0..<8).map { try capture($0 * 10, 10, in: dir, name: "rot.\($0).jsonl.gz") }
    let out = dir.appendingPathComponent("all.jsonl.gz").path
    let merged = try mqttDumper(["merge"] + parts + ["-o", out, "--quiet"])
    #expect(merged.status == 0)
    #expect(
      merged.stderr
        == "mqtt-dumper: warning: the 8 files do not overlap in time: they follow one another "
        + "(2025-11-25T11:07:36.000000Z to 2025-11-25T11:08:55.000000Z), as a rotated set or separate days do, "
        + "and are merged one after the other.\n")

    // Two recorders of one minute and a file from an hour later: only that one is named.
    let a = try capture(0, 60, in: dir, name: "a.jsonl.gz")
    let b = try capture(30, 60, in: dir, name: "b.jsonl.gz")
    let later = try capture(3_600, 5, in: dir, name: "later.jsonl.gz")
    let mixed = try mqttDumper(["merge", a, b, later, "-o", out, "--force", "--quiet"])
    #expect(mixed.status == 0)
    #expect(
      mixed.stderr
        == "mqtt-dumper: warning: \(later) does not overlap any other file in time "
        + "(2025-11-25T12:07:36.000000Z to 2025-11-25T12:07:40.000000Z).\n")
  }
}
