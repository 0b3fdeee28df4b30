import Foundation
import MQTTCapture
import Testing

@Suite("convert: mosquitto_sub -v is not a catch-all")
struct ConvertVerboseHostileTests {
  private let start = at("2026-11-26T03:29:51.000000Z")

  @Test("a binary payload's newlines followed by junk that looks like `x y` stay in that payload")
  func binaryPayloadJoined() throws {
    let dir = try ScratchDirectory()
    // The junk lines each have a space, but what comes before it is no topic a client publishes to.
    let junk: [[UInt8]] = [
      utf8(" leading space"),  // empty topic
      [0x01, 0x02, 0x20, 0x78],  // control characters
      utf8("a+b x"), utf8("#x y"), utf8("a/# y"),  // wildcards
      [0xFF, 0xFE, 0x20, 0x79],  // not UTF-8
      [0x61, 0x00, 0x62, 0x20, 0x79],  // NUL
      [0x61, 0x7F, 0x20, 0x79],  // DEL
      [0xC2, 0x85, 0x20, 0x79],  // C1 (NEL)
      utf8("a\tb y"),  // tab
      utf8("nospace"),
    ]
    var payload = utf8("bin") + [0x00, 0xFF]
    for line in junk { payload += [0x0A] + line }
    let input = utf8("a/first one\nimg/raw ") + payload + utf8("\na/next (null)\n")
    let recording = try MosquittoVerboseRecording(path: try dir.file("v", input), start: start)
    let messages = try readAll(recording)
    #expect(
      messages == [
        CapturedMessage(timestamp: start, topic: "a/first", payload: utf8("one")),
        CapturedMessage(
          timestamp: Timestamp(microseconds: start.microseconds + 1000), topic: "img/raw", payload: payload),
        CapturedMessage(timestamp: Timestamp(microseconds: start.microseconds + 2000), topic: "a/next", payload: []),
      ])
    #expect(
      recording.losses.last
        == "11 lines that did not start with a topic and a space were taken as a payload's next line "
        + "(mosquitto_sub -v does not mark where a payload with newlines ends)")
  }

  @Test("which would-be topics start a message")
  func publishTopics() {
    for topic in [
      "a", "a/b", "octoPrint/event/ZChange", "/", "Grüße/✓", "a,b", "{x}", String(repeating: "t", count: 65535),
    ] {
      #expect(MosquittoVerboseRecording.isPublishTopic(ArraySlice(topic.utf8)), "\(topic.prefix(20))")
    }
    for bytes in [
      [], utf8("+"), utf8("a/+/b"), utf8("#"), [0x61, 0x00], [0x1B], [0x7F], [0xC2, 0x9F], [0xFF], [0xE2, 0x9C],
      utf8(String(repeating: "t", count: 65536)),
    ] {
      #expect(!MosquittoVerboseRecording.isPublishTopic(ArraySlice(bytes)), "\(bytes.prefix(8))")
    }
  }

  @Test("a first line that is no `topic payload` is refused, a capture's header by name")
  func foreignFirstLine() throws {
    let dir = try ScratchDirectory()
    for (input, reason) in [
      (
        utf8(#"{"mqtt_dumper_capture":1,"created":"2026-11-26T03:29:51Z"}"# + "\n"),
        "is a capture's header, not mosquitto_sub -v (convert tells a capture without --from)"
      ),
      (utf8(#"{"tst":"x","topic":"a b"}"# + "\n"), "is a JSON object, not mosquitto_sub -v"),
      (utf8("# mqtt-dumper\n\nRecord MQTT traffic\n"), "does not start with a topic and a space, not mosquitto_sub -v"),
      ([0xFF, 0x00, 0x20, 0x41, 0x0A], "does not start with a topic and a space, not mosquitto_sub -v"),
    ] {
      let path = try dir.file("f", input)
      let recording = try MosquittoVerboseRecording(path: path, start: start)
      #expect(throws: CaptureError.foreignInput(path: path, line: 1, reason: reason)) { try recording.next() }
    }
  }

  @Test("telling formats apart: every one of the first lines must look like `topic payload`")
  func detection() throws {
    let dir = try ScratchDirectory()
    let verbose = "a/b 1\nc/d {\"x\": 2}\ne (null)\nf g h\n\ni/j k\nthen anything: # + \u{01}\n"
    #expect(try ConvertFormat.detect(path: dir.file("v", utf8(verbose))) == .mosquittoVerbose)
    #expect(try ConvertFormat.detect(path: dir.file("one", utf8("a/b 1\n"))) == .mosquittoVerbose)
    // mqtt_recorder CSV of five fields (no time difference) is mqtt_recorder's.
    let fiveFields = "a/b,\"he said \"\"hi\"\", then\nleft\",0,False,1700000000.5\r\nc,d e,1,True,1700000001\r\n"
    #expect(try ConvertFormat.detect(path: dir.file("q2.csv", utf8(fiveFields))) == .mqttRecorder)
    for (name, text) in [
      ("readme.md", "# mqtt-dumper\n\nRecord MQTT traffic **losslessly** into compressed files\n"),
      ("heading", "a/b 1\nc/d 2\n## Usage\n"),
      ("five.csv", "name, age, city, x, y\nann, 3, rome, 1, 2\n"),
      ("quoted.csv", "\"a b\",c\n"),
      ("control", "a/b 1\na\u{01}b 2\n"),
      ("array", "[1, 2]\n"),
    ] {
      let path = try dir.file(name, utf8(text))
      #expect(
        throws: CaptureError.unknownFormat(path: path, reason: "its first line is none of the formats convert reads")
      ) { try ConvertFormat.detect(path: path) }
    }
  }
}

@Suite("convert: reading back the CSV convert writes")
struct CSVRecordingTests {
  private let t0 = Timestamp(microseconds: 1_795_663_791_029_629)

  @Test("capture → CSV → capture gives the same messages without their properties")
  func roundTrip() throws {
    let dir = try ScratchDirectory()
    let messages = [
      CapturedMessage(timestamp: t0, topic: "r/ret", payload: utf8("retained text"), qos: .atLeastOnce, retain: true),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 1), topic: "a,b \"c\"",
        payload: utf8(#"{"new": 9.0, "s": "a,b"}"#), qos: .exactlyOnce),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 2), topic: " sp ", payload: utf8("bin") + [0, 0xFF]),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 3), topic: "a/nl", payload: utf8("x\r\ny\n")),
      CapturedMessage(timestamp: Timestamp(microseconds: t0.microseconds + 4), topic: "a/empty", payload: []),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 999_999), topic: "a/props", payload: utf8(" Grüße ✓ "),
        properties: MQTTProperties(contentType: "text/plain", userProperties: [MQTTUserProperty("k", "v")])),
    ]
    for name in ["m.csv", "m.csv.gz"] {
      let csv = dir.path(name)
      _ = try Conversion.run(
        ListRecording(messages), into: ConvertOutputFormat.csv.open(path: csv, replace: false, source: "x"))
      #expect(try ConvertFormat.detect(path: csv) == .csv)
      let recording = try #require(try ConvertFormat.csv.open(path: csv))
      let back = try readAll(recording)
      var expected = messages
      expected[5].properties = MQTTProperties()
      #expect(back == expected)
      #expect(recording.losses == ["the CSV has no MQTT v5 properties: the messages have none"])
    }
  }

  @Test("a file without the header row, and rows that are not ours, are refused naming the line")
  func foreignRows() throws {
    let dir = try ScratchDirectory()
    let noHeader = try dir.file("n.csv", utf8("a/b,1,0,False,1700000000.5,0\r\n"))
    #expect(
      throws: CaptureError.foreignInput(
        path: noHeader, line: 1,
        reason: "is not the header row time,topic,qos,retain,encoding,payload, not the CSV convert --to csv writes")
    ) { try CSVRecording(path: noHeader) }
    let header = "time,topic,qos,retain,encoding,payload\r\n"
    let good = "2026-11-26T03:29:51.000001Z,a,0,FALSE,text,x\r\n"
    for (row, reason) in [
      ("2026-11-26T03:29:51Z,a,0,false,text", "has 5 fields instead of 6"),
      ("yesterday,a,0,false,text,x", "has a time of \"yesterday\""),
      ("2026-11-26T03:29:51Z,a,3,false,text,x", "has a QoS of \"3\""),
      ("2026-11-26T03:29:51Z,a,0,yes,text,x", "has a retain flag of \"yes\""),
      ("2026-11-26T03:29:51Z,a,0,false,hex,00", "has an encoding of \"hex\" instead of text or base64"),
      ("2026-11-26T03:29:51Z,a,0,false,base64,!!", "has a payload that is not base64"),
    ] {
      let path = try dir.file("r.csv", utf8(header + good + row + "\r\n"))
      let recording = try CSVRecording(path: path)
      #expect(
        try recording.next()
          == CapturedMessage(timestamp: at("2026-11-26T03:29:51.000001Z"), topic: "a", payload: utf8("x")))
      #expect(throws: CaptureError.foreignInput(path: path, line: 3, reason: reason + ", not a convert --to csv row")) {
        try recording.next()
      }
    }
  }
}

