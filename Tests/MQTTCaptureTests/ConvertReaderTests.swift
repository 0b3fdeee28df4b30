import Foundation
import MQTTCapture
import Testing

/// A temporary directory, removed when the test ends.
final class ScratchDirectory {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-convert-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `bytes` to a file named `name` and returns its path.
  func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = url.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Every message of `recording`.
func readAll(_ recording: any ForeignRecording) throws -> [CapturedMessage] {
  var out: [CapturedMessage] = []
  while let m = try recording.next() { out.append(m) }
  return out
}

func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Time from an RFC 3339 text, for expectations.
func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

// The literal inputs below are lines that mosquitto_sub 2.0.11 and mqtt_recorder 1.4.0 (PyPI) wrote while
// recording a mosquitto 2.0.11 broker, copied byte for byte (a few cut down to fewer messages). HiveMQ
// mqtt-cli could not be run here (it is not in Debian or on PyPI): its input follows its source
// (JsonMqttPublish, Gson with pretty printing).

@Suite("convert: mosquitto_sub -F %j and %J")
struct MosquittoJSONRecordingTests {
  @Test("%j lines come back byte for byte: text, JSON text, control characters, non-UTF-8, empty, properties")
  func percentJ() throws {
    let dir = try ScratchDirectory()
    var input: [UInt8] = []
    input += utf8(
      #"{"tst":"2026-11-26T03:30:03.957674Z+0000","topic":"r/ret","qos":1,"retain":1,"payloadlen":13,"mid":1,"payload":"retained text"}"#
        + "\n")
    input += utf8(
      #"{"tst":"2026-11-26T03:29:51.684961Z+0000","topic":"a/json","qos":0,"retain":0,"payloadlen":68,"payload":"{\"new\": 9.0, \"old\": 8.8, \"big\": 12345678901234567890, \"s\":\"x\\u00e9\"}"}"#
        + "\n")
    input +=
      utf8(
        #"{"tst":"2026-11-26T03:29:51.721461Z+0000","topic":"a/latin1","qos":0,"retain":0,"payloadlen":9,"payload":"latin "#
      )
      + [0xE9, 0x74, 0xE9] + utf8("\"}\n")
    input += utf8(
      #"{"tst":"2026-11-26T03:29:51.729897Z+0000","topic":"a/ctl","qos":0,"retain":0,"payloadlen":27,"payload":"ctl \u0001\u001b[31m tab\there\nnewline"}"#
        + "\n")
    input += utf8(
      #"{"tst":"2026-11-26T03:29:51.733840Z+0000","topic":"a/empty","qos":0,"retain":0,"payloadlen":0,"payload":null}"#
        + "\n")
    input += utf8(
      #"{"tst":"2026-11-26T03:29:51.741975Z+0000","topic":"a/props","qos":0,"retain":0,"payloadlen":1,"properties":{"user-properties":{"k1":"v1","k1":"v2"},"content-type":"text/plain","response-topic":"resp/t","correlation-data":"abc","payload-format-indicator":1,"message-expiry-interval":100},"payload":"p"}"#
        + "\n")
    input += utf8(
      #"{"tst":"2026-11-26T04:30:04.924850Z+0100","topic":"a/props2","qos":2,"retain":0,"payloadlen":1,"mid":2,"properties":{"correlation-data":"c\u0001é","user-properties":{"na\"me":"va\\lue"}},"payload":"p"}"#
        + "\n")
    let recording = try MosquittoJSONRecording(path: try dir.file("j.jsonl", input))
    let messages = try readAll(recording)
    #expect(
      messages == [
        CapturedMessage(
          timestamp: at("2026-11-26T03:30:03.957674Z"), topic: "r/ret", payload: utf8("retained text"),
          qos: .atLeastOnce, retain: true),
        CapturedMessage(
          timestamp: at("2026-11-26T03:29:51.684961Z"), topic: "a/json",
          payload: utf8(#"{"new": 9.0, "old": 8.8, "big": 12345678901234567890, "s":"x\u00e9"}"#)),
        CapturedMessage(
          timestamp: at("2026-11-26T03:29:51.721461Z"), topic: "a/latin1", payload: utf8("latin ") + [0xE9, 0x74, 0xE9]),
        CapturedMessage(
          timestamp: at("2026-11-26T03:29:51.729897Z"), topic: "a/ctl",
          payload: utf8("ctl ") + [0x01, 0x1B] + utf8("[31m tab\there\nnewline")),
        CapturedMessage(timestamp: at("2026-11-26T03:29:51.733840Z"), topic: "a/empty", payload: []),
        CapturedMessage(
          timestamp: at("2026-11-26T03:29:51.741975Z"), topic: "a/props", payload: utf8("p"),
          properties: MQTTProperties(
            contentType: "text/plain", payloadFormatIndicator: 1, messageExpiryInterval: 100, responseTopic: "resp/t",
            correlationData: utf8("abc"), userProperties: [MQTTUserProperty("k1", "v1"), MQTTUserProperty("k1", "v2")])),
        CapturedMessage(
          timestamp: at("2026-11-26T03:30:04.924850Z"), topic: "a/props2", payload: utf8("p"), qos: .exactlyOnce,
          properties: MQTTProperties(
            correlationData: [0x63, 0x01, 0xC3, 0xA9], userProperties: [MQTTUserProperty("na\"me", "va\\lue")])),
      ])
    #expect(recording.losses == [])
  }

  @Test("a payload %j cut at a NUL byte is kept as written and counted")
  func cutAtNUL() throws {
    let dir = try ScratchDirectory()
    let line =
      #"{"tst":"2026-11-26T03:29:51.720781Z+0000","topic":"a/bin","qos":0,"retain":0,"payloadlen":11,"payload":"bin"}"#
    let text =
      #"{"tst":"2026-11-26T03:29:51.721000Z+0000","topic":"a/text","qos":0,"retain":0,"payloadlen":2,"payload":"hi"}"#
    let recording = try MosquittoJSONRecording(path: try dir.file("j", utf8(line + "\n" + text + "\n")))
    #expect(try readAll(recording).map(\.payload) == [utf8("bin"), utf8("hi")])
    #expect(
      recording.losses == [
        "mosquitto_sub -F %j cuts a payload at its first NUL byte: 1 payload cut short (their payloadlen is larger)"
      ])
  }

