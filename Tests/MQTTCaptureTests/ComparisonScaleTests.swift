import Testing

@testable import MQTTCapture

private func classes(_ payloads: [String], _ options: ComparisonOptions = ComparisonOptions()) -> [Int] {
  var c = PayloadClasses(options)
  return payloads.map { c.classify(Array($0.utf8)) }
}

private func m(_ topic: String, _ payload: String) -> CapturedMessage {
  CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: topic, payload: Array(payload.utf8))
}

@Suite("comparison at scale")
struct ComparisonScaleTests {
  @Test("payload classes: the same number exactly when the comparison counts payloads equal")
  func payloadClasses() {
    #expect(
      classes(["a", "b", "a", "{\"x\": 1}", "{\"x\":1.0}", "{\"x\": 2}", "{\"x\": 1}"]) == [0, 1, 0, 2, 2, 3, 2])
    #expect(classes([#"{"a": 1, "b": [true, null, "s"]}"#, #"{"b":[true,null,"s"],"a":1e0}"#]) == [0, 0])
    #expect(classes(["{\"x\": 1}", "{\"x\":1.0}"], ComparisonOptions(exact: true)) == [0, 1])
    #expect(classes(["0", "-0", "1e400", "1E400", "\"1\"", "1"]) == [0, 0, 1, 2, 3, 4])
    // The first of repeated keys counts; ignored fields at any depth do not.
    #expect(classes([#"{"k": 1, "k": 2}"#, #"{"k": 1}"#, #"{"k": 2}"#]) == [0, 0, 1])
    let ignoring = ComparisonOptions(ignoredFields: ["t", "p.x"])
    #expect(
      classes(
        [#"{"t": 1, "p": {"x": 1, "y": 2}}"#, #"{"t": 9, "p": {"y": 2, "x": 7}}"#, #"{"p": {"y": 3}}"#], ignoring) == [
          0, 0, 1,
        ])
    // Text that is not JSON, and JSON that spells the same text differently.
    #expect(classes(["not json", "not json", "\"\\u0041\"", "\"A\""]) == [0, 0, 1, 1])
  }

  @Test("bytes numbers: equal exactly for equal bytes, nothing parsed; value classes asked for by those numbers")
  func bytesClasses() {
    var c = PayloadClasses(ComparisonOptions())
    let numbers = ["{\"x\": 1}", "{\"x\":1.0}", "{\"x\": 1}", "b"].map { c.bytesClass(Array($0.utf8)) }
    #expect(numbers == [0, 1, 0, 2])
    #expect(c.count == 0)
    #expect([1, 0, 2, 0].map { c.valueClass($0) } == [0, 0, 1, 0])
    #expect(c.classify(Array("{ \"x\" : 1e0 }".utf8)) == 0)
  }

  @Test("a topic whose messages carry the same bytes is equal without parsing; others still compare values")
  func oneBytesTopic() {
    let big = "[" + Array(repeating: #"{"a": 1}"#, count: 1000).joined(separator: ",") + "]"
    #expect(
      CaptureComparison.compare(expected: [m("x", big), m("y", "[1]")], actual: [m("x", big), m("y", "[1.0]")]).isEmpty)
    #expect(
      CaptureComparison.compare(expected: [m("x", big)], actual: [m("x", big), m("x", big)]).map(\.kind) == [.extra])
  }

  @Test("the value hash is the same for values compared equal, whatever the member order")
  func valueHash() throws {
    let x = try JSONParser.parse(#"{"a": {"b": 1, "c": [1, 2]}, "d": 0.5}"#)
    let y = try JSONParser.parse(#"{"d": 5e-1, "a": {"c": [1.0, 2], "b": 1}}"#)
    #expect(PayloadClasses.valueHash(x, ignoring: []) == PayloadClasses.valueHash(y, ignoring: []))
  }

  @Test("alignment: a longest common subsequence, index pairs in order")
  func alignment() {
    let pairs = CaptureComparison.alignment([1, 2, 3, 4], [2, 9, 4]).map { [$0.0, $0.1] }
    #expect(pairs == [[1, 0], [3, 2]])
    #expect(CaptureComparison.alignment([Int](), [1]).isEmpty)
  }

  @Test("many differing topics and long runs of changed messages: one line per topic, in order")
  func manyTopics() {
    let n = 3_000
    let e = (0..<n).map { m("t/\($0)", "\($0)") } + (0..<n).map { m("long", "e\($0)") }
    let a = (0..<n).map { m("t/\($0)", "\($0 + 1)") } + (0..<n).map { m("long", "a\($0)") }
    let d = CaptureComparison.compare(expected: e, actual: a)
    #expect(d.count == 2 * n)
    #expect(d.allSatisfy { $0.kind == .changed })
    let text = ComparisonReport(d, expected: e.count, actual: a.count).description
    #expect(text.hasPrefix("t/0: 1 changed\n  ~ #1 changed:\n      payload: 0 → 1\nt/1: 1 changed\n"))
    #expect(text.contains("long: 3,000 changed\n  ~ #1 changed:\n      payload: e0 → a0\n"))
    #expect(text.hasSuffix("0 missing, 0 extra, 6,000 changed (6,000 expected, 6,000 came)\n"))
  }

  @Test("a report groups a topic's differences even when they are not next to each other")
  func reportGroupsTopics() {
    let d = [
      MessageDifference(kind: .extra, topic: "b", index: 1, actual: ComparedMessage(m("b", "1"))),
      MessageDifference(kind: .missing, topic: "a", index: 1, expected: ComparedMessage(m("a", "x"))),
      MessageDifference(kind: .missing, topic: "b", index: 2, expected: ComparedMessage(m("b", "2"))),
    ]
    #expect(
      ComparisonReport(d, expected: 2, actual: 1).description == """
        b: 1 missing, 1 extra
          + #1 came, not expected: 1
          - #2 expected, did not come: 2
        a: 1 missing
          - #1 expected, did not come: x
        2 missing, 1 extra, 0 changed (2 expected, 1 came)

        """)
  }

  @Test("previews are cut after 80 characters without reading the whole payload")
  func preview() {
    #expect(
      CaptureComparison.preview(Array(String(repeating: "é", count: 80).utf8)) == String(repeating: "é", count: 80))
    #expect(
      CaptureComparison.preview(Array(String(repeating: "é", count: 81).utf8)) == String(repeating: "é", count: 80)
        + "…")
    #expect(CaptureComparison.preview([0xff, 0x00]) == "<2 bytes of binary>")
  }
}
