import MQTTCapture
import Testing

private func m(_ topic: String, _ payload: String) -> CapturedMessage {
  CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: topic, payload: Array(payload.utf8))
}

@Suite("comparison reports")
struct ComparisonReportTests {
  @Test("no differences: one line with the count")
  func none() {
    #expect(ComparisonReport([], expected: 1234, actual: 1234).description == "no differences: 1,234 messages match\n")
  }

  @Test("per topic a line of counts and each difference, then a summary with what was expected and what came")
  func differences() {
    let e = [m("a", "1"), m("a", "2"), m("c", "gone")]
    let a = [m("a", "1"), m("a", "20"), m("d", "new"), m("d", "newer")]
    let report = ComparisonReport(CaptureComparison.compare(expected: e, actual: a), expected: e.count, actual: a.count)
    #expect(
      report.description == """
        a: 1 changed
          ~ #2 changed:
              payload: 2 → 20
        c: 1 missing
          - #1 expected, did not come: gone
        d: 2 extra
          + #1 came, not expected: new
          + #2 came, not expected: newer
        1 missing, 2 extra, 1 changed (3 expected, 4 came)

        """)
  }
}
