import Testing

@testable import MQTTCapture

@Suite("rewriting time fields for a replay")
struct TimeFieldsTests {
  /// 2026-11-26T01:02:03.456789Z
  let now = Timestamp(microseconds: 1_795_654_923_456_789)

  func rewrite(_ payload: String, _ fields: TimeFields = .octoPrint) -> String? {
    fields.rewrite(Array(payload.utf8), to: now).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test("OctoPrint's _timestamp: integer seconds, every other byte unchanged")
  func octoPrint() {
    #expect(
      rewrite(#"{"actual": 21.3, "target": 0.0, "_timestamp": 1764064800}"#)
        == #"{"actual": 21.3, "target": 0.0, "_timestamp": 1795654923}"#)
    // Spacing, key order and number spelling elsewhere stay as they were.
    #expect(rewrite(#"{ "a":1.50E2 ,"_timestamp" :1764064800 }"#) == #"{ "a":1.50E2 ,"_timestamp" :1795654923 }"#)
  }

  @Test(
    "each kind keeps its unit and precision",
    arguments: [
      ("1764064800", "1795654923"),
      ("1764064800123", "1795654923456"),
      ("1764064800123456", "1795654923456789"),
      ("1764064800.5", "1795654923.4"),
      ("1764064800.123456789", "1795654923.456789000"),
      (#""2025-11-25T10:00:00Z""#, #""2026-11-26T01:02:03Z""#),
      (#""2025-11-25T10:00:00.123+01:00""#, #""2026-11-26T01:02:03.456Z""#),
    ])
  func kinds(before: String, after: String) {
    let fields = TimeFields(paths: [["data", "time"]])
    #expect(rewrite(#"{"data": {"time": \#(before), "v": 1}}"#, fields) == #"{"data": {"time": \#(after), "v": 1}}"#)
  }

  @Test("only the named path; arrays, other kinds, non-JSON and broken JSON are left alone")
  func leftAlone() {
    let fields = TimeFields(paths: [["_timestamp"], ["data", "time"]])
    #expect(rewrite(#"{"time": 1764064800, "data": {"x": 1}}"#, fields) == nil)
    #expect(rewrite(#"{"data": [{"time": 1764064800}]}"#, fields) == nil)
    #expect(rewrite(#"{"_timestamp": "soon"}"#, fields) == nil)
    #expect(rewrite(#"{"_timestamp": 42}"#, fields) == nil)
    #expect(rewrite(#"{"_timestamp": -1764064800}"#, fields) == nil)
    #expect(rewrite("connected", fields) == nil)
    #expect(rewrite(#"{"_timestamp": 1764064800"#, fields) == nil)
    #expect(rewrite(#"{"_timestamp": 1764064800} x"#, fields) == nil)
    #expect(rewrite(#"{"a": "\"_timestamp\": 1764064800"}"#, fields) == nil)
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(rewrite(deep, fields) == nil)
  }

  @Test("paths: dots join keys, a leading dot is allowed, empty keys are not")
  func paths() {
    #expect(TimeFields.path("data.time") == ["data", "time"])
    #expect(TimeFields.path(".data.time") == ["data", "time"])
    #expect(TimeFields.path("_timestamp") == ["_timestamp"])
    #expect(TimeFields.path("") == nil)
    #expect(TimeFields.path("a..b") == nil)
    #expect(TimeFields.path("a.") == nil)
  }
}
