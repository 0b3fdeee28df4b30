import Foundation
import MQTTCapture
import Testing

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
private let printDone = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path

private func makeCapture(_ messages: [CapturedMessage], name: String = "c.jsonl.gz", broker: String = "localhost:1883")
  throws -> String
{
  let path = try temporaryDirectory().appendingPathComponent(name).path
  let header = CaptureHeader(
    created: "2025-11-25T11:07:36.000000Z", tool: "test", broker: broker, protocolName: "mqttv5",
    subscriptions: [CaptureSubscription(filter: "#", qos: .exactlyOnce)])
  let writer = try CaptureWriter(path: path, header: header)
  for m in messages { try writer.write(m) }
  try writer.close()
  return path
}

private func message(_ seconds: Int64, _ topic: String, _ payload: [UInt8]) -> CapturedMessage {
  CapturedMessage(
    timestamp: Timestamp(microseconds: (1_764_068_856 + seconds) * 1_000_000), topic: topic, payload: payload)
}

private func message(_ seconds: Int64, _ topic: String, _ payload: String) -> CapturedMessage {
  message(seconds, topic, Array(payload.utf8))
}

/// What a text view must never write as it is: C0 controls but newline and tab, DEL, C1 controls, and (as
/// every topic is shown in them) the characters that reorder or hide text.
private func unsafeCharacters(_ output: Data) -> [String] {
  var found: [String] = []
  let bytes = [UInt8](output)
  for (i, b) in bytes.enumerated() where (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F {
    found.append("byte \(b) at \(i)")
  }
  for s in String(decoding: bytes, as: UTF8.self).unicodeScalars {
    switch s.value {
    case 0x80...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF:
      found.append("U+\(String(s.value, radix: 16))")
    default: break
    }
  }
  return found
}

/// Runs `command` in bash (for pipes and redirections), with the tool's path in `$T`.
private func shell(_ command: String, timeout: TimeInterval = 60) throws -> Finished {
  try Running("/bin/bash", ["-c", "set -o pipefail; T='\(try toolPath())'; \(command)"]).wait(timeout: timeout)
}

@Suite("every promise true at the edges: terminal safety, caps, reading and writing", .serialized)
struct SafetyEndToEndTests {
  static let attack = "\u{1B}]0;pwned\u{07}\u{1B}[2J"

  @Test("no view writes a capture's control, C1, bidi or zero-width characters to the terminal")
  func terminalSafety() throws {
    let evil: [CapturedMessage] = [
      message(0, "evil/\u{202E}txt.exe", Self.attack),
      message(1, "c1/\u{200B}\u{FEFF}", "a\u{85}b\u{9B}2Jc\u{7F}"),
      message(2, "json\u{1B}[2J", #"{"k\#u{9B}": "\#u{85}", "v": 9.0}"#),
      message(3, "bin\u{2066}", [0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0xC2, 0x9B]),
    ]
    let capture = try makeCapture(evil, broker: "b\u{1B}[2J\u{9B}:1883")
    let other = try makeCapture(
      [message(0, "evil/\u{202E}txt.exe", "\u{9B}0m"), message(1, "extra\u{202E}", Self.attack)], name: "o.jsonl.gz")
    let views: [[String]] = [
      ["print", capture], ["print", capture, "--compact"], ["print", capture, "--format", "jsonl"],
      ["print", capture, "--color", "always"], ["info", capture], ["samples", capture],
      ["samples", capture, "--format", "json"], ["diff", capture, other], ["replay", "--dry-run", capture],
    ]
    for view in views {
      let result = try mqttDumper(view)
      #expect(result.status == (view[0] == "diff" ? 1 : 0), "\(view): \(result.stderr)")
      // Colours are the tool's own escapes (SGR: ESC [ … m); anything else would be the capture's.
      let withoutColours = result.stdoutText.replacingOccurrences(
        of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
      #expect(unsafeCharacters(Data(withoutColours.utf8)) == [], "\(view)")
    }
    let pretty = try mqttDumper(["print", capture]).stdoutText
    #expect(pretty.contains(#"evil/\u{202E}txt.exe  (qos 0, 14 bytes)"#))
    #expect(pretty.contains(#"\x1b]0;pwned\x07\x1b[2J"#))
    #expect(pretty.contains(#"a\u{85}b\u{9B}2Jc\x7f"#))
    let compact = try mqttDumper(["print", capture, "--compact"]).stdoutText
    #expect(compact.hasPrefix("evil/\\u{202E}txt.exe \\x1b]0;pwned\\x07\\x1b[2J\n"))
    // Errors and warnings that name a file or topic are escaped too.
    let named = try temporaryDirectory().appendingPathComponent("\u{1B}[2J\u{202E}.jsonl").path
    try "not a capture\n".write(toFile: named, atomically: true, encoding: .utf8)
    let error = try mqttDumper(["info", named])
    #expect(error.status != 0)
    #expect(unsafeCharacters(Data(error.stderr.utf8)) == [], "\(error.stderr)")
    #expect(error.stderr.contains(#"\x1b[2J\u{202E}.jsonl is not an mqtt-dumper capture"#))
  }

  @Test(
    "a 50 MB binary payload: print shows 64 KiB of it and says what was cut, | head -1 ends quietly; print and info cut a 60,000-character topic"
  )
  func caps() throws {
    var big = [UInt8](repeating: 0, count: 50_000_000)
    for i in stride(from: 0, to: big.count, by: 7) { big[i] = UInt8(truncatingIfNeeded: i) | 0x80 }
    let topic = String(repeating: "t", count: 60_000)
    let capture = try makeCapture([message(0, "camera/raw", big), message(1, topic, "x")])
    let shown = try mqttDumper(["print", capture], timeout: 120)
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.count < 400_000)
    #expect(shown.stdoutText.contains("(binary, 50,000,000 bytes)\n00000000  80 00 00 00 00 00 00 87"))
    #expect(shown.stdoutText.contains("\n… 49,934,464 more bytes not shown (--max-bytes 0 shows all)\n"))
    let cutTopic = "\(String(repeating: "t", count: 200))… (59,800 more characters)"
    #expect(shown.stdoutText.contains(" \(cutTopic)  (qos 0, 1 byte)\nx\n"), "print cuts the topic as info does")
    #expect(!shown.stdoutText.contains(String(repeating: "t", count: 201)))
    let compact = try mqttDumper(["print", capture, "--compact", "--grep", "^x$"], timeout: 120)
    #expect(compact.stdoutText == "\(cutTopic) x\n", "\(compact.stderr)")
    let whole = try mqttDumper(["print", capture, "--compact", "--max-bytes", "0", "--grep", "^x$"], timeout: 120)
    #expect(whole.stdoutText == "\(topic) x\n", "--max-bytes 0 shows all, topics too")
    let head = try shell("\"$T\" print '\(capture)' | head -1", timeout: 120)
    #expect(head.status == 0)
    #expect(head.stderr.isEmpty, "\(head.stderr)")
    #expect(head.stdoutText.hasPrefix("== "))
    let info = try mqttDumper(["info", capture], timeout: 120)
    #expect(info.status == 0)
    #expect(info.stdout.count < 2_000)
    #expect(info.stdoutText.contains("  \(String(repeating: "t", count: 200))… (59,800 more characters)  (1 B)\n"))
  }

  @Test("samples: a fence in a payload, a backtick or HTML in a topic do not break the document; --max-bytes")
  func samplesMarkdown() throws {
    let capture = try makeCapture([
      message(0, "lab/`x`/<b>bold", "```\n<img src=x onerror=alert(1)>\n```"),
      message(1, "lab/next", String(repeating: "z", count: 5000)),
    ])
    let md = try mqttDumper(["samples", capture])
    #expect(md.status == 0, "\(md.stderr)")
    #expect(md.stdoutText.contains("## lab/\\`x\\`\n"))
    #expect(md.stdoutText.contains("&lt;b&gt;bold: ``lab/`x`/<b>bold``\n"))
    #expect(md.stdoutText.contains("\n````\n```\n<img src=x onerror=alert(1)>\n```\n````\n"))
    #expect(md.stdoutText.contains("… 904 more bytes not shown (--max-bytes 0 shows all)"))
    let all = try mqttDumper(["samples", capture, "--max-bytes", "0"])
    #expect(all.stdoutText.contains(String(repeating: "z", count: 5000)))
    let bad = try mqttDumper(["samples", capture, "--max-bytes", "-1"])
    #expect(bad.status != 0)
  }

  @Test("json reads gzip like every command, and says when a file was cut off")
  func jsonReadsGzip() throws {
    let gz = try mqttDumper(["json", printDone])
    #expect(gz.status == 0, "\(gz.stderr)")
    let plain = try shell("gzip -dc '\(printDone)' | \"$T\" json")
    #expect(plain.status == 0)
    #expect(gz.stdout == plain.stdout)
    #expect(gz.stdoutText.hasPrefix("{\n  \"mqtt_dumper_capture\": 1,\n"))

    let cut = try temporaryDirectory().appendingPathComponent("cut.jsonl.gz")
    let data = try Data(contentsOf: URL(fileURLWithPath: printDone))
    try data.prefix(data.count - 100).write(to: cut)
    let partial = try mqttDumper(["json", cut.path])
    #expect(partial.status != 0)
    #expect(partial.stderr.contains("was cut off after line"), "\(partial.stderr)")
    #expect(partial.stdout.count > gz.stdout.count / 2)
  }

  @Test(
    "replay --dry-run warns about a cut-off file and exits 2 like a replay, and keeps what it printed before a corrupt line"
  )
  func dryRun() throws {
    let dir = try temporaryDirectory()
    let cut = dir.appendingPathComponent("cut.jsonl.gz")
    let data = try Data(contentsOf: URL(fileURLWithPath: printDone))
    try data.prefix(data.count - 200).write(to: cut)
    let cutOff = try mqttDumper(["replay", "--dry-run", cut.path])
    #expect(cutOff.status == 2)
    #expect(cutOff.stderr.contains("was cut off after line"), "\(cutOff.stderr)")
    #expect(cutOff.stdoutText.split(separator: "\n").count > 1000)

    let lines = try shell("gzip -dc '\(printDone)'").stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
    let good = dir.appendingPathComponent("good.jsonl")
    let corrupt = dir.appendingPathComponent("corrupt.jsonl")
    try (lines[0..<300].joined(separator: "\n") + "\n").write(to: good, atomically: true, encoding: .utf8)
    try
      (lines[0..<300].joined(separator: "\n") + "\n{\"ts\":01,\"topic\":\"t\",\"payload\":\"p\"}\n"
      + lines[300...].joined(separator: "\n")).write(to: corrupt, atomically: true, encoding: .utf8)
    let before = try mqttDumper(["replay", "--dry-run", good.path])
    let broken = try mqttDumper(["replay", "--dry-run", corrupt.path])
    #expect(broken.status == 2)
    #expect(broken.stderr.contains("is corrupt at line 301"), "\(broken.stderr)")
    #expect(broken.stdout.count > 10_000)
    #expect(broken.stdout == before.stdout)
  }

  @Test("a full disk on standard output is one sentence and a failure, in every command")
  func writeErrors() throws {
    let commands: [(String, Int32?)] = [
      ("info '\(printDone)'", nil), ("print '\(printDone)'", nil), ("print --compact '\(printDone)'", nil),
      ("samples '\(printDone)'", nil), ("json '\(printDone)'", nil), ("replay --dry-run '\(printDone)'", nil),
      ("simulate print-job -o -", nil), ("diff '\(printDone)' '\(printDone)'", 2),
      ("diff '\(printDone)' '\(repoRoot.path)/captures/print-cancelled.jsonl.gz'", 2),
    ]
    for (command, status) in commands {
      let result = try shell("\"$T\" \(command) > /dev/full")
      if let status {
        #expect(result.status == status, "\(command)")
      } else {
        #expect(result.status != 0, "\(command)")
      }
      #expect(
        result.stderr
          == "mqtt-dumper: error: cannot write to standard output: No space left on device; the output is incomplete.\n",
        "\(command)")
    }
  }

  @Test("a closed pipe is a quiet exit for simulate -o - and capture -o -")
  func closedPipes() throws {
    let simulated = try shell("\"$T\" simulate print-job -o - | head -1")
    #expect(simulated.status == 0)
    #expect(simulated.stderr.isEmpty, "\(simulated.stderr)")
    #expect(simulated.stdoutText.hasPrefix("{\"mqtt_dumper_capture\":1"))

    let broker = try TestBroker()
    let capture = try Running(
      "/bin/bash", ["-c", "set -o pipefail; '\(try toolPath())' capture -p \(broker.port) -t 'pipe/#' -o - | head -3"])
    let deadline = Date().addingTimeInterval(20)
    var n = 0
    while capture.process.isRunning && Date() < deadline {
      try mosquittoPub(broker, ["-t", "pipe/\(n)", "-m", "message \(n)"])
      n += 1
      usleep(100_000)
    }
    let result = capture.wait(timeout: 5)
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    #expect(result.stdoutText.split(separator: "\n").count == 3)
  }

  @Test(
    "verify --record and simulate -o refuse an existing file before any work, advising only --force, which they have")
  func existingFiles() throws {
    let dir = try temporaryDirectory()
    let existing = dir.appendingPathComponent("run.jsonl.gz").path
    try "precious".write(toFile: existing, atomically: true, encoding: .utf8)
    let port = try freeLoopbackPort()
    // At speed 1 the stimulus would play for 20 minutes; the refusal comes first, before the broker is tried.
    let verify = ["verify", "--stimulus", printDone, "--watch", "home/#", "-h", "127.0.0.1", "-p", "\(port)"]
    let refused = try mqttDumper(verify + ["--record", existing], timeout: 30)
    #expect(refused.status == 2)
    #expect(
      refused.stderr.hasPrefix(
        "mqtt-dumper: error: \(existing) already exists; choose another file name, or pass --force to replace it.\n"),
      "\(refused.stderr)")
    let forced = try mqttDumper(verify + ["--record", existing, "--force"], timeout: 30)
    #expect(forced.status == 2)
    #expect(forced.stderr.contains("connection refused"), "\(forced.stderr)")
    #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious")

    let simulated = try mqttDumper(["simulate", "print-job", "-o", existing])
    #expect(simulated.status != 0)
    #expect(
      simulated.stderr
        == "mqtt-dumper: error: \(existing) already exists; choose another file name, or pass --force to replace it.\n")
    #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious")
    let replaced = try mqttDumper(["simulate", "print-job", "-o", existing, "--force", "--quiet"])
    #expect(replaced.status == 0, "\(replaced.stderr)")
    #expect(messages(try readAll(existing).records).count > 100)
  }
}
