import Foundation
import MQTTCapture
import Testing

@Suite("simulate against a real broker", .serialized)
struct SimulateEndToEndTests {
  @Test("a job published to a broker is the job written to a file, message for message")
  func publishedEqualsWritten() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let file = dir.appendingPathComponent("job.jsonl.gz").path
    let args = [
      "simulate", "print-job", "--duration", "1m", "--heaters", "virtual", "--seed", "5", "--start",
      "2025-11-25T11:00:00Z", "--quiet",
    ]
    let written = try mqttDumper(args + ["--output", file])
    #expect(written.status == 0, "\(written.stderr)")
    let expected = messages(try readAll(file).records)

    let capture = dir.appendingPathComponent("received.jsonl.gz").path
    let recorder = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "octoPrint/#", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)
    let published = try mqttDumper(args + ["-p", "\(broker.port)", "--speed", "200"], timeout: 60)
    #expect(published.status == 0, "\(published.stderr)")
    usleep(400_000)
    recorder.signal(SIGINT)
    #expect(recorder.wait().status == 0)
    let received = messages(try readAll(capture).records)
    #expect(received.count == expected.count)
    // Per topic, the same payloads, QoS and retain flags in the same order (topics may interleave
    // differently where QoS 1 and 0 messages are due at the same moment).
    for topic in Set(expected.map(\.topic)) {
      let e = expected.filter { $0.topic == topic }
      let r = received.filter { $0.topic == topic }
      #expect(r.map(\.payload) == e.map(\.payload), "\(topic)")
      #expect(r.map(\.qos) == e.map(\.qos), "\(topic)")
      #expect(r.map(\.retain) == e.map(\.retain), "\(topic)")
    }
  }

  @Test("--homeassistant: configs parse and name published topics; a PRESS on hassControl/cancel cancels the job")
  func homeAssistantCancel() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let capture = dir.appendingPathComponent("received.jsonl.gz").path
    let recorder = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "octoPrint/#", "-t", "homeassistant/#", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)
    // An independent client waits for the job to be printing, then presses Home Assistant's cancel button.
    let waiter = try Running(
      try which("mosquitto_sub"),
      ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "octoPrint/event/ZChange", "-C", "3", "-W", "60"])
    let simulate = try startMQTTDumper([
      "simulate", "print-job", "--homeassistant", "--duration", "2m", "--heaters", "virtual", "--speed", "20",
      "-p", "\(broker.port)",
    ])
    #expect(waiter.wait(timeout: 60).status == 0, "the job never printed")
    try mosquittoPub(broker, ["-t", "octoPrint/hassControl/cancel", "-m", "PRESS"])
    let finished = simulate.wait(timeout: 60)
    #expect(finished.status == 0, "\(finished.stderr)")
    #expect(finished.stderr.contains("cancel (octoPrint/hassControl/cancel)"), "\(finished.stderr)")
    usleep(400_000)
    recorder.signal(SIGINT)
    #expect(recorder.wait().status == 0)
    // Read back with python3: the event order after the press, and every topic the configs name.
    let script = """
      import gzip, json, sys
      lines = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")][1:]
      msgs = [l for l in lines if "topic" in l]
      topics = {m["topic"] for m in msgs}
      order = []
      for m in msgs:
          t = m["topic"]
          if not t.startswith("octoPrint/event/"): continue
          name = t[len("octoPrint/event/"):]
          if name in ("ZChange", "CaptureStart", "CaptureDone", "plugin_achievements_achievement_unlocked"): continue
          p = json.loads(m["payload"])
          order.append(p["state_id"] if name == "PrinterStateChanged" else
                       "ChartMarked " + p["type"] if name == "ChartMarked" else name)
      print(" ".join(order[order.index("PrintCancelling"):]))
      configs = [m for m in msgs if m["topic"].startswith("homeassistant/")]
      missing = set()
      for c in configs:
          v = json.loads(c["payload"])
          named = [v.get("stat_t"), v.get("json_attr_t")] + [a["t"] for a in v.get("avty", [])]
          for n in named:
              if n is None: continue
              full = v["~"] + n[1:] if n.startswith("~") else n
              if full.endswith("/+"):
                  ok = any(t.startswith(full[:-1]) for t in topics)
              else:
                  ok = full in topics
              if not ok: missing.add(full)
      print(len(configs), len({c["topic"] for c in configs}), sorted(missing))
      """
    let r = try Running(try which("python3"), ["-c", script, capture]).wait(timeout: 30)
    let lines = r.stdoutText.split(separator: "\n").map(String.init)
    try #require(lines.count == 2, "\(r.stderr)")
    // Reference, "Cancel".
    #expect(
      lines[0]
        == "PrintCancelling CANCELLING PrintCancelled ChartMarked cancel GcodeScriptAfterPrintCancelledRunning "
        + "GcodeScriptAfterPrintCancelledFinished MetadataStatisticsUpdated PrintFailed MovieRendering OPERATIONAL "
        + "MovieDone")
    // 25 configs, announced three times at startup, each naming only topics that were published.
    #expect(lines[1] == "75 25 []")
  }

  @Test("the same seed and start write the same file byte for byte")
  func sameSeedSameBytes() throws {
    let dir = try temporaryDirectory()
    var contents: [Data] = []
    for name in ["a", "b"] {
      let path = dir.appendingPathComponent("\(name).jsonl.gz").path
      let r = try mqttDumper([
        "simulate", "print-job", "--seed", "9", "--start", "@1764068856", "--outcome", "paused-resumed", "--output",
        path, "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      contents.append(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    #expect(contents[0] == contents[1])
    // Another seed tells another story: the messages differ, not only the header that names the seed.
    let otherPath = dir.appendingPathComponent("c.jsonl.gz").path
    let other = try mqttDumper([
      "simulate", "print-job", "--seed", "10", "--start", "@1764068856", "--outcome", "paused-resumed", "--output",
      otherPath, "--quiet",
    ])
    #expect(other.status == 0, "\(other.stderr)")
    let seed9 = messages(try readAll(dir.appendingPathComponent("a.jsonl.gz").path).records).map(\.payload)
    let seed10 = messages(try readAll(otherPath).records).map(\.payload)
    #expect(!seed9.isEmpty && !seed10.isEmpty)
    #expect(seed9 != seed10)
  }

  @Test("bad simulate flags are named")
  func badFlags() throws {
    let r = try mqttDumper(["simulate", "print-job", "--outcome", "exploded"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("exploded"))
    let d = try mqttDumper(["simulate", "print-job", "--duration", "5s"])
    #expect(d.status == 2)
    #expect(d.stderr.contains("--duration '5s' must be a duration of at least 30s"))
  }
}