  @Test("%j or %J is decided once a file: a NUL cut that looks like a %J string, before and after JSON text")
  func formDecidedPerFile() throws {
    let dir = try ScratchDirectory()
    // mosquitto_sub 2.0.11 -F %j of bin\0\xff, {"a":1}, bin\0\xff: "bin" is 5 bytes written, as long as the payload.
    let cut =
      #"{"tst":"2026-11-26T03:29:51.720781Z+0000","topic":"a/bin","qos":0,"retain":0,"payloadlen":5,"payload":"bin"}"#
    let json =
      #"{"tst":"2026-11-26T03:29:51.730000Z+0000","topic":"a/json","qos":0,"retain":0,"payloadlen":7,"payload":"{\"a\":1}"}"#
    let j = try MosquittoJSONRecording(path: try dir.file("j", utf8([cut, json, cut, ""].joined(separator: "\n"))))
    #expect(try readAll(j).map(\.payload) == [utf8("bin"), utf8(#"{"a":1}"#), utf8("bin")])
    #expect(
      j.losses == [
        "mosquitto_sub -F %j cuts a payload at its first NUL byte: 2 payloads cut short (their payloadlen is larger)"
      ])
    // %J of "bin" (a JSON string, 5 bytes), {"a":1}, "bin": the same string line, kept with its quotes.
    let object =
      #"{"tst":"2026-11-26T03:29:51.730000Z+0000","topic":"a/json","qos":0,"retain":0,"payloadlen":7,"payload":{"a":1}}"#
    let capitalJ = try MosquittoJSONRecording(
      path: try dir.file("J", utf8([cut, object, cut, ""].joined(separator: "\n"))))
    #expect(try readAll(capitalJ).map(\.payload) == [utf8(#""bin""#), utf8(#"{"a":1}"#), utf8(#""bin""#)])
    #expect(capitalJ.losses == [])
    // Nothing else in the file: read as %j, and the warning says why.
    let alone = try MosquittoJSONRecording(path: try dir.file("alone", utf8(cut + "\n")))
    #expect(try readAll(alone).map(\.payload) == [utf8("bin")])
    #expect(
      alone.losses == [
        "mosquitto_sub -F %j cuts a payload at its first NUL byte: 1 payload cut short (their payloadlen is larger); "
          + "no line tells %j from %J, so the file was read as %j (if it is %J, these are JSON strings without "
          + "their quotes)"
      ])
  }

  @Test("messages held until the form is known come before a bad line's error")
  func heldBeforeError() throws {
    let dir = try ScratchDirectory()
    let cut =
      #"{"tst":"2026-11-26T03:29:51.720781Z+0000","topic":"a/bin","qos":0,"retain":0,"payloadlen":5,"payload":"bin"}"#
    let path = try dir.file("bad", utf8(cut + "\n" + #"{"topic":"a","qos":0,"payload":"x"}"# + "\n"))
    let recording = try MosquittoJSONRecording(path: path)
    #expect(try recording.next()?.payload == utf8("bin"))
    #expect(
      throws: CaptureError.foreignInput(path: path, line: 2, reason: #"has no "tst" time, not mosquitto_sub -F %j"#)
    ) { try recording.next() }
  }

  @Test("%J: JSON values as cJSON re-printed them, empty lines for other payloads counted as lost")
  func percentCapitalJ() throws {
    let dir = try ScratchDirectory()
    let text = """

      {"tst":"2026-11-26T03:29:51.684463Z+0000","topic":"a/json","qos":0,"retain":0,"payloadlen":68,"payload":{"new":9,"old":8.8,"big":1.2345678901234567e+19,"s":"xé"}}

      {"tst":"2026-11-26T03:29:51.698107Z+0000","topic":"a/num","qos":0,"retain":0,"payloadlen":2,"payload":42}
      {"tst":"2026-11-26T03:29:51.706598Z+0000","topic":"a/str","qos":0,"retain":0,"payloadlen":8,"payload":"quoted"}
      {"tst":"2026-11-26T03:29:51.733781Z+0000","topic":"a/empty","qos":0,"retain":0,"payloadlen":0,"payload":null}
      {"tst":"2026-11-26T03:29:51.758598Z+0000","topic":"a/json2","qos":0,"retain":0,"payloadlen":21,"payload":[1,2.5,true,null]}

      """
    let recording = try MosquittoJSONRecording(path: try dir.file("J", utf8(text)))
    let messages = try readAll(recording)
    #expect(messages.map(\.topic) == ["a/json", "a/num", "a/str", "a/empty", "a/json2"])
    #expect(
      messages.map { String(decoding: $0.payload, as: UTF8.self) } == [
        #"{"new":9,"old":8.8,"big":1.2345678901234567e+19,"s":"xé"}"#, "42", #""quoted""#, "", "[1,2.5,true,null]",
      ])
    #expect(
      recording.losses == [
        "mosquitto_sub -F %J writes an empty line for a payload that is not JSON: 2 messages lost",
        "mosquitto_sub -F %J re-prints JSON payloads: 2 payloads differ from what was sent in white space, "
          + "number spelling or escapes",
      ])
  }

  @Test("payloadlen tells a payload null (%J) from an empty one; a tst of Unix seconds is read too")
  func nullAndSeconds() throws {
    let dir = try ScratchDirectory()
    let text = """
      {"tst":1795663791.5,"topic":"a/null","qos":0,"retain":0,"payloadlen":4,"payload":null}
      {"tst":1795663791.6,"topic":"a/empty","qos":0,"retain":0,"payloadlen":0,"payload":null}

      """
    let messages = try readAll(try MosquittoJSONRecording(path: try dir.file("n", utf8(text))))
    #expect(messages.map(\.payload) == [utf8("null"), []])
    #expect(messages.map(\.timestamp.microseconds) == [1_795_663_791_500_000, 1_795_663_791_600_000])
  }

  @Test(
    "tst: local time with its offset, and plain RFC 3339",
    arguments: [
      ("2026-11-26T04:30:04.465677Z+0100", "2026-11-26T03:30:04.465677Z"),
      ("2026-11-26T03:30:04.465677Z+0000", "2026-11-26T03:30:04.465677Z"),
      ("2026-11-25T22:00:00.000001Z-0530", "2026-11-26T03:30:00.000001Z"),
      ("2026-11-26T03:30:04Z", "2026-11-26T03:30:04.000000Z"),
      ("2026-11-26T05:30:04.5+02:00", "2026-11-26T03:30:04.500000Z"),
    ])
  func tst(_ written: String, _ utc: String) {
    #expect(MosquittoJSONRecording.timestamp(written)?.rfc3339 == utc)
  }

  @Test("a line that is not mosquitto_sub's JSON is one sentence naming the file and line")
  func badLine() throws {
    let dir = try ScratchDirectory()
    let good =
      #"{"tst":"2026-11-26T03:29:51.689864Z+0000","topic":"a/text","qos":0,"retain":0,"payloadlen":2,"payload":"hi"}"#
    for (bad, reason) in [
      (#"{"tst":"2026-11-26T03:29:51.689864Z+0000","topic":"a/te"#, "is not JSON (unterminated string at byte 56)"),
      (#"{"topic":"a","qos":0,"payload":"x"}"#, #"has no "tst" time"#),
      (#"{"tst":"yesterday","topic":"a","qos":0,"payload":"x"}"#, #"has a "tst" that is not a time (yesterday)"#),
      (#"{"tst":"2026-11-26T03:29:51Z","topic":"a","qos":7,"payload":"x"}"#, #"has no "qos" of 0, 1 or 2"#),
    ] {
      let path = try dir.file("bad", utf8(good + "\n" + bad + "\n"))
      let recording = try MosquittoJSONRecording(path: path)
      #expect(try recording.next()?.topic == "a/text")
      #expect(throws: CaptureError.foreignInput(path: path, line: 2, reason: reason + ", not mosquitto_sub -F %j")) {
        try recording.next()
      }
    }
  }
}

@Suite("convert: mosquitto_sub -v")
struct MosquittoVerboseRecordingTests {
  @Test("topic and payload split at the first space, 1 ms apart, (null) empty, newlines joined")
  func lines() throws {
    let dir = try ScratchDirectory()
    var input = utf8("r/ret retained text\na/bin bin") + [0x00, 0x01, 0xFF, 0xFE] + utf8(" end\n")
    input += utf8("a/ctl ctl \u{01}\u{1B}[31m tab\there\nnewline\na/empty (null)\na b/space x y\n")
    let start = at("2026-11-26T03:29:51.000000Z")
    let recording = try MosquittoVerboseRecording(path: try dir.file("v", input), start: start)
    let messages = try readAll(recording)
    #expect(messages.map(\.topic) == ["r/ret", "a/bin", "a/ctl", "a/empty", "a"])
    #expect(
      messages.map(\.payload) == [
        utf8("retained text"), utf8("bin") + [0x00, 0x01, 0xFF, 0xFE] + utf8(" end"),
        utf8("ctl \u{01}\u{1B}[31m tab\there\nnewline"), [], utf8("b/space x y"),
      ])
    #expect(messages.map(\.timestamp.microseconds) == (0..<5).map { start.microseconds + Int64($0) * 1000 })
    #expect(messages.allSatisfy { $0.qos == .atMostOnce && !$0.retain })
    #expect(
      recording.losses == [
        "mosquitto_sub -v has no times, QoS, retain flags or properties: messages are 1 ms apart from "
          + "2026-11-26T03:29:51.000000Z, QoS 0, not retained",
        "mosquitto_sub -v puts a space between topic and payload: a topic with a space in it was cut at its first "
          + "space, and a payload (null) was taken as an empty one",
        "1 line that did not start with a topic and a space was taken as a payload's next line "
          + "(mosquitto_sub -v does not mark where a payload with newlines ends)",
      ])
  }
}

