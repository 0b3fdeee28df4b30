import MQTTCapture
import Testing

@testable import MQTTAnalysis

@Suite("Payloads nested deeper than 512 levels") struct DeepPayloadTests {
  static let deep = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
  static let deepObject =
    String(repeating: #"{"k\u00e9": ["#, count: 600) + #""\ud83d\ude00", 1.5e3, null"#
    + String(repeating: "]}", count: 600)

  @Test("JSON at any depth is told from text that only starts like it")
  func anyDepth() {
    #expect(PayloadValue(Array(Self.deep.utf8)) == .tooDeep)
    #expect(PayloadValue(Array(Self.deepObject.utf8)) == .tooDeep)
    for text in [
      String(repeating: "[", count: 1_000), Self.deep + "]", Self.deep + " x", String(Self.deep.dropLast()),
      String(repeating: "[", count: 600) + "1," + String(repeating: "]", count: 600),
      String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "]", count: 600),
      String(repeating: #"["\u12"#, count: 600),
    ] {
      #expect(PayloadValue(Array(text.utf8)) == .text(text), "\(text.prefix(20))")
    }
  }

  @Test("an unclosed [[[… is described as text; deep JSON as any value, and check passes both")
  func describedAndChecked() throws {
    let unclosed = String(repeating: "[", count: 1_000)
    let messages = [message("deep", Self.deep), message("deep", Self.deepObject), message("unclosed", unclosed)]
    let result = infer(messages)
    #expect(
      result.channels.map { compact($0.schema) } == [
        #"{"description":"JSON nested deeper than 512 levels (2 payloads): not described."}"#,
        #"{"type":"string","contentMediaType":"text/plain","description":"Text that is not JSON, 1000 bytes; checked as a JSON string."}"#,
      ])
    #expect(result.channels[1].notes == [])
    for document in [result.jsonSchema(title: "t"), result.asyncAPI(title: "t")] {
      var check = SchemaCheck(contract: try SchemaContract(document: document))
      for (n, m) in messages.enumerated() { #expect(check.check(m, number: n + 1) == []) }
    }
  }

  @Test("deep JSON against a schema that constrains it cannot be checked: a violation")
  func constrained() throws {
    func lines(_ schema: String) throws -> [String] {
      var check = SchemaCheck(contract: try SchemaContract(document: try JSONParser.parse(schema)))
      return check.check(message("t", Self.deep), number: 1)
    }
    let violation = "t #1: .: JSON nested deeper than 512 levels cannot be checked against a schema that constrains it"
    #expect(try lines(#"{"type": "array"}"#) == [violation])
    #expect(try lines(#"{"anyOf": [{"type": "array"}, {"type": "object"}]}"#) == [violation])
    #expect(
      try lines(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"not": {}}}, "$ref": "#/$defs/a"}"##) == [violation])
    #expect(try lines(#"{"description": "any", "anyOf": [{"type": "null"}, true]}"#) == [])
    #expect(try lines(##"{"$defs": {"a": {"title": "x"}}, "allOf": [{"$ref": "#/$defs/a"}, {}]}"##) == [])
    #expect(try lines("true") == [])
  }
}
