import Glibc
import MQTTCapture

/// A verdict as JUnit XML, for CI systems: one test case per expected topic (and one per topic that came
/// unexpectedly), failing with the comparison report of that topic's differences.
public struct JUnitReport: Sendable {
  /// The suite's name in the report.
  public static let suiteName = "mqtt-dumper verify"
  /// The class name of every test case.
  public static let className = "mqtt-dumper.verify"

  /// The differences, grouped into test cases by topic.
  public var differences: [MessageDifference]
  /// What was expected: each topic of these is a test case.
  public var expected: [CapturedMessage]
  /// What came: counted per topic in a failing test case's report.
  public var received: [CapturedMessage]

  /// The report of `verdict`.
  public init(_ verdict: Verdict) {
    self.init(differences: verdict.differences, expected: verdict.expected, received: verdict.received)
  }

  /// A report of `differences` between `expected` and `received` messages.
  public init(differences: [MessageDifference], expected: [CapturedMessage], received: [CapturedMessage]) {
    self.differences = differences
    self.expected = expected
    self.received = received
  }

  /// The test cases' names: the expected topics in the order they first appear, then topics that only
  /// differences name.
  public var topics: [String] {
    var topics: [String] = []
    for t in expected.map(\.topic) + differences.map(\.topic) where !topics.contains(t) { topics.append(t) }
    return topics
  }

  /// The XML document, newline-terminated.
  public var xml: String {
    let topics = topics
    let failures = topics.filter { t in differences.contains { $0.topic == t } }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuite name=\"\(Self.suiteName)\" tests=\"\(topics.count)\" failures=\"\(failures)\">\n"
    for t in topics {
      xml += "  <testcase classname=\"\(Self.className)\" name=\"\(Self.escape(t))\""
      let mine = differences.filter { $0.topic == t }
      if mine.isEmpty {
        xml += "/>\n"
        continue
      }
      let report = ComparisonReport(
        mine, expected: expected.filter { $0.topic == t }.count, actual: received.filter { $0.topic == t }.count)
      xml += ">\n    <failure message=\"\(formatCount(mine.count, "difference")) on \(Self.escape(t))\">"
      xml += "\(Self.escape(report.description, mode: .text))</failure>\n  </testcase>\n"
    }
    xml += "</testsuite>\n"
    return xml
  }

  /// `s` with XML's special characters as entities, for text and attribute values, and controls made
  /// visible (`VisibleText`, a name by default): XML cannot hold most of them.
  static func escape(_ s: String, mode: VisibleText.Mode = .name) -> String {
    XMLText.escape(VisibleText.escape(s, mode: mode))
  }
}
