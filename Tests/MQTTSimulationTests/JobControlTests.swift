import MQTTCapture
import Testing

@testable import MQTTSimulation

/// Runs `options`' jobs as the publisher does: before a message goes out, the commands due by its time are
/// applied; a message a command took back is not sent.
private func run(
  _ options: PrintJobOptions, _ commands: [(seconds: Double, command: JobCommand, printer: Int)]
) -> (messages: [CapturedMessage], refusals: [String]) {
  var stream = PrintJobStream(options)
  var queue = commands.sorted { $0.seconds < $1.seconds }
  var out: [CapturedMessage] = []
  var refusals: [String] = []
  while let m = stream.next() {
    while let c = queue.first, options.start.microseconds + Int64(c.seconds * 1_000_000) <= m.timestamp.microseconds {
      queue.removeFirst()
      let at = Timestamp(microseconds: options.start.microseconds + Int64(c.seconds * 1_000_000))
      if let refusal = stream.apply(c.command, printer: c.printer, at: at) { refusals.append(refusal) }
    }
    if !stream.revokedLast && !PrintJobStream.isIdleMark(m) { out.append(m) }
  }
  return (out, refusals)
}

private func options(_ configure: (inout PrintJobOptions) -> Void = { _ in }) -> PrintJobOptions {
  var o = PrintJobOptions()
  o.duration = 600
  o.start = Timestamp(microseconds: 1_764_068_856_000_000)
  configure(&o)
  return o
}

private func text(_ m: CapturedMessage) -> String { String(decoding: m.payload, as: UTF8.self) }

/// Event names, state ids as `state_id`, `ChartMarked <type>`; frames and achievements left out.
private func order(_ messages: [CapturedMessage], base: String = "octoPrint") -> [String] {
  messages.compactMap { m -> String? in
    guard m.topic.hasPrefix("\(base)/event/") else { return nil }
    let name = String(m.topic.dropFirst(base.count + 7))
    if ["CaptureStart", "CaptureDone", "plugin_achievements_achievement_unlocked"].contains(name) { return nil }
    let value = try? JSONParser.parse(text(m))
    if name == "PrinterStateChanged", let id = value?["state_id"]?.stringValue { return id }
    if name == "ChartMarked", let type = value?["type"]?.stringValue { return "ChartMarked \(type)" }
    return name
  }
}

@Suite("commanding a simulated job: cancel, pause, resume")
struct JobControlTests {
  @Test("cancel mid-print runs the reference's cancel sequence; no layer after it; progress back to 0")
  func cancel() throws {
    let (messages, refusals) = run(options(), [(300, .cancel, 0)])
    #expect(refusals.isEmpty)
    let events = order(messages)
    // Reference, "Cancel": PrintCancelling → CANCELLING → PrintCancelled → ChartMarked cancel →
    // GcodeScriptAfterPrintCancelled Running/Finished → MetadataStatisticsUpdated → PrintFailed →
    // MovieRendering → OPERATIONAL → MovieDone.
    #expect(
      Array(events.drop { $0 != "PrintCancelling" }) == [
        "PrintCancelling", "CANCELLING", "PrintCancelled", "ChartMarked cancel",
        "GcodeScriptAfterPrintCancelledRunning", "GcodeScriptAfterPrintCancelledFinished",
        "MetadataStatisticsUpdated", "PrintFailed", "MovieRendering", "OPERATIONAL", "MovieDone",
      ])
    #expect(!events.contains("PrintDone"))
    let cancelling = try #require(messages.first { $0.topic.hasSuffix("/PrintCancelling") })
    #expect(cancelling.timestamp.microseconds == options().start.microseconds + 300_000_000)
    #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
    let last = try #require(messages.last { $0.topic == "octoPrint/progress/printing" })
    #expect(text(last).contains(#""progress": 0"#))
    let targets = messages.filter { $0.topic == "octoPrint/temperature/tool0" && $0.timestamp > cancelling.timestamp }
    #expect(targets.last.map(text)?.contains(#""target": 0.0"#) == true)
  }

  @Test("pause holds the job until resume, in the reference's order, then it prints to its end")
  func pauseAndResume() throws {
    let (messages, refusals) = run(options(), [(250, .pause, 0), (400, .resume, 0)])
    #expect(refusals.isEmpty)
    let events = order(messages)
    // Reference, "Pause / resume": PAUSING → PrintPaused → ChartMarked pause → GcodeScriptAfterPrintPaused* →
    // PositionUpdate → PAUSED; resume: RESUMING → PrintResumed → ChartMarked resume →
    // GcodeScriptBeforePrintResumed* → PRINTING.
    #expect(
      Array(events.drop { $0 != "PAUSING" }.prefix(13)) == [
        "PAUSING", "PrintPaused", "ChartMarked pause", "GcodeScriptAfterPrintPausedRunning",
        "GcodeScriptAfterPrintPausedFinished", "PositionUpdate", "PAUSED", "RESUMING", "PrintResumed",
        "ChartMarked resume", "GcodeScriptBeforePrintResumedRunning", "GcodeScriptBeforePrintResumedFinished",
        "PRINTING",
      ])
    #expect(events.contains("PrintDone"))
    let start = options().start.microseconds
    let pausing = try #require(messages.first { text($0).contains(#""state_id": "PAUSING""#) })
    let resuming = try #require(messages.first { text($0).contains(#""state_id": "RESUMING""#) })
    #expect(pausing.timestamp.microseconds == start + 250_000_000)
    #expect(resuming.timestamp.microseconds == start + 400_000_000)
    // No layer is printed while paused; the job's print time includes the pause.
    let z = messages.filter { $0.topic.hasSuffix("/ZChange") }
    #expect(!z.contains { $0.timestamp > pausing.timestamp && $0.timestamp < resuming.timestamp })
    let done = try #require(messages.first { $0.topic.hasSuffix("/PrintDone") })
    let time = try #require(Double(JSONParser.parse(text(done))["time"]?.numberLiteral ?? ""))
    #expect(time > 600 + 150 - 1)
    #expect(zip(messages, messages.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
  }

  @Test("commands that make no sense now are refused with a reason, and change nothing")
  func refusals() {
    let plain = run(options(), []).messages
    let (messages, refusals) = run(options(), [(5, .cancel, 0), (300, .resume, 0), (700, .pause, 0)])
    #expect(refusals == ["no job is printing", "the job is not paused", "no job is printing"])
    #expect(messages == plain)
  }

  @Test("a paused job can be cancelled; the pause ends without a resume")
  func cancelWhilePaused() {
    let events = order(run(options(), [(250, .pause, 0), (300, .cancel, 0)]).messages)
    #expect(Array(events.drop { $0 != "PAUSED" }.prefix(3)) == ["PAUSED", "PrintCancelling", "CANCELLING"])
    #expect(!events.contains("RESUMING"))
  }

  @Test("one printer of many is commanded; the others carry on; the same commands give the same bytes")
  func oneOfMany() {
    let o = options { $0.printers = 3 }
    let (a, _) = run(o, [(300, .cancel, 1)])
    let (b, _) = run(o, [(300, .cancel, 1)])
    #expect(a == b)
    #expect(a.filter { $0.topic == "octoPrint/printer-2/event/PrintCancelled" }.count == 1)
    #expect(a.filter { $0.topic.hasSuffix("/event/PrintDone") }.count == 2)
  }
}
