import MQTTCapture
import Testing

@testable import MQTTAnalysis

/// The AsyncAPI YAML of `messages`, read back and used to check them: the violations (none expected).
private func roundTrip(_ messages: [CapturedMessage]) throws -> (yaml: String, violations: [String]) {
  let yaml = try SchemaText.yaml(infer(messages).asyncAPI(title: "t"))
  var check = SchemaCheck(contract: try SchemaContract(document: try SchemaText.parse(Array(yaml.utf8))))
  var lines: [String] = []
  for (n, m) in messages.enumerated() { lines += check.check(m, number: n + 1) }
  return (yaml, lines)
}

@Suite("AsyncAPI documents stay readable") struct AsyncAPIDocumentTests {
  @Test("an example that repeats a member name is left out with a description; the YAML reads back")
  func repeatedKey() throws {
    let messages = [message("d", #"{"a": 1, "a": "x"}"#), message("n", #"{"o": [{"b": 1, "b": 2}]}"#)]
    let (yaml, violations) = try roundTrip(messages)
    #expect(violations == [])
    #expect(!yaml.contains("examples:\n      - payload:"))
    for key in ["a", "b"] {
      #expect(
        yaml.contains(
          "description: 'The captured example is left out: an object in it repeats the member name \"\(key)\", which a YAML or AsyncAPI document cannot hold.'"
        ), "\(yaml)")
    }
    #expect(AsyncAPIDocumentTests.examples(yaml) == 0)
    // Without a repeated name the example is there.
    #expect(AsyncAPIDocumentTests.examples(try roundTrip([message("d", #"{"a": 1}"#)]).yaml) == 1)
  }

  @Test("a level holding a brace is a parameter of one enum value, which check reads as that level")
  func braceLevel() throws {
    let messages =
      [message("a/{x}/s", "1"), message("a/b/s", #"{"v": 1}"#)]
      + (1...3).map { message("q/{y}/\($0)", "true") } + (1...3).map { message("q/z/\($0)", #""s""#) }
    let result = infer(messages)
    #expect(result.channels.map(\.address) == ["a/{level2}/s", "a/b/s", "q/{level2}/{level3}", "q/z/{zId}"])
    let (yaml, violations) = try roundTrip(messages)
    #expect(violations == [])
    #expect(
      yaml.contains(
        "    parameters:\n      level2:\n        description: 'Topic level 2, which holds a brace: always this value.'\n"
          + "        enum:\n        - '{x}'\n"), "\(yaml)")
    let contract = try SchemaContract(document: try SchemaText.parse(Array(yaml.utf8)))
    #expect(contract.entries.map(\.filter) == ["a/{x}/s", "a/b/s", "q/{y}/+", "q/z/+"])
  }

  @Test("messages on the empty topic are left out with a note; the rest is described")
  func emptyTopic() throws {
    let result = infer([message("", "1"), message("a", "2"), message("", "3")])
    #expect(result.channels.map(\.filter) == ["a"])
    #expect(result.messageCount == 1)
    #expect(
      result.notes == [
        "2 messages on the empty topic, which MQTT does not allow and no topic filter can name, are not described."
      ])
    _ = try SchemaContract(document: result.jsonSchema(title: "t"))
    _ = try SchemaContract(document: result.asyncAPI(title: "t"))
  }

  static func examples(_ yaml: String) -> Int {
    yaml.split(separator: "\n").filter { $0.trimmingPrefix(while: { $0 == " " }) == "examples:" }.count
  }
}
