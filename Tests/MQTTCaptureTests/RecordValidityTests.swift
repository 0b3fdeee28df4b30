import Foundation
import Testing

@testable import MQTTCapture

/// A line's validity must not depend on which keys it has: the fast decoder (message lines without
/// `properties`) and the general one (everything else) accept the same lines, with the same result.
@Suite("record validity is the same on both decoding paths")
struct RecordValidityTests {
  /// Message lines the format rejects, as `{` + fields + `}`; each is also tried with `properties` added.
  static let invalid: [String] = [
    #""ts":01,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":1.,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":.5,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":-,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":1e,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":+1,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":0x10,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":1.5.5,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":"1","topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":faxxe,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":tru,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":trueish,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":0,"payload":"p""#,
    #""ts":1,"topic":"t","qos":3,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","qos":01,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","qos":1.0,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload":"p","payload_b64":"cA==""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload":"a\qb""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload_b64":"!!!!""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload_b64":"AAE""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload_b64":"AA\u0000=""#,
    #""ts":1,"qos":0,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":false"#,
  ]

  /// Valid message lines, including the forms the fast path hands to the general one.
  static let valid: [String] = [
    #""ts":1764068856.123456,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":0,"topic":"t","qos":2,"retain":true,"payload":"a\nb\"c\\u00e9""#,
    #""ts":-1.5,"topic":"t","qos":1,"retain":false,"payload_b64":"AAEC/w==""#,
    // Base64 decoded where it stands, and written with an escape (`\/`), which takes the copying way.
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload_b64":"AAEC\/w==""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload_b64":"""#,
    #""ts":1.7e9,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload":"\u00e9\ud83d\ude00""#,
    #""ts":1E+2,"topic":"t","qos":0,"retain":false,"payload":"p""#,
    #""ts":1,"topic":"t","payload":"p""#,
    #""ts":1,"topic":"t","qos":0,"retain":false,"payload":"p","future":[1]"#,
    // A repeated key: the first one counts, on both paths.
    #""ts":1,"topic":"first","topic":"second","qos":0,"qos":1,"retain":true,"retain":false,"payload":"p""#,
    #""ts":1,"ts":2,"topic":"t","payload":"p""#,
  ]

  private static func withoutProperties(_ fields: String) -> String { "{\(fields)}" }
  private static func withProperties(_ fields: String) -> String { "{\(fields),\"properties\":{}}" }

  private static func decode(_ line: String) throws -> CaptureRecord { try RecordDecoder.decode(line) }

  @Test("a line the format rejects is rejected with and without properties", arguments: invalid)
  func rejected(fields: String) {
    #expect(throws: RecordSyntaxError.self) { try Self.decode(Self.withoutProperties(fields)) }
    #expect(throws: RecordSyntaxError.self) { try Self.decode(Self.withProperties(fields)) }
    var line = Self.withoutProperties(fields)
    #expect(line.withUTF8 { RecordDecoder.fastMessage(UnsafeRawBufferPointer($0)) } == nil)
    #expect(line.withUTF8 { RecordDecoder.fastMessageTime(UnsafeRawBufferPointer($0)) } == nil)
  }

  /// String edge cases for the in-place check (`merge` copies the lines it vouches for unchanged).
  static let strings: [[UInt8]] = [
    Array("{\"ts\":1,\"topic\":\"t\",\"payload\":\"a\u{01}b\"}".utf8),  // a raw control byte
    Array("{\"ts\":1,\"topic\":\"t\tx\",\"payload\":\"p\"}".utf8),  // a raw tab in the topic
    Array(#"{"ts":1,"topic":"t","payload":"a\\qb"}"#.utf8),  // an escaped backslash: valid
    Array(#"{"ts":1,"topic":"t","payload":"a\"}"#.utf8),
    Array(#"{"ts":1,"topic":"t","payload":"\x"}"#.utf8),
    Array(#"{"ts":1,"topic":"t\","payload":"p"}"#.utf8),
    Array(#"{"ts":1,"topic":"t","payload":"p"#.utf8),
    Array(#"{"ts":1,"topic":"t","payload":"p"},"#.utf8),
    Array(#"{"ts":1,"topic":"t","payload":"p"} "#.utf8),
    Array(#"{"ts":1,"topic":"t","payload_b64":"cA="}"#.utf8),
    Array(#"{"ts":1,"topic":"t","payload_b64":"c\/A="}"#.utf8),
    Array(#"{"ts":4,"topic":"t","payload_b64":"AAEC/w=="}"#.utf8),
    Array(#"{"ts":2,"topic":"café","payload":"\"\n\\\/\t"}"#.utf8),
    Array("{\"ts\":2,\"topic\":\"caf\u{E9}/\u{1F600}\",\"payload\":\"\u{E9}\"}".utf8),
    // Not UTF-8: a lone lead byte; a sequence cut by an escape ("a", C3, \", A9).
    Array(#"{"ts":3,"topic":"t","payload":"a"#.utf8) + [0xC3] + Array(#""}"#.utf8),
    Array(#"{"ts":3,"topic":"t","payload":"a"#.utf8) + [0xC3, 0x5C, 0x22, 0xA9] + Array(#""}"#.utf8),
  ]

  @Test("the in-place check and the fast decoder accept the same lines, with the same time")
  func inPlaceCheck() throws {
    let lines = (Self.valid + Self.invalid).map { Array(Self.withoutProperties($0).utf8) } + Self.strings
    var accepted = 0
    for line in lines {
      let fast = line.withUnsafeBytes { RecordDecoder.fastMessage($0) }
      let time = line.withUnsafeBytes { RecordDecoder.fastMessageTime($0) }
      #expect(fast?.timestamp == time, "\(String(decoding: line, as: UTF8.self))")
      if fast != nil { accepted += 1 }
    }
    #expect(accepted >= 8)  // both sides of the check are exercised
  }

  @Test("a valid line decodes the same on the fast and the general path", arguments: valid)
  func accepted(fields: String) throws {
    var line = Self.withoutProperties(fields)
    let general = try line.withUTF8 { try RecordDecoder.decodeGeneral(UnsafeRawBufferPointer($0)) }
    #expect(try Self.decode(line) == general)
    if let fast = line.withUTF8({ RecordDecoder.fastMessage(UnsafeRawBufferPointer($0)) }) {
      #expect(.message(fast) == general)
    }
    // And with properties (the general path), the same message.
    guard case .message(let m) = general, case .message(let p) = try Self.decode(Self.withProperties(fields)) else {
      Issue.record("not a message")
      return
    }
    #expect(p == m)
  }

  @Test("the common line still takes the fast path")
  func fastPathTaken() {
    var line = #"{"ts":1764068856.123456,"topic":"t","qos":1,"retain":true,"payload":"p"}"#
    #expect(line.withUTF8 { RecordDecoder.fastMessage(UnsafeRawBufferPointer($0)) } != nil)
    #expect(line.withUTF8 { RecordDecoder.fastMessageTime(UnsafeRawBufferPointer($0)) } != nil)
  }
}