@Suite("convert: mqtt_recorder CSV")
struct MQTTRecorderRecordingTests {
  // mqtt_recorder 1.4.0, `--mode record --qos 2` without and with `--encode_b64`.
  private let text = utf8(
    "r/ret,retained text,1,True,1795664194.4302833,0.04315328598022461\r\n"
      + "a/json,\"{\"\"new\"\": 9.0, \"\"s\"\": \"\"a,b\"\"}\",1,False,1795664194.558068,0.12778472900390625\r\n"
      + "a/nl,\"line1\r\nline2\nq\"\"uote\",2,False,1795664194.5653484,0.0072803497314453125\r\n")
  private let base64 = utf8(
    "r/ret,cmV0YWluZWQgdGV4dA==,1,True,1795664194.3432357,0.051297903060913086\r\n"
      + "a/nl,bGluZTENCmxpbmUyCnEidW90ZQ==,2,False,1795664194.570608,0.012134313583374023\r\n"
      + "a/bin,YmluAAH/,0,False,1795664194.5755622,0.004954338073730469\r\n"
      + "a/empty,,0,False,1795664194.6179395,0.04237723350524902\r\n"
      + "a b/sp,IHgg,0,False,1795664194.6186235,0.0006840229034423828\r\n")

  @Test("text payloads: quoted fields with commas, quotes and line breaks")
  func textRows() throws {
    let dir = try ScratchDirectory()
    let recording = try MQTTRecorderRecording(path: try dir.file("t.csv", text))
    let messages = try readAll(recording)
    #expect(
      messages == [
        CapturedMessage(
          timestamp: Timestamp(microseconds: 1_795_664_194_430_283), topic: "r/ret", payload: utf8("retained text"),
          qos: .atLeastOnce, retain: true),
        CapturedMessage(
          timestamp: Timestamp(microseconds: 1_795_664_194_558_068), topic: "a/json",
          payload: utf8(#"{"new": 9.0, "s": "a,b"}"#), qos: .atLeastOnce),
        CapturedMessage(
          timestamp: Timestamp(microseconds: 1_795_664_194_565_348), topic: "a/nl",
          payload: utf8("line1\r\nline2\nq\"uote"), qos: .exactlyOnce),
      ])
    #expect(recording.losses.count == 3)
    #expect(recording.losses[1].contains("taken as text"))
  }

  @Test("base64 payloads are told apart from text and decoded; naming the encoding overrides")
  func base64Rows() throws {
    let dir = try ScratchDirectory()
    let path = try dir.file("b.csv", base64)
    let messages = try readAll(try MQTTRecorderRecording(path: path))
    #expect(messages.map(\.topic) == ["r/ret", "a/nl", "a/bin", "a/empty", "a b/sp"])
    #expect(
      messages.map(\.payload) == [
        utf8("retained text"), utf8("line1\r\nline2\nq\"uote"), utf8("bin") + [0, 1, 0xFF], [], utf8(" x "),
      ])
    let asText = try readAll(try MQTTRecorderRecording(path: path, payload: .text))
    #expect(asText[0].payload == utf8("cmV0YWluZWQgdGV4dA=="))
    #expect(try ConvertFormat.detect(path: path) == .mqttRecorder)
  }

