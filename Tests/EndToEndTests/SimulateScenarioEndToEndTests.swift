import Foundation
import MQTTCapture
import Testing

@Suite("simulate --scenario against a real broker", .serialized)
struct SimulateScenarioEndToEndTests {
  @Test("--scenario --homeassistant: each printer's configs, availability offline and online around a restart")
  func homeAssistantFarm() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let scenario = dir.appendingPathComponent("farm.yaml").path
    try """
    seed: 4
    start: 2025-11-25T08:00:00Z
    printers:
      - name: a
        jobs:
          - duration: 30s
          - restart: 20s
          - duration: 30s
      - name: b
        jobs:
          - duration: 30s
    """.write(toFile: scenario, atomically: true, encoding: .utf8)
    let capture = dir.appendingPathComponent("received.jsonl.gz").path
    let recorder = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "octoPrint/#", "-t", "homeassistant/#", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)
    // About three minutes of print time in about a second.
    let simulate = try mqttDumper(
      [
        "simulate", "print-job", "--scenario", scenario, "--homeassistant", "--heaters", "virtual", "--timelapse",
        "off", "--speed", "200", "--quiet", "-p", "\(broker.port)",
      ], timeout: 60)
    #expect(simulate.status == 0, "\(simulate.stderr)")
    usleep(400_000)
    recorder.signal(SIGINT)
    #expect(recorder.wait().status == 0)
    // What the broker keeps, as a client that connects afterwards (Home Assistant starting) sees it: 25 configs
    // and the plugin flag per printer (-C, not -W: its alarm does not fire under the test runner, which blocks it).
    let retained = try Running(
      try which("mosquitto_sub"),
      [
        "-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "homeassistant/#", "-t", "octoPrint/+/mqtt",
        "--retained-only", "-v", "-C", "52",
      ]
    ).wait(timeout: 10)
    #expect(retained.status == 0, "\(retained.stderr)")
    let retainedFile = dir.appendingPathComponent("retained.txt").path
    try retained.stdout.write(to: URL(fileURLWithPath: retainedFile))

    // Read back with python3: per printer (by the configs' "~"), how often each config came and how many node ids;
    // the plugin flag's QoS 1 payloads; configs published while the printer was down; the broker's retained set.
    let script = """
      import gzip, json, sys
      msgs = [l for l in (json.loads(x) for x in gzip.open(sys.argv[1], "rt")) if "topic" in l]
      for p in ("a", "b"):
          base = "octoPrint/%s/" % p
          configs = [m for m in msgs if m["topic"].startswith("homeassistant/")
                     and json.loads(m["payload"])["~"] == base]
          ids = {json.loads(m["payload"])["device"]["ids"] for m in configs}
          flag = [m["payload"] for m in msgs if m["topic"] == base + "mqtt" and m["qos"] == 1]
          down, silent = False, 0
          for m in msgs:
              if m["topic"] == base + "mqtt" and m["qos"] == 1: down = m["payload"] == "disconnected"
              elif down and m in configs: silent += 1
          print(p, len(configs), len({m["topic"] for m in configs}), len(ids), " ".join(flag), silent)
      kept = {}
      for line in open(sys.argv[2]):
          topic, payload = line.rstrip("\\n").split(" ", 1)
          kept.setdefault(topic, []).append(payload)
      configs = {t: json.loads(v[0]) for t, v in kept.items() if t.startswith("homeassistant/")}
      for p in ("a", "b"):
          mine = [c for c in configs.values() if c["~"] == "octoPrint/%s/" % p]
          print(p, len(mine), len({c["device"]["ids"] for c in mine}), {c["device"]["name"] for c in mine},
                kept["octoPrint/%s/mqtt" % p])
      print(max(len(v) for v in kept.values()), len({c["device"]["ids"] for c in configs.values()}))
      """
    let r = try Running(try which("python3"), ["-c", script, capture, retainedFile]).wait(timeout: 30)
    let lines = r.stdoutText.split(separator: "\n").map(String.init)
    #expect(r.status == 0, "\(r.stderr)")
    // 25 configs per printer under one node id, announced three times per startup (twice for a, which restarted),
    // none while a was down; a's flag: the plugin's connected, the broker's last will, connected again.
    #expect(
      lines == [
        "a 150 25 1 connected disconnected connected 0",
        "b 75 25 1 connected 0",
        "a 25 1 {'OctoPrint a'} ['connected']",
        "b 25 1 {'OctoPrint b'} ['connected']",
        "1 2",
      ], "\(r.stderr)")
  }

  @Test("a file written with the companion names homeassistant/# in its header's subscriptions")
  func writtenHeader() throws {
    let dir = try temporaryDirectory()
    let scenario = dir.appendingPathComponent("one.yaml").path
    try "homeassistant: true\nprinters:\n  - jobs: [{duration: 30s}]\n".write(
      toFile: scenario, atomically: true, encoding: .utf8)
    let file = dir.appendingPathComponent("one.jsonl.gz").path
    let r = try mqttDumper(["simulate", "print-job", "--scenario", scenario, "--output", file, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let script = """
      import gzip, json, sys
      lines = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
      print(lines[0]["subscriptions"], sorted({l["topic"].split("/")[0] for l in lines[1:]}))
      """
    let py = try Running(try which("python3"), ["-c", script, file]).wait(timeout: 30)
    #expect(
      py.stdoutText
        == "[{'filter': 'octoPrint/#', 'qos': 2}, {'filter': 'homeassistant/#', 'qos': 2}] "
        + "['homeassistant', 'octoPrint']\n", "\(py.stderr)")
  }

  @Test("--scenario refuses --control and --printers, saying why")
  func refusals() throws {
    let control = try mqttDumper([
      "simulate", "print-job", "--scenario", "examples/farm-scenario.yaml", "--control", "sim/control",
    ])
    #expect(control.status == 2)
    #expect(
      control.stderr.contains(
        "--scenario takes no --control: its queues are planned ahead, so a cancelled or paused job would run into "
          + "the next job's planned start."), "\(control.stderr)")
    let printers = try mqttDumper([
      "simulate", "print-job", "--scenario", "examples/farm-scenario.yaml", "--printers", "3",
    ])
    #expect(printers.status == 2)
    #expect(printers.stderr.contains("--scenario names its printers itself and takes no --printers."))
  }
}
