import Foundation
import Testing

@testable import MQTTCapture

@Suite("capture records")
struct RecordTests {
  @Test("a message line is exactly the documented form")
  func documentedLine() throws {
    let m = CapturedMessage(
      timestamp: Timestamp(microseconds: 1_764_068_856_123_456), topic: "octoPrint/event/ZChange",
      payload: Array(#"{"new": 9.0}"#.utf8))
    var out: [UInt8] = []
    RecordEncoder.append(m, to: &out)
    #expect(
      String(decoding: out, as: UTF8.self)
        == #"{"ts":1764068856.123456,"topic":"octoPrint/event/ZChange","qos":0,"retain":false,"payload":"{\"new\": 9.0}"}"#
        + "\n")
  }

  static let samples: [CapturedMessage] = [
    CapturedMessage(
      timestamp: Timestamp(microseconds: 1), topic: "a/b", payload: Array("héllo\n\"x\"".utf8), qos: .exactlyOnce,
      retain: true),
    CapturedMessage(
      timestamp: Timestamp(microseconds: 1_764_068_856_000_001), topic: "bin", payload: (0...255).map { UInt8($0) },
      qos: .atLeastOnce),
    CapturedMessage(timestamp: Timestamp(microseconds: 1_764_068_856_500_000), topic: "empty", payload: []),
    CapturedMessage(
      timestamp: Timestamp(microseconds: 1_764_068_856_999_999), topic: "big",
      payload: [UInt8](repeating: 0x7A, count: 1_000_000)),
    CapturedMessage(
      timestamp: Timestamp(microseconds: 1_764_068_857_000_000), topic: "props", payload: Array("{}".utf8),
      properties: MQTTProperties(
        contentType: "application/json", payloadFormatIndicator: 1, messageExpiryInterval: 60, responseTopic: "r/t",
        correlationData: [0, 1, 2, 255], userProperties: [MQTTUserProperty("k", "v"), MQTTUserProperty("k", "w")])),
  ]

  @Test("messages round-trip through a line", arguments: samples)
  func roundTrip(message: CapturedMessage) throws {
    var out: [UInt8] = []
    RecordEncoder.append(message, to: &out)
    #expect(out.last == 0x0A)
    let line = out.dropLast()
    let decoded = try line.withUnsafeBytes { try RecordDecoder.decode($0) }
    #expect(decoded == .message(message))
  }

  @Test("binary payloads are base64, UTF-8 payloads text")
  func payloadChoice() {
    var out: [UInt8] = []
    RecordEncoder.append(Self.samples[1], to: &out)
    RecordEncoder.append(Self.samples[0], to: &out)
    let text = String(decoding: out, as: UTF8.self)
    #expect(text.contains(#""payload_b64":"AAECAwQFBgcICQ"#))
    #expect(text.contains(#""payload":"héllo\n\"x\"""#))
  }

  @Test("unknown fields are ignored; missing ones are named")
  func decoding() throws {
    let record = try RecordDecoder.decode(#"{"ts":1.5,"topic":"t","payload":"p","future":{"x":[1]}}"#)
    #expect(
      record
        == .message(
          CapturedMessage(timestamp: Timestamp(microseconds: 1_500_000), topic: "t", payload: Array("p".utf8))))
    #expect(throws: RecordSyntaxError(message: "no \"topic\" string")) {
      try RecordDecoder.decode(#"{"ts":1,"payload":"p"}"#)
    }
    #expect(throws: RecordSyntaxError.self) {
      try RecordDecoder.decode(#"{"ts":1,"topic":"t","payload":"p","payload_b64":"AA=="}"#)
    }
    #expect(throws: RecordSyntaxError.self) { try RecordDecoder.decode(#"{"ts":1,"topic":"t","qos":3,"payload":"p"}"#) }
  }
}

extension CapturedMessage: CustomTestStringConvertible {
  /// Keeps test logs short: a 1 MB payload is not printed.
  public var testDescription: String { "\(topic) (\(payload.count) bytes, QoS \(qos.rawValue))" }
}

@Suite("record decoding fast path")
struct FastPathTests {
  @Test(
    "the fast path decodes exactly what the general decoder does, or leaves the line to it",
    arguments: [
      #"{"ts":1764068856.123456,"topic":"a/b","qos":1,"retain":true,"payload":"x\"y\\z\n\/"}"#,
      #"{"ts":1764068856.123456,"topic":"a/b","qos":0,"retain":false,"payload_b64":"AAEC/w=="}"#,
      #"{"topic":"t","ts":1.5,"payload":"p"}"#,
      #"{"ts":1,"topic":"t\u00e9","qos":2,"retain":false,"payload":"\ud83d\udda8"}"#,
      #"{"ts": 1, "topic": "spaced", "payload": "p"}"#,
      #"{"ts":1,"topic":"t","qos":0,"retain":false,"payload":"p","properties":{"content_type":"x"}}"#,
      #"{"ts":1,"topic":"t","qos":0,"retain":false,"payload":"p","future":1}"#,
      #"{"ts":1,"topic":"t","qos":0,"retain":false,"payload":"é"}"#,
    ])
  func agrees(line: String) throws {
    var copy = line
    let (fast, general) = try copy.withUTF8 { buffer in
      let raw = UnsafeRawBufferPointer(buffer)
      return (RecordDecoder.fastMessage(raw), try RecordDecoder.decodeGeneral(raw))
    }
    if let fast { #expect(CaptureRecord.message(fast) == general) }
    #expect(try RecordDecoder.decode(line) == general)
  }
}
