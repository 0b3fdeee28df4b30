import MQTTCapture

/// Checks messages one at a time against a `SchemaContract` and keeps what a report needs, in memory
/// bounded by the number of filters and unknown topics (at most `lineLimit` lines kept per test case).
public struct SchemaCheck {
  /// The contract checked against.
  public let contract: SchemaContract
  /// Whether topics the contract does not describe are accepted.
  public var allowUnknownTopics: Bool
  /// The most violation lines printed for one message.
  public var perMessageLimit = 10
  /// The most lines a JUnit test case keeps.
  public var lineLimit = 100

  /// How many messages were checked.
  public private(set) var messages = 0
  /// How many violations were found (unknown topics not counted).
  public private(set) var violations = 0
  /// How many messages had at least one violation.
  public private(set) var failedMessages = 0
  /// The topics the contract does not describe, first seen first, with how many messages each.
  public private(set) var unknownTopics: [(topic: String, messages: Int)] = []
  private var unknownIndex: [String: Int] = [:]
  private var cases: [String: TestCase] = [:]

  private struct TestCase {
    var messages = 0
    var failures = 0
    var lines: [String] = []
  }

  /// A check against `contract`.
  public init(contract: SchemaContract, allowUnknownTopics: Bool = false) {
    self.contract = contract
    self.allowUnknownTopics = allowUnknownTopics
  }

  /// Whether the check failed: a violation, or an unknown topic when those are not allowed.
  public var failed: Bool { violations > 0 || (!allowUnknownTopics && !unknownTopics.isEmpty) }

  /// Checks the `number`th message and returns the lines to report, one per violation:
  /// `octoPrint/temperature/tool0 #57: .actual: expected number, got string "n/a"`, or, the first time
  /// an unknown topic is seen, `topic #12: not described by the schema` (unless allowed).
  public mutating func check(_ message: CapturedMessage, number: Int) -> [String] {
    messages += 1
    let shownTopic = VisibleText.name(message.topic, limit: 200)
    guard let entry = contract.entry(forTopic: message.topic) else {
      if let index = unknownIndex[message.topic] {
        unknownTopics[index].messages += 1
        return []
      }
      unknownIndex[message.topic] = unknownTopics.count
      unknownTopics.append((message.topic, 1))
      if allowUnknownTopics { return [] }
      let line = "\(shownTopic) #\(number): not described by the schema"
      record(line, in: "(unknown topics)", failed: true)
      return [line]
    }
    let found = contract.violations(of: message.payload, on: entry)
    var lines = found.prefix(perMessageLimit).map { "\(shownTopic) #\(number): \($0)" }
    if found.count > perMessageLimit {
      lines.append("\(shownTopic) #\(number): … and \(found.count - perMessageLimit) more violations")
    }
    violations += found.count
    if !found.isEmpty { failedMessages += 1 }
    record(lines, in: entry.filter, failed: !found.isEmpty)
    return lines
  }

  private mutating func record(_ line: String, in name: String, failed: Bool) {
    record([line], in: name, failed: failed)
  }

  private mutating func record(_ lines: [String], in name: String, failed: Bool) {
    var testCase = cases[name] ?? TestCase()
    testCase.messages += 1
    if failed { testCase.failures += 1 }
    for line in lines where testCase.lines.count < lineLimit { testCase.lines.append(line) }
    cases[name] = testCase
  }

  /// One sentence: `1,077 messages checked: 2 violations in 1 message; 1 topic the schema does not describe.`
  public var summary: String {
    var text = "\(formatCount(messages, "message")) checked: "
    text +=
      violations == 0
      ? "no violations" : "\(formatCount(violations, "violation")) in \(formatCount(failedMessages, "message"))"
    if !unknownTopics.isEmpty {
      let count = unknownTopics.reduce(0) { $0 + $1.messages }
      text +=
        "; \(formatCount(count, "message")) on \(formatCount(unknownTopics.count, "topic")) the schema does not describe"
      text += allowUnknownTopics ? " (allowed)" : ""
    }
    return text + "."
  }

  /// A JUnit XML report: one test case per channel of the contract (in its order) and one for unknown
  /// topics when there were any, failing with the violation lines.
  public var junitXML: String {
    var names = contract.entries.map(\.filter)
    if cases["(unknown topics)"] != nil { names.append("(unknown topics)") }
    let failing = names.filter { (cases[$0]?.failures ?? 0) > 0 }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuite name=\"mqtt-dumper check\" tests=\"\(names.count)\" failures=\"\(failing)\">\n"
    for name in names {
      xml += "  <testcase classname=\"mqtt-dumper.check\" name=\"\(Self.escape(name))\""
      guard let testCase = cases[name], testCase.failures > 0 else {
        xml += "/>\n"
        continue
      }
      var text = testCase.lines.joined(separator: "\n")
      if testCase.lines.count == lineLimit { text += "\n…" }
      let what = name == "(unknown topics)" ? "message" : "failing message"
      xml += ">\n    <failure message=\"\(formatCount(testCase.failures, what)) of \(testCase.messages)\">"
      xml += Self.escape(text) + "</failure>\n  </testcase>\n"
    }
    return xml + "</testsuite>\n"
  }

  /// XML text: markup characters as entities, characters XML 1.0 cannot hold as `\u{…}`.
  static func escape(_ text: String) -> String { XMLText.escape(text) }
}
