/// The report of a comparison for people, as `diff` and `verify` print it: per topic a line of counts and
/// each difference (`-` missing, `+` extra, `~` changed), then a summary with how many messages were
/// expected and how many came. Topics and payloads are shown through `VisibleText`.
///
/// ```
/// home/printer/power: 1 extra
///   + #2 came, not expected: off
/// 0 missing, 1 extra, 0 changed (1 expected, 2 came)
/// ```
public struct ComparisonReport: CustomStringConvertible, Sendable {
  /// The differences, in the order `CaptureComparison.compare` gives them.
  public var differences: [MessageDifference]
  /// How many messages were expected.
  public var expectedCount: Int
  /// How many messages came.
  public var actualCount: Int

  /// A report of `differences` between `expected` messages and `actual` ones (counts).
  public init(_ differences: [MessageDifference], expected: Int, actual: Int) {
    self.differences = differences
    self.expectedCount = expected
    self.actualCount = actual
  }

  /// The report, newline-terminated: `no differences: N messages match` when there are none.
  public var description: String {
    guard !differences.isEmpty else {
      return
        "no differences: \(expectedCount == 1 ? "1 message matches" : "\(formatCount(expectedCount)) messages match")\n"
    }
    // One pass: topics in the order they first appear, each with its differences and counts per kind (a
    // search through all differences per topic made this quadratic in the number of differing topics).
    let kinds = MessageDifference.Kind.allCases
    var topicSlot: [String: Int] = [:]
    var groups: [(topic: String, differences: [MessageDifference], counts: [Int])] = []
    var totals = [Int](repeating: 0, count: kinds.count)
    for d in differences {
      let k = kinds.firstIndex(of: d.kind)!
      totals[k] += 1
      if let g = topicSlot[d.topic] {
        groups[g].differences.append(d)
        groups[g].counts[k] += 1
      } else {
        topicSlot[d.topic] = groups.count
        var counts = [Int](repeating: 0, count: kinds.count)
        counts[k] = 1
        groups.append((d.topic, [d], counts))
      }
    }
    var out = ""
    for group in groups {
      let counts = zip(kinds, group.counts).compactMap { kind, n -> String? in
        n > 0 ? "\(formatCount(n)) \(kind.rawValue)" : nil
      }
      out += "\(VisibleText.escape(group.topic)): \(counts.joined(separator: ", "))\n"
      for d in group.differences { out += Self.lines(d) }
    }
    let summary = zip(kinds, totals).map { kind, n in "\(formatCount(n)) \(kind.rawValue)" }
    out +=
      "\(summary.joined(separator: ", ")) (\(formatCount(expectedCount)) expected, \(formatCount(actualCount)) came)\n"
    return out
  }

  /// One difference: a line, and for `changed` a line per detail.
  private static func lines(_ d: MessageDifference) -> String {
    switch d.kind {
    case .missing:
      return
        "  - #\(d.index) expected, did not come: \(d.expected.map { CaptureComparison.preview($0) } ?? "")\n"
    case .extra:
      return "  + #\(d.index) came, not expected: \(d.actual.map { CaptureComparison.preview($0) } ?? "")\n"
    case .changed:
      return "  ~ #\(d.index) changed:\n" + d.details.map { "      \(VisibleText.escape($0, mode: .line))\n" }.joined()
    }
  }
}
