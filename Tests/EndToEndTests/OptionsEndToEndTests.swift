import Foundation
import MQTTCapture
import Testing

// Issue 10, "One set of options": the same idea has the same flag in every command.

/// A capture of `count` messages on `topic`, one a second, payloads `message 0`, `message 1`, ….
private func capture(_ count: Int, topic: String = "t/x", in dir: URL, name: String = "c.jsonl.gz") throws -> String {
  try numberedCapture(count, topic: topic, gap: 1, in: dir, name: name)
}

/// The schedule lines of `replay --dry-run`.
private func schedule(_ arguments: [String]) throws -> [String] {
  let result = try mqttDumper(["replay"] + arguments + ["--dry-run"])
  #expect(result.status == 0, "replay \(arguments): \(result.stderr)")
  return result.stdoutText.split(separator: "\n").map(String.init)
}

@Suite("one set of options")
struct OptionsEndToEndTests {
  @Test("--since/--until select the same window in print and replay; --from/--to are hidden aliases")
  func timeWindow() throws {
    let dir = try temporaryDirectory()
    let c = try capture(10, in: dir)
    let printed = try mqttDumper(["print", c, "--compact", "--since", "2s", "--until", "4s"])
    #expect(printed.status == 0, "\(printed.stderr)")
    #expect(printed.stdoutText.split(separator: "\n").count == 3)
    let replayed = try schedule([c, "--since", "2s", "--until", "4s"])
    #expect(replayed.count == 3)
    #expect(replayed.first?.hasPrefix("+0.000s  t/x") == true)
    #expect(try schedule([c, "--from", "2s", "--to", "4s"]) == replayed)
    #expect(try schedule([c, "--since", "2s", "--to", "4s"]) == replayed)
    for command in ["replay", "print", "samples"] {
      let help = try mqttDumper([command, "--help"]).stdoutText
      #expect(help.contains("--since") && help.contains("--until"))
      #expect(!help.contains("--from") && !help.contains("--to "))
    }
    let both = try mqttDumper(["replay", c, "--dry-run", "--since", "1s", "--from", "2s"])
    #expect(both.status == 2)
    #expect(both.stderr.contains("--from is another name for --since; give only one."))
    let bothEnds = try mqttDumper(["print", c, "--until", "1s", "--to", "2s"])
    #expect(bothEnds.status == 2)
    #expect(bothEnds.stderr.contains("--to is another name for --until"))
    let swapped = try mqttDumper(["replay", c, "--dry-run", "--since", "5s", "--until", "1s"])
    #expect(swapped.status == 2)
    #expect(swapped.stderr.contains("--since 5s is after --until 1s"))
    let none = try mqttDumper(["replay", c, "--dry-run", "--since", "1h"])
    #expect(none.status == 2)
    #expect(none.stderr.contains("--since 1h selects none of the 10 messages"))
  }

  @Test("replay takes --grep and --limit, as print does")
  func replayGrepAndLimit() throws {
    let dir = try temporaryDirectory()
    let c = try capture(10, in: dir)
    #expect(try schedule([c, "--limit", "4"]).count == 4)
    #expect(try schedule([c, "--grep", "message [37]"]).count == 2)
    let windowed = try schedule([c, "--grep", "message [1-9]", "--limit", "2", "--since", "3s"])
    #expect(windowed.count == 2 && windowed.first?.hasPrefix("+0.000s") == true)
    #expect(try schedule([c, "--limit", "2", "--loop", "2"]).count == 5)  // 2 + "-- pass 2 --" + 2
    let help = try mqttDumper(["replay", "--help"]).stdoutText
    #expect(help.contains("--grep <grep>") && help.contains("--limit <limit>"))
    let none = try mqttDumper(["replay", c, "--dry-run", "--grep", "nothing like it"])
    #expect(none.status == 2)
    #expect(none.stderr.contains("-t/--exclude/--grep select none of the 10 messages"))
    let zero = try mqttDumper(["replay", c, "--dry-run", "--limit", "0"])
    #expect(zero.status == 2)
    #expect(zero.stderr.contains("--limit must be at least 1"))
  }

  @Test("info --format json: one valid JSON object per file with what the text shows")
  func infoJSON() throws {
    let dir = try temporaryDirectory()
    let a = try capture(3, topic: "odd/\u{1b}[2J\u{202E}\"q\"", in: dir, name: "a.jsonl.gz")
    let b = try capture(5, in: dir, name: "b.jsonl.gz")
    let result = try mqttDumper(["info", a, b, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stdout.contains(0x1B))
    let check = """
      import json, sys
      docs = [json.loads(line) for line in sys.stdin]
      assert len(docs) == 2, docs
      a, b = docs
      assert a["messages"] == 3 and a["topic_count"] == 1 and a["complete"] is True, a
      assert a["topics"] == [{"topic": "odd/\\u001b[2J\\u202e\\"q\\"", "messages": 3, "payload_bytes": 27}], a["topics"]
      assert a["subscriptions"] == [{"filter": "#", "qos": 2}] and a["protocol"] == "mqttv5", a
      assert b["messages"] == 5 and b["span_seconds"] == 4 and b["messages_by_qos"] == [0, 5, 0], b
      assert b["first"] == "2025-11-25T11:07:36.000000Z" and b["compressed"] is True, b
      print("ok")
      """
    let python = try Running(try which("python3"), ["-c", check], stdin: result.stdout).wait(timeout: 30)
    #expect(python.stdoutText == "ok\n", "\(python.stderr)\n\(result.stdoutText)")
    let text = try mqttDumper(["info", b]).stdoutText
    #expect(text.contains("messages     5 on 1 topic"))
    let help = try mqttDumper(["info", "--help"]).stdoutText
    #expect(help.contains("--format <format>"))
  }
}
