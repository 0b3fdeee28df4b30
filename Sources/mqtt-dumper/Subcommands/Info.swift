import ArgumentParser
import Foundation
import MQTTCapture

struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Summarise captures: header, messages, time span, topics, sizes, and whether a file was cut off.",
    discussion: """
      Exit status: 0 when every file is a complete capture; 2 on a usage error or a file that cannot be \
      read, is not a capture, is corrupt or cut off (summarised up to the damage).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Option(name: .long, help: "How many topics to list (most messages first); 0 for all.")
  var topics = 20

  /// Longer names (a topic, a broker) are cut here, saying how much was left out.
  static let nameLimit = 200

  func run() throws {
    var failed = false
    for (i, file) in files.enumerated() {
      let summary: CaptureSummary
      do {
        summary = try CaptureSummary(path: file)
      } catch {
        printError(error)
        failed = true
        continue
      }
      try writeOutput((i > 0 ? "\n" : "") + render(summary) + "\n")
      if let truncation = summary.truncation {
        printWarning(truncation)
        failed = true
      }
    }
    if failed { throw ExitCode.error }
  }

  private func render(_ s: CaptureSummary) -> String {
    // What the file says is shown through VisibleText: a capture cannot drive the terminal.
    func name(_ text: String) -> String { VisibleText.name(text, limit: Self.nameLimit) }
    var lines: [String] = ["\(name(s.path))"]
    let h = s.header
    lines.append("  format       mqtt-dumper capture v\(h.version), created \(name(h.created)) by \(name(h.tool))")
    let subs = h.subscriptions.map { "\(name($0.filter)) (QoS \($0.qos.rawValue))" }.joined(separator: ", ")
    lines.append(
      "  broker       \(name(h.broker)), \(name(h.protocolName)), subscribed to \(subs.isEmpty ? "nothing" : subs)")
    if s.sessions > 1 { lines.append("  sessions     \(s.sessions) (appended)") }
    lines.append("  messages     \(formatCount(s.messages)) on \(formatCount(s.topics.count, "topic"))")
    if let first = s.first, let last = s.last {
      let span = Double(last.microseconds - first.microseconds) / 1e6
      lines.append("  time         \(first.rfc3339) → \(last.rfc3339) (\(formatDuration(seconds: span)))")
    }
    let utf8 = s.messages - s.binaryMessages
    lines.append(
      "  payloads     \(formatBytes(s.payloadBytes)): \(formatCount(utf8)) UTF-8, \(formatCount(s.binaryMessages)) binary"
    )
    lines.append(
      "  flags        QoS 0/1/2: \(s.messagesByQoS.map { formatCount($0) }.joined(separator: "/")), "
        + "retained \(formatCount(s.retainedMessages)), with v5 properties \(formatCount(s.withProperties))")
    if s.disconnections > 0 {
      lines.append("  connection   lost \(formatCount(s.disconnections, "time")) during the capture (see the disconnected events)")
    }
    let ratio = s.fileBytes > 0 ? formatDecimal(Double(s.uncompressedBytes) / Double(s.fileBytes), places: 1) : "–"
    lines.append(
      s.isCompressed
        ? "  size         \(formatBytes(s.fileBytes)) gzip, \(formatBytes(s.uncompressedBytes)) of JSON Lines (\(ratio):1)"
        : "  size         \(formatBytes(s.fileBytes)) plain JSON Lines")
    lines.append("  complete     \(s.truncation == nil ? "yes" : "no, cut off (see the warning)")")
    if !s.topics.isEmpty {
      let sorted = s.topics.sorted { $0.messages > $1.messages }
      let shown = topics > 0 ? Array(sorted.prefix(topics)) : sorted
      lines.append("  topics (most messages first):")
      let width = shown.map { formatCount($0.messages).count }.max() ?? 1
      for t in shown {
        let n = formatCount(t.messages)
        lines.append(
          "    \(String(repeating: " ", count: width - n.count))\(n)  \(name(t.topic))  (\(formatBytes(t.payloadBytes)))")
      }
      if shown.count < sorted.count {
        lines.append("    … and \(formatCount(sorted.count - shown.count)) more (--topics 0 lists all)")
      }
    }
    return lines.joined(separator: "\n")
  }
}
