import Foundation
import MQTTCapture
import Testing

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// `Tests/Scripts/<name>`.
private func script(_ name: String) -> String {
  repoRoot.appendingPathComponent("Tests/Scripts/\(name)").path
}

/// The python3 that has jsonschema and PyYAML (`make test` installs them): $PYTHON, else the first python3 on
/// PATH, resolved to the real executable (pyenv's shims are scripts).
private let schemaPython: String? = {
  let environment = ProcessInfo.processInfo.environment
  if let explicit = environment["PYTHON"] { return explicit }
  let candidates = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" } + ["/usr/bin/python3"]
  for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
    guard let running = try? Running(candidate, ["-c", "import sys, jsonschema, yaml; print(sys.executable)"])
    else { continue }
    let result = running.wait(timeout: 30)
    let path = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    if result.status == 0 && !path.isEmpty { return path }
  }
  return nil
}()

private func python() throws -> String {
  guard let schemaPython else {
    throw TestFailure("python3 with jsonschema and PyYAML is not installed; `make test` installs them (pip)")
  }
  return schemaPython
}

private func capturedMessages(_ path: String) throws -> Int {
  try messages(try readAll(path).records).count
}

@Suite("schema and check, end to end") struct SchemaEndToEndTests {
  static let captures = [
    "octoprint-2017-document", "print-2017", "print-cancelled", "print-done", "print-paused-resumed",
  ]

