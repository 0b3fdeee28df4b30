import MQTTCapture
import Testing

private func m(_ topic: String, _ payload: String, qos: MQTTQoS = .atMostOnce, retain: Bool = false) -> CapturedMessage
{
  CapturedMessage(
    timestamp: Timestamp(microseconds: 0), topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain)
}

@Suite("comparing captures")
struct ComparisonTests {
  @Test("JSON payloads are equal as values: key order and number spelling do not matter")
  func jsonAsValues() {
    let e = [m("t", #"{"new": 9.0, "old": 8.8}"#)]
    let a = [m("t", #"{"old":8.80,"new":9}"#)]
    #expect(CaptureComparison.compare(expected: e, actual: a).isEmpty)
    let exact = CaptureComparison.compare(expected: e, actual: a, options: ComparisonOptions(exact: true))
    #expect(exact.map(\.kind) == [.changed])
  }

  @Test("JSON payloads above largestValue are compared byte for byte, and the report says so")
  func largeAsBytes() {
    let e = [m("t", #"{"new": 9.0, "old": 8.8}"#), m("u", #"{"a": 1}"#)]
    let a = [m("t", #"{"old":8.80,"new":9}"#), m("u", #"{"a": 1}"#)]
    var options = ComparisonOptions()
    options.largestValue = 20
    let d = CaptureComparison.compare(expected: e, actual: a, options: options)
    #expect(d.map(\.kind) == [.changed])
    #expect(
      d.first?.details == [
        #"payload (24 → 20 bytes, compared byte for byte above 20): {"new": 9.0, "old": 8.8} → {"old":8.80,"new":9}"#
      ])
    options.largestValue = 24
    #expect(CaptureComparison.compare(expected: e, actual: a, options: options).isEmpty)
  }

  @Test("ignored fields, at any depth, do not count")
  func ignoredFields() {
    let e = [m("t", #"{"a": 1, "_timestamp": 100, "position": {"x": 1, "y": 2}}"#)]
    let a = [m("t", #"{"a": 1, "_timestamp": 200, "position": {"x": 5, "y": 2}}"#)]
    #expect(
      CaptureComparison.compare(
        expected: e, actual: a, options: ComparisonOptions(ignoredFields: ["_timestamp", "position.x"])
      ).isEmpty)
    let d = CaptureComparison.compare(expected: e, actual: a, options: ComparisonOptions(ignoredFields: ["_timestamp"]))
    #expect(d.count == 1)
    #expect(d.first?.details == [".position.x: 1 → 5"])
  }

  @Test("missing, extra and changed messages are told apart; topics may interleave")
  func kinds() {
    let e = [m("a", "1"), m("b", "x"), m("a", "2"), m("a", "3"), m("c", "gone")]
    let a = [m("b", "x"), m("a", "1"), m("a", "20"), m("a", "3"), m("a", "4"), m("d", "new")]
    let d = CaptureComparison.compare(expected: e, actual: a)
    #expect(
      d.map { "\($0.topic) \($0.kind.rawValue) #\($0.index)" } == [
        "a changed #2", "a extra #4", "c missing #1", "d extra #1",
      ])
    #expect(d[0].details == ["payload: 2 → 20"])
  }

  @Test("order within a topic matters, and so do QoS and retain unless told otherwise")
  func orderAndFlags() {
    let e = [m("a", "1"), m("a", "2")]
    let a = [m("a", "2"), m("a", "1")]
    #expect(!CaptureComparison.compare(expected: e, actual: a).isEmpty)
    let flags = CaptureComparison.compare(
      expected: [m("a", "1", qos: .atLeastOnce)], actual: [m("a", "1", retain: true)])
    #expect(flags.first?.details == ["QoS: 1 → 0", "retain: false → true"])
    #expect(
      CaptureComparison.compare(
        expected: [m("a", "1", qos: .atLeastOnce)], actual: [m("a", "1", retain: true)],
        options: ComparisonOptions(compareFlags: false)
      ).isEmpty)
  }
}
