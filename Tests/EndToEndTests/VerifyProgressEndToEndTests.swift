import Foundation
import MQTTCapture
import Testing

/// `verify` draws a status line on a terminal, as `replay` does, and nothing anywhere else.
@Suite("verify shows its progress on a terminal")
struct VerifyProgressEndToEndTests {
  private struct OnTerminal: Decodable {
    var status: Int32
    var stdout: String
    var terminal: String
  }

  @Test("on a terminal a status line tells the stimulus's progress and the wait, then is cleared; piped, none")
  func progress() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Four messages over 1.5 s: the replayer reports every 250 ms.
    let stimulus = try numberedCapture(4, topic: "stim/x", gap: 0.5, in: dir)
    let record = dir.appendingPathComponent("run.jsonl").path
    let arguments = [
      "verify", "--stimulus", stimulus, "--watch", "out/#", "--record", record, "--timeout", "1s", "-p",
      "\(broker.port)",
    ]
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Scripts/on_terminal.py").path
    let run = try Running(try which("python3"), [script, try toolPath()] + arguments).wait(timeout: 60)
    #expect(run.status == 0, "\(run.stderr)")
    let shown = try JSONDecoder().decode(OnTerminal.self, from: run.stdout)
    #expect(shown.status == 0, "\(shown.terminal)")
    // The terminal turns \n into \r\n; the lines are drawn over each other with \r and ESC [K.
    let draws = shown.terminal.components(separatedBy: "\r\u{1B}[K").filter { !$0.isEmpty }
    let replaying = draws.filter { $0.hasPrefix("▶ replaying: ") }
    #expect(!replaying.isEmpty, "\(draws)")
    for line in replaying {
      #expect(
        line.wholeMatch(
          of: /▶ replaying: [0-4]\/4 messages, [0-9.]+s elapsed, [0-9.]+s left; 0 received from the consumer/) != nil,
        "\(line)")
    }
    let waiting = draws.filter { $0.hasPrefix("⏳ waiting") }
    #expect(!waiting.isEmpty, "\(draws)")
    for line in waiting {
      #expect(line.wholeMatch(of: /⏳ waiting for the consumer: 0 received, [0-9.]+s of 1\.0s/) != nil, "\(line)")
    }
    #expect(
      shown.terminal.hasSuffix("\r\u{1B}[K"), "the line is cleared at the end: \(shown.terminal.debugDescription)")

    try FileManager.default.removeItem(atPath: record)
    let piped = try mqttDumper(arguments)
    #expect(piped.status == 0)
    #expect(piped.stderr == "", "no status line where stderr is not a terminal")
  }
}