  @Test(
    "every payload of every shipped capture validates (Python jsonschema) against the schema inferred from it",
    arguments: captures)
  func inferredSchemaValidatesEveryPayload(name: String) throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = repoRoot.appendingPathComponent("captures/\(name).jsonl.gz").path
    let schema = dir.appendingPathComponent("schema.json").path
    let written = try mqttDumper(["schema", capture, "-o", schema])
    #expect(written.status == 0, "\(written.stderr)")
    #expect(written.stdoutText == "")
    let count = try capturedMessages(capture)
    let validated = try Running(try python(), [script("validate_schema.py"), schema, capture]).wait(timeout: 60)
    #expect(validated.stdoutText == "\(count) payloads, 0 invalid\n", "\(validated.stderr)")
    let checked = try mqttDumper(["check", capture, "--schema", schema])
    #expect(checked.status == 0, "\(checked.stderr)")
    #expect(checked.stdoutText == "\(formatCount(count, "message")) checked: no violations.\n")
  }

  @Test("--format asyncapi writes AsyncAPI 3.0 YAML (and JSON with --json) whose channels cover every topic")
  func asyncAPIStructure() throws {
    let capture = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path
    let yaml = try mqttDumper(["schema", "--format", "asyncapi", capture])
    #expect(yaml.status == 0, "\(yaml.stderr)")
    #expect(yaml.stdoutText.hasPrefix("asyncapi: 3.0.0\ninfo:\n  title: MQTT payloads of print-done.jsonl.gz\n"))
    let fromYAML = try Running(try python(), [script("check_asyncapi.py"), capture], stdin: yaml.stdout).wait(
      timeout: 30)
    // 5 channels; 24 kinds of message: one per event OctoPrint and its achievements plugin publish, and the rest.
    #expect(fromYAML.stdoutText == "ok 5 channels 24 messages\n", "\(fromYAML.stderr)")
    let json = try mqttDumper(["schema", "--format", "asyncapi", "--json", capture])
    let fromJSON = try Running(try python(), [script("check_asyncapi.py"), capture, "--json"], stdin: json.stdout)
      .wait(timeout: 30)
    #expect(fromJSON.stdoutText == "ok 5 channels 24 messages\n", "\(fromJSON.stderr)")
    // The event family and the temperature wildcard, as addresses with parameters.
    #expect(yaml.stdoutText.contains("    address: octoPrint/event/{event}\n"))
    #expect(yaml.stdoutText.contains("    address: octoPrint/temperature/{temperatureId}\n"))
    // check reads the AsyncAPI document too.
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("api.yaml")
    try yaml.stdout.write(to: path)
    let checked = try mqttDumper(["check", capture, "--schema", path.path])
    #expect(checked.status == 0, "\(checked.stderr)")
    let count = formatCount(messages(try readAll(capture).records).count)
    #expect(checked.stdoutText == "\(count) messages checked: no violations.\n")
  }

  // MARK: - check

  static let contract = #"""
    {"x-mqtt-channels": {"octoPrint/temperature/+": {"$ref": "#/$defs/temperature"}},
     "$defs": {"temperature": {"type": "object", "properties": {"actual": {"type": "number"}, "target": {"type": "number"}},
                               "required": ["actual", "target"]}}}
    """#

  private func temperatures(
    _ second: String, extra: [CapturedMessage] = [], in dir: URL, name: String = "source.jsonl.gz"
  ) throws -> String {
    func m(_ topic: String, _ payload: String) -> CapturedMessage {
      CapturedMessage(
        timestamp: Timestamp(microseconds: 1_764_064_800_000_000), topic: topic, payload: Array(payload.utf8))
    }
    return try writeCapture(
      [
        m("octoPrint/temperature/tool0", #"{"actual": 20.5, "target": 0}"#),
        m("octoPrint/temperature/tool0", second),
        m("octoPrint/temperature/bed", #"{"actual": 21, "target": 60.0}"#),
      ] + extra, in: dir, name: name)
  }

  @Test("check: a wrong type is one exact line and exit 1; a clean capture exits 0; --junit says the same")
  func checkViolations() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = dir.appendingPathComponent("schema.json").path
    try Self.contract.write(toFile: schema, atomically: true, encoding: .utf8)
    let bad = try temperatures(#"{"actual": "n/a", "target": 0}"#, in: dir)
    let junit = dir.appendingPathComponent("check.xml").path
    let failed = try mqttDumper(["check", bad, "--schema", schema, "--junit", junit])
    #expect(failed.status == 1, "\(failed.stderr)")
    #expect(
      failed.stdoutText == """
        octoPrint/temperature/tool0 #2: .actual: expected number, got string "n/a"
        3 messages checked: 1 violation in 1 message.

        """)
    #expect(failed.stderr == "")
    let xml = try Running(
      try python(),
      [
        "-c",
        """
        import sys, xml.etree.ElementTree as ET
        suite = ET.parse(sys.argv[1]).getroot()
        cases = suite.findall("testcase")
        print(suite.get("tests"), suite.get("failures"), [c.get("name") for c in cases],
              cases[0].find("failure").get("message"), cases[0].find("failure").text)
        """, junit,
      ]
    ).wait(timeout: 30)
    #expect(
      xml.stdoutText
        == "1 1 ['octoPrint/temperature/+'] 1 failing message of 3 octoPrint/temperature/tool0 #2: .actual: expected number, got string \"n/a\"\n",
      "\(xml.stderr)")

    let good = try temperatures(#"{"actual": 22, "target": 0}"#, in: dir, name: "good.jsonl.gz")
    let clean = try mqttDumper(["check", good, "--schema", schema])
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(clean.stdoutText == "3 messages checked: no violations.\n")
  }

  @Test("check: a topic the schema does not describe fails unless --allow-unknown-topics")
  func checkUnknownTopics() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = dir.appendingPathComponent("schema.json").path
    try Self.contract.write(toFile: schema, atomically: true, encoding: .utf8)
    let other = CapturedMessage(
      timestamp: Timestamp(microseconds: 1), topic: "octoPrint/mqtt", payload: Array("connected".utf8))
    let capture = try temperatures(#"{"actual": 22, "target": 0}"#, extra: [other, other], in: dir)
    let failed = try mqttDumper(["check", capture, "--schema", schema])
    #expect(failed.status == 1)
    #expect(
      failed.stdoutText == """
        octoPrint/mqtt #4: not described by the schema
        5 messages checked: no violations; 2 messages on 1 topic the schema does not describe.

        """)
    let allowed = try mqttDumper(["check", capture, "--schema", schema, "--allow-unknown-topics"])
    #expect(allowed.status == 0)
    #expect(
      allowed.stdoutText
        == "5 messages checked: no violations; 2 messages on 1 topic the schema does not describe (allowed).\n")
  }

  @Test("check: a schema that cannot be read or used is one sentence naming the file, exit 2")
  func checkBadSchema() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = try temperatures(#"{"actual": 22, "target": 0}"#, in: dir)
    let broken = dir.appendingPathComponent("broken.json").path
    try #"{"x-mqtt-channels": {"#.write(toFile: broken, atomically: true, encoding: .utf8)
    let result = try mqttDumper(["check", capture, "--schema", broken])
    #expect(result.status == 2)
    #expect(result.stdoutText == "")
    #expect(
      result.stderr
        == "mqtt-dumper: error: cannot use the schema \(broken): not valid JSON: expected a member name in quotes at byte 22.\n"
    )
    let dangling = dir.appendingPathComponent("dangling.json").path
    try ##"{"x-mqtt-channels": {"a/#": {"$ref": "#/$defs/none"}}}"##.write(
      toFile: dangling, atomically: true, encoding: .utf8)
    let unresolved = try mqttDumper(["check", capture, "--schema", dangling])
    #expect(unresolved.status == 2)
    #expect(
      unresolved.stderr
        == "mqtt-dumper: error: cannot use the schema \(dangling): its x-mqtt-channels entry \"a/#\" refers to #/$defs/none, which the document does not have.\n"
    )
    let missing = try mqttDumper(["check", capture, "--schema", dir.appendingPathComponent("none.json").path])
    #expect(missing.status == 2)
    #expect(missing.stderr.hasPrefix("mqtt-dumper: error: cannot read the schema "))
  }

  @Test("a fleet of 500 devices is two channels whose schema Python jsonschema accepts every payload against")
  func fleetChannels() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var messages: [CapturedMessage] = []
    for i in 0..<2_000 {
      let t = Timestamp(microseconds: Int64(i) * 100_000)
      messages.append(
        CapturedMessage(timestamp: t, topic: "fleet/dev\(i % 500)/temp", payload: Array(#"{"c": \#(i % 7)}"#.utf8)))
      messages.append(CapturedMessage(timestamp: t, topic: "fleet/dev\(i % 500)/online", payload: Array("true".utf8)))
    }
    let capture = try writeCapture(messages, in: dir)
    let schema = dir.appendingPathComponent("s.json").path
    let result = try mqttDumper(["schema", capture, "-o", schema])
    #expect(result.status == 0, "\(result.stderr)")
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schema)))
    let channels = (document as? [String: Any])?["x-mqtt-channels"] as? [String: Any]
    #expect(Set(channels?.keys ?? [:].keys) == ["fleet/+/temp", "fleet/+/online"])
    let validated = try Running(try python(), [script("validate_schema.py"), schema, capture]).wait(timeout: 60)
    #expect(validated.stdoutText == "4000 payloads, 0 invalid\n", "\(validated.stderr)")
  }

  /// `schema` of `messages`, as JSON Schema and AsyncAPI YAML, and `check` of the capture against each (and
  /// Python jsonschema against the JSON Schema): returns the JSON Schema's x-mqtt-channels filters.
  private func schemaPassesItsCapture(_ messages: [CapturedMessage]) throws -> [String] {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = try writeCapture(messages, in: dir)
    let schema = dir.appendingPathComponent("s.json").path
    let api = dir.appendingPathComponent("api.yaml").path
    for arguments in [["-o", schema], ["--format", "asyncapi", "-o", api]] {
      let written = try mqttDumper(["schema", capture] + arguments)
      #expect(written.status == 0, "\(written.stderr)")
    }
    let count = "\(messages.count)"
    let validated = try Running(try python(), [script("validate_schema.py"), schema, capture]).wait(timeout: 60)
    #expect(validated.stdoutText == "\(count) payloads, 0 invalid\n", "\(validated.stderr)")
    for document in [schema, api] {
      let checked = try mqttDumper(["check", capture, "--schema", document])
      #expect(checked.status == 0, "\(checked.stdoutText)")
      #expect(checked.stdoutText == "\(formatCount(messages.count, "message")) checked: no violations.\n")
    }
    let structure = try Running(
      try python(), [script("check_asyncapi.py"), capture],
      stdin: try Data(
        contentsOf: URL(fileURLWithPath: api))
    ).wait(timeout: 60)
    #expect(structure.stdoutText.hasPrefix("ok "), "\(structure.stderr)")
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schema)))
    let channels = (document as? [String: Any])?["x-mqtt-channels"] as? [String: Any]
    return (channels?.keys).map { Array($0).sorted() } ?? []
  }

  @Test("a fleet of lamps and one of thermostats under home/+/state are one channel the capture passes")
  func mixedFleetsOneFilter() throws {
    func m(_ i: Int, _ topic: String, _ payload: String) -> CapturedMessage {
      CapturedMessage(timestamp: Timestamp(microseconds: Int64(i) * 1_000), topic: topic, payload: Array(payload.utf8))
    }
    let six =
      (1...3).map { m($0, "home/lamp\($0)/state", #"{"on": true}"#) }
      + (1...3).map { m(3 + $0, "home/therm\($0)/state", #"{"temp": 21.5}"#) }
    #expect(try schemaPassesItsCapture(six) == ["home/+/state"])
    // 5,000 topics, past the 4,096 where folding starts: 90 % sensors, 10 % lights.
    let fleet = (0..<5_000).map { i in
      i % 10 == 9 ? m(i, "home/light\(i)/state", #"{"on": false}"#) : m(i, "home/sensor\(i)/state", #"{"t": 1}"#)
    }
    #expect(try schemaPassesItsCapture(fleet) == ["home/+/state"])
  }

  @Test("AsyncAPI of odd input stays a document check reads: a repeated member name, braces in a level, plurals")
  func oddAsyncAPIInput() throws {
    func m(_ topic: String, _ payload: String) -> CapturedMessage {
      CapturedMessage(timestamp: Timestamp(microseconds: 1), topic: topic, payload: Array(payload.utf8))
    }
    var messages = [m("d", #"{"a": 1, "a": "x"}"#), m("a/{x}/s", "1"), m("a/b/s", #"{"v": 2}"#)]
    for (plural, payload) in [("boxes", "1"), ("aliases", #""s""#), ("ids", "true"), ("news", "null")] {
      messages += (1...2).map { m("\(plural)/n\($0)", payload) }
    }
    #expect(
      try schemaPassesItsCapture(messages) == ["a/b/s", "a/{x}/s", "aliases/+", "boxes/+", "d", "ids/+", "news/+"])
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = try writeCapture(messages, in: dir)
    let yaml = try mqttDumper(["schema", "--format", "asyncapi", capture])
    let addresses = yaml.stdoutText.split(separator: "\n").filter { $0.hasPrefix("    address: ") }
    #expect(
      addresses.map { String($0.dropFirst(13)) } == [
        "d", "a/{level2}/s", "a/b/s", "boxes/{boxId}", "aliases/{aliasId}", "ids/{id}", "news/{newsId}",
      ])
    // The empty topic, which no filter can name, is left out with a warning; check says it is not described.
    let empty = try writeCapture([m("", "1"), m("t", "2")], in: dir, name: "empty.jsonl.gz")
    let schema = dir.appendingPathComponent("e.json").path
    let written = try mqttDumper(["schema", empty, "-o", schema])
    #expect(written.status == 0)
    #expect(
      written.stderr
        == "mqtt-dumper: warning: 1 message on the empty topic, which MQTT does not allow and no topic filter can name, is not described.\n"
    )
    let checked = try mqttDumper(["check", empty, "--schema", schema])
    #expect(checked.status == 1)
    #expect(
      checked.stdoutText
        == " #1: not described by the schema\n2 messages checked: no violations; 1 message on 1 topic the schema does not describe.\n"
    )
  }

  @Test("schema: bad input (deep nesting, binary, mixed shapes) is described with a warning, never a crash")
  func schemaBadInput() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    func m(_ topic: String, _ payload: [UInt8]) -> CapturedMessage {
      CapturedMessage(timestamp: Timestamp(microseconds: 1), topic: topic, payload: payload)
    }
    let capture = try writeCapture(
      [
        m("deep", Array(deep.utf8)), m("bin", [0xFF, 0xFE, 0x00]), m("mixed", Array("{\"a\":1}".utf8)),
        m("mixed", Array("[true]".utf8)), m("unclosed", Array(String(repeating: "[", count: 1_000).utf8)),
      ],
      in: dir)
    let schema = dir.appendingPathComponent("s.json").path
    let result = try mqttDumper(["schema", capture, "-o", schema])
    #expect(result.status == 0)
    #expect(result.stderr.contains("deep: 1 payload nests JSON deeper than 512 levels and are described as any value."))
    #expect(!result.stderr.contains("unclosed"))
    let validated = try Running(try python(), [script("validate_schema.py"), schema, capture]).wait(timeout: 60)
    #expect(validated.stdoutText == "5 payloads, 0 invalid\n", "\(validated.stderr)")
    // What the schema allows, check accepts: deep JSON is any value; the unclosed [[[… is text.
    let checked = try mqttDumper(["check", capture, "--schema", schema])
    #expect(checked.status == 0, "\(checked.stdoutText)")
    #expect(checked.stdoutText == "5 messages checked: no violations.\n")
  }
}

@Suite("verify --schema against a real broker", .serialized)
struct VerifySchemaEndToEndTests {
  /// The example consumer (examples/power-off-after-print.sh), publishing `payload` after PrintDone.
  private func startConsumer(_ broker: TestBroker, payload: String) throws -> Running {
    let consumer = try Running(
      "/bin/bash", [repoRoot.appendingPathComponent("examples/power-off-after-print.sh").path],
      environment: [
        "MQTT_HOST": "127.0.0.1", "MQTT_PORT": "\(broker.port)", "POWER_OFF_DELAY": "0", "POWER_PAYLOAD": payload,
        "POWER_TIMES": "1",
      ])
    usleep(500_000)  // its mosquitto_sub is subscribed
    return consumer
  }

  private func verify(_ broker: TestBroker, schema: String) throws -> Finished {
    try mqttDumper(
      [
        "verify", "--stimulus", repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path, "--speed",
        "600", "--watch", "home/#", "-p", "\(broker.port)", "--timeout", "3s", "--schema", schema,
      ], timeout: 60)
  }

  @Test("the consumer's messages are checked against the schema: a valid one passes, a wrong one fails with its line")
  func consumerAgainstSchema() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = dir.appendingPathComponent("home.schema.json").path
    try #"{"x-mqtt-channels": {"home/printer/power": {"enum": ["off"]}}}"#
      .write(toFile: schema, atomically: true, encoding: .utf8)
    for (payload, status, output) in [
      ("off", Int32(0), "schema: 1 message checked: no violations.\n"),
      (
        "on", Int32(1),
        "home/printer/power #1: .: expected one of \"off\", got string \"on\"\nschema: 1 message checked: 1 violation in 1 message.\n"
      ),
    ] {
      let broker = try TestBroker()
      let consumer = try startConsumer(broker, payload: payload)
      let result = try verify(broker, schema: schema)
      consumer.signal(SIGKILL)
      #expect(result.status == status, "\(payload): \(result.stderr)")
      #expect(result.stdoutText == output)
    }
  }

  @Test("a schema that cannot be used stops verify before the stimulus plays, exit 2")
  func unusableSchema() throws {
    let broker = try TestBroker()
    let result = try verify(broker, schema: "/nonexistent/schema.json")
    #expect(result.status == 2)
    #expect(result.stdoutText == "")
    #expect(
      result.stderr
        == "mqtt-dumper: error: cannot read the schema /nonexistent/schema.json: no such file, or not readable.\n")
  }
}
