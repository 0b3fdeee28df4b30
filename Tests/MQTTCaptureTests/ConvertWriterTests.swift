import Foundation
import MQTTCapture
import Testing

/// A recording of given messages, for driving `Conversion` directly.
final class ListRecording: ForeignRecording {
  private var messages: [CapturedMessage]
  init(_ messages: [CapturedMessage]) { self.messages = messages }
  var losses: [String] { [] }
  func next() throws -> CapturedMessage? { messages.isEmpty ? nil : messages.removeFirst() }
}

@Suite("convert: CSV, mosquitto_sub JSON and capture output")
struct ConvertWriterTests {
  private let t0 = Timestamp(microseconds: 1_795_663_791_029_629)

  private var messages: [CapturedMessage] {
    [
      CapturedMessage(timestamp: t0, topic: "r/ret", payload: utf8("retained text"), qos: .atLeastOnce, retain: true),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 1), topic: "a,b \"c\"",
        payload: utf8(#"{"new": 9.0, "s": "a,b"}"#), qos: .exactlyOnce),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 2), topic: "a/bin",
        payload: utf8("bin") + [0x00, 0x01, 0xFF, 0xFE] + utf8(" end")),
      CapturedMessage(timestamp: Timestamp(microseconds: t0.microseconds + 3), topic: "a/nl", payload: utf8("x\ny")),
      CapturedMessage(timestamp: Timestamp(microseconds: t0.microseconds + 4), topic: "a/c1", payload: [0xC2, 0x85]),
      CapturedMessage(timestamp: Timestamp(microseconds: t0.microseconds + 5), topic: "a/empty", payload: []),
      CapturedMessage(
        timestamp: Timestamp(microseconds: t0.microseconds + 6), topic: "a/props", payload: utf8("Grüße ✓"),
        properties: MQTTProperties(
          contentType: "text/plain", payloadFormatIndicator: 1, messageExpiryInterval: 100, responseTopic: "resp/t",
          correlationData: [0x63, 0x00, 0xFF],
          userProperties: [MQTTUserProperty("k1", "v1"), MQTTUserProperty("k1", "v2")])),
    ]
  }

  @Test("CSV: header row, CRLF, quoting by RFC 4180, text or base64, properties counted as lost")
  func csv() throws {
    let dir = try ScratchDirectory()
    let path = dir.path("out.csv")
    let summary = try Conversion.run(
      ListRecording(messages), into: ConvertOutputFormat.csv.open(path: path, replace: false, source: "in"))
    let rows = [
      "time,topic,qos,retain,encoding,payload",
      "2026-11-26T03:29:51.029629Z,r/ret,1,true,text,retained text",
      #"2026-11-26T03:29:51.029630Z,"a,b ""c""",2,false,text,"{""new"": 9.0, ""s"": ""a,b""}""#,
      "2026-11-26T03:29:51.029631Z,a/bin,0,false,base64,YmluAAH//iBlbmQ=",
      "2026-11-26T03:29:51.029632Z,a/nl,0,false,base64,eAp5",
      "2026-11-26T03:29:51.029633Z,a/c1,0,false,base64,woU=",
      "2026-11-26T03:29:51.029634Z,a/empty,0,false,text,",
      "2026-11-26T03:29:51.029635Z,a/props,0,false,text,Grüße ✓",
    ]
    let expected = rows.map { $0 + "\r\n" }.joined()
    #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == expected)
    #expect(summary.messages == 7)
    #expect(summary.losses == ["CSV has no column for MQTT v5 properties: those of 1 message were left out"])
  }

  @Test("mosquitto-json: the lines mosquitto_sub -F %j writes, read back unchanged")
  func mosquittoJSON() throws {
    let dir = try ScratchDirectory()
    let path = dir.path("out.jsonl")
    _ = try Conversion.run(
      ListRecording(messages), into: ConvertOutputFormat.mosquittoJSON.open(path: path, replace: false, source: "in"))
    let lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A)
    #expect(lines.count == 7)
    #expect(
      String(decoding: lines[0], as: UTF8.self)
        == #"{"tst":"2026-11-26T03:29:51.029629Z+0000","topic":"r/ret","qos":1,"retain":1,"payloadlen":13,"payload":"retained text"}"#
    )
    #expect(
      Array(lines[2])
        == utf8(#"{"tst":"2026-11-26T03:29:51.029631Z+0000","topic":"a/bin","qos":0,"retain":0,"payloadlen":11,"#)
        + utf8(#""payload":"bin\u0000\u0001"#) + [0xFF, 0xFE] + utf8(#" end"}"#))
    #expect(
      String(decoding: lines[6], as: UTF8.self).hasPrefix(
        #"{"tst":"2026-11-26T03:29:51.029635Z+0000","topic":"a/props","qos":0,"retain":0,"payloadlen":11,"properties":{"user-properties":{"k1":"v1","k1":"v2"},"content-type":"text/plain","response-topic":"resp/t","correlation-data":"c\u0000"#
      ))
    let back = try readAll(try MosquittoJSONRecording(path: path))
    #expect(back == messages)
  }

  @Test("capture: the header's time is the first message's, its sources the input; time never runs backwards")
  func capture() throws {
    let dir = try ScratchDirectory()
    let path = dir.path("out.jsonl.gz")
    var input = messages
    input[3].timestamp = t0  // earlier than the message before
    let summary = try Conversion.run(
      ListRecording(input), into: ConvertOutputFormat.capture.open(path: path, replace: false, source: "sub.jsonl"))
    let reader = try CaptureReader(path: path)
    #expect(reader.isCompressed)
    #expect(reader.header.created == t0.rfc3339)
    #expect(reader.header.sources == ["sub.jsonl"])
    // A recording that says nothing of its origin: nothing invented.
    #expect(reader.header.broker == "unknown")
    #expect(reader.header.protocolName == "unknown")
    #expect(reader.header.subscriptions == [])
    var back: [CapturedMessage] = []
    while let record = try reader.next() {
      if case .message(let m) = record { back.append(m) }
    }
    var expected = input
    expected[3].timestamp = input[2].timestamp
    #expect(back == expected)
    #expect(summary.reordered == 1)
    #expect(
      summary.losses == [
        "1 message had a time earlier than the message before; they were given its time "
          + "(a capture's time never runs backwards)"
      ])
  }

  @Test("an existing output is refused unless replacing")
  func existing() throws {
    let dir = try ScratchDirectory()
    let path = try dir.file("exists.csv", utf8("x"))
    #expect(throws: CaptureError.fileExists(path: path)) {
      try ConvertOutputFormat.csv.open(path: path, replace: false, source: "in")
    }
    let out = try ConvertOutputFormat.csv.open(path: path, replace: true, source: "in")
    try out.close()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "time,topic,qos,retain,encoding,payload\r\n")
  }
}
