import Foundation
import MQTTCapture
import Testing

@Suite("JSON parsing and writing")
struct JSONTests {
  @Test("member order and number literals survive parsing and compact writing")
  func keepsOrderAndLiterals() throws {
    let text =
      #"{"new": 9.0, "_event": "ZChange", "old": 8.8, "big": 12345678901234567890, "huge": 1e400, "t": 5252.172917127609}"#
    let value = try JSONParser.parse(text)
    guard case .object(let members) = value else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.key) == ["new", "_event", "old", "big", "huge", "t"])
    #expect(value["new"] == .number("9.0"))
    #expect(value["big"] == .number("12345678901234567890"))
    #expect(value["huge"] == .number("1e400"))
    var out: [UInt8] = []
    JSONWriter.append(value, to: &out)
    #expect(
      String(decoding: out, as: UTF8.self)
        == #"{"new":9.0,"_event":"ZChange","old":8.8,"big":12345678901234567890,"huge":1e400,"t":5252.172917127609}"#)
  }

  @Test("escapes decode, including surrogate pairs")
  func escapes() throws {
    let value = try JSONParser.parse(#"["a\"b\\c\/d\n\t\u00e9\ud83d\udda8"]"#)
    #expect(value == .array([.string("a\"b\\c/d\n\té🖨")]))
  }

  @Test(
    "invalid JSON is rejected with a position",
    arguments: [
      "", "{", #"{"a" 1}"#, "[1,]", "01", "1.", "-", "tru", #""\x""#, #""\ud800""#, "[1] x", #"{"a":1,}"#,
      "\"tab\there\"",
    ])
  func rejectsInvalid(text: String) {
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
  }

  @Test("nesting deeper than the limit is an error, not a crash")
  func depthLimit() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep, maxDepth: 64) }
  }

  @Test("string escaping writes what JSONSerialization reads back")
  func writerEscapes() throws {
    let original = "quote \" backslash \\ newline \n nul \u{0} bell \u{7} é 🖨"
    var out: [UInt8] = []
    JSONWriter.appendString(original, to: &out)
    let decoded = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
    #expect(decoded == original)
  }
}

@Suite("UTF-8, base64 and timestamps")
struct EncodingTests {
  @Test(
    "UTF-8 validation agrees with the standard library",
    arguments: [
      [0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x96, 0xA8], [0xC0, 0x80], [0xED, 0xA0, 0x80],
      [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80], Array("plain ascii that is long enough".utf8),
      Array("long ascii then é".utf8), [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0xC3], [],
    ] as [[UInt8]])
  func utf8(bytes: [UInt8]) {
    #expect(isValidUTF8(bytes) == (String(validating: bytes, as: UTF8.self) != nil))
  }

  @Test("base64 matches Foundation for every length and decodes back")
  func base64() {
    for length in 0..<40 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      let encoded = Base64.encode(bytes)
      #expect(encoded == Data(bytes).base64EncodedString())
      #expect(Base64.decode(encoded) == bytes)
    }
    #expect(Base64.decode("not base64!") == nil)
  }

  @Test("ts literals are read and written without rounding")
  func timestamps() throws {
    let ts = try #require(Timestamp(decimal: "1764068856.123456"))
    #expect(ts.microseconds == 1_764_068_856_123_456)
    #expect(ts.description == "1764068856.123456")
    #expect(Timestamp(decimal: "1764068856")?.description == "1764068856.000000")
    #expect(Timestamp(decimal: "1764068856.1")?.description == "1764068856.100000")
    #expect(Timestamp(decimal: "1.764068856e9")?.description == "1764068856.000000")
    #expect(Timestamp(decimal: "abc") == nil)
    // Checked by hand against `date -u -d @1764068856`: Tue Nov 25 11:07:36 UTC 2025.
    #expect(ts.rfc3339 == "2025-11-25T11:07:36.123456Z")
  }
}

@Suite("string scanning and topic maps")
struct ScanAndMapTests {
  @Test("the eight-bytes-at-a-time scan finds the same byte as a plain loop")
  func scanMatchesNaive() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x61]
    for _ in 0..<2000 {
      let length = Int.random(in: 0..<40, using: &generator)
      let bytes = (0..<length).map { _ in
        Bool.random(using: &generator) ? UInt8(ascii: "a") : alphabet.randomElement(using: &generator)!
      }
      let start = length == 0 ? 0 : Int.random(in: 0..<length, using: &generator)
      let naive = bytes[start...].firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } ?? length
      let fast = bytes.withUnsafeBytes { firstJSONSpecialByte($0, from: start) }
      #expect(fast == naive, "\(bytes) from \(start)")
    }
  }

  @Test(
    "--map rules rewrite matching topics, carrying + and # over",
    arguments: [
      ("octoPrint/#=lab/printer-2/#", "octoPrint/event/ZChange", "lab/printer-2/event/ZChange"),
      ("octoPrint/#=lab/printer-2/#", "octoPrint", "lab/printer-2"),
      ("octoPrint/+/tool0=t/+/hotend", "octoPrint/temperature/tool0", "t/temperature/hotend"),
      ("a/+/c/#=x/+/#", "a/b/c/d/e", "x/b/d/e"),
      ("exact/topic=renamed", "exact/topic", "renamed"),
      ("octoPrint/#=lab/#", "home/power", "home/power"),
    ])
  func topicMap(rule: String, topic: String, expected: String) throws {
    let map = TopicMap(rules: [try #require(TopicMap.Rule(rule))])
    #expect(map.rewrite(topic) == expected)
    #expect(TopicMap(rules: [try #require(TopicMap.Rule(rule))], prefix: "sim/").rewrite(topic) == "sim/" + expected)
  }

  @Test(
    "rules that cannot be applied are refused", arguments: ["no-equals", "a/#=b/+", "a/+=b/#", "a/#/b=c", "=x", "a/#="])
  func badRules(rule: String) {
    #expect(TopicMap.Rule(rule) == nil)
  }
}