@Suite("convert: a capture into a capture")
struct ConvertCaptureToCaptureTests {
  @Test(
    "keeps its connection events (the gaps) and its header's broker, protocol and subscriptions; into CSV the events are counted as left out"
  )
  func keepsEvents() throws {
    let dir = try ScratchDirectory()
    let t = { (ms: Int64) in Timestamp(microseconds: 1_795_663_791_000_000 + ms * 1000) }
    let records: [CaptureRecord] = [
      .event(ConnectionEvent(kind: .connected, timestamp: t(0))),
      .message(CapturedMessage(timestamp: t(1), topic: "a", payload: utf8("1"))),
      .event(ConnectionEvent(kind: .disconnected, timestamp: t(2), reason: "broker went away")),
      .event(ConnectionEvent(kind: .connected, timestamp: t(900))),
      .message(CapturedMessage(timestamp: t(901), topic: "b", payload: utf8("2"), qos: .exactlyOnce, retain: true)),
    ]
    let input = dir.path("in.jsonl.gz")
    let header = CaptureHeader(
      created: "x", tool: "t", broker: "b:1883", protocolName: "mqttv311",
      subscriptions: [CaptureSubscription(filter: "a/#", qos: .atLeastOnce)])
    let writer = try CaptureWriter(path: input, header: header)
    for record in records { try writer.write(record) }
    try writer.close()

    let output = dir.path("out.jsonl.gz")
    let summary = try Conversion.run(
      CaptureRecording(path: input), into: ConvertOutputFormat.capture.open(path: output, replace: false, source: input)
    )
    #expect(summary.messages == 2)
    #expect(summary.losses == [])
    let reader = try CaptureReader(path: output)
    var back: [CaptureRecord] = []
    while let record = try reader.next() { back.append(record) }
    #expect(back == records)
    // Its origin is the input's, kept.
    #expect(reader.header.broker == "b:1883")
    #expect(reader.header.protocolName == "mqttv311")
    #expect(reader.header.subscriptions == header.subscriptions)
    #expect(reader.header.sources == [input])

    let csv = try Conversion.run(
      CaptureRecording(path: input),
      into: ConvertOutputFormat.csv.open(path: dir.path("o.csv"), replace: false, source: input))
    #expect(csv.losses == ["3 connection events of the capture left out (only messages are converted)"])
  }
}