  @Test("a row of another shape names its line")
  func badRow() throws {
    let dir = try ScratchDirectory()
    let path = try dir.file("x.csv", text + utf8("a,b,9,True,1.0,0\r\n"))
    let recording = try MQTTRecorderRecording(path: path, payload: .text)
    #expect(
      throws: CaptureError.foreignInput(path: path, line: 6, reason: #"has a QoS of "9", not an mqtt_recorder CSV row"#)
    ) {
      try readAll(recording)
    }
  }
}

@Suite("convert: HiveMQ mqtt-cli -J")
struct HiveMQJSONRecordingTests {
  @Test("pretty-printed objects one after the other: payload text or JSON, QoS names, properties")
  func objects() throws {
    let dir = try ScratchDirectory()
    let text = """
      {
        "topic": "a/json",
        "payload": {
          "new": 9.0,
          "s": "a \\u003d b"
        },
        "qos": "AT_LEAST_ONCE",
        "receivedAt": "2025-11-25 12:07:36",
        "retain": false
      }
      {
        "topic": "a/text",
        "payload": "hello world",
        "qos": "EXACTLY_ONCE",
        "receivedAt": "2025-11-25 12:07:37",
        "retain": true,
        "contentType": "text/plain",
        "payloadFormatIndicator": "UTF_8",
        "messageExpiryInterval": 1337,
        "responseTopic": "resp",
        "correlationData": "hello",
        "userProperties": [
          {
            "name": "name1",
            "value": "value1"
          },
          {
            "name": "name1",
            "value": "value2"
          }
        ]
      }

      """
    setenv("TZ", "UTC", 1)
    tzset()
    let recording = try HiveMQJSONRecording(path: try dir.file("h.json", utf8(text)))
    let messages = try readAll(recording)
    #expect(
      messages == [
        CapturedMessage(
          timestamp: at("2025-11-25T12:07:36Z"), topic: "a/json", payload: utf8(#"{"new":9.0,"s":"a = b"}"#),
          qos: .atLeastOnce),
        CapturedMessage(
          timestamp: at("2025-11-25T12:07:37Z"), topic: "a/text", payload: utf8("hello world"), qos: .exactlyOnce,
          retain: true,
          properties: MQTTProperties(
            contentType: "text/plain", payloadFormatIndicator: 1, messageExpiryInterval: 1337, responseTopic: "resp",
            correlationData: utf8("hello"),
            userProperties: [MQTTUserProperty("name1", "value1"), MQTTUserProperty("name1", "value2")])),
      ])
    #expect(recording.losses.count == 2)
    #expect(try ConvertFormat.detect(path: dir.path("h.json")) == .hivemqJSON)
  }

  @Test("an object that never ends names the line it started on")
  func cutOff() throws {
    let dir = try ScratchDirectory()
    let path = try dir.file("h.json", utf8("{\n  \"topic\": \"a\",\n  \"payload\": \"x"))
    #expect(
      throws: CaptureError.foreignInput(
        path: path, line: 1, reason: "starts an object that never ends, not HiveMQ mqtt-cli -J output")
    ) { try readAll(try HiveMQJSONRecording(path: path)) }
  }
}

@Suite("convert: telling formats apart")
struct ConvertFormatTests {
  @Test("each format from its start, gzip too; pcap and pcapng by their magic numbers")
  func detect() throws {
    let dir = try ScratchDirectory()
    let cases: [([UInt8], ConvertFormat)] = [
      (utf8(#"{"mqtt_dumper_capture":1,"created":"x"}"# + "\n"), .capture),
      (utf8(#"{"tst":"2026-11-26T03:29:51.684961Z+0000","topic":"a"}"# + "\n"), .mosquittoJSON),
      (utf8("\n\n" + #"{"tst":"2026-11-26T03:29:51.684961Z+0000","topic":"a"}"# + "\n"), .mosquittoJSON),
      (utf8("{\n  \"topic\": \"a\",\n"), .hivemqJSON),
      (utf8("r/ret,retained text,1,True,1795664194.4302833,0.04\r\n"), .mqttRecorder),
      (utf8("octoPrint/event/ZChange {\"new\": 9.0}\n"), .mosquittoVerbose),
      ([0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0], .pcap),
      ([0xA1, 0xB2, 0xC3, 0xD4, 0, 2, 0, 4], .pcap),
      ([0x4D, 0x3C, 0xB2, 0xA1, 2, 0, 4, 0], .pcap),
      ([0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0], .pcap),
      ([0x34, 0xCD, 0xB2, 0xA1, 2, 0, 4, 0], .pcap),
    ]
    for (i, (bytes, format)) in cases.enumerated() {
      #expect(try ConvertFormat.detect(path: dir.file("f\(i)", bytes)) == format)
    }
    // Gzip: the first line after decompression.
    let gz = dir.path("v.gz")
    let header = CaptureHeader(created: "x", tool: "t", broker: "b", protocolName: "mqttv5", subscriptions: [])
    let writer = try CaptureWriter(path: gz, header: header)
    try writer.close()
    #expect(try ConvertFormat.detect(path: gz) == .capture)
  }

  @Test("what is none of them is one sentence")
  func unknown() throws {
    let dir = try ScratchDirectory()
    for (bytes, reason) in [
      ([UInt8](), "it is empty"),
      ([0x00, 0x01, 0x02, 0x03, 0x04], "it starts with binary data that is no packet capture"),
      (utf8("justoneword\n"), "its first line is none of the formats convert reads"),
    ] {
      let path = try dir.file("u", bytes)
      #expect(throws: CaptureError.unknownFormat(path: path, reason: reason)) { try ConvertFormat.detect(path: path) }
    }
  }
}
