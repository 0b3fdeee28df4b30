import ArgumentParser
import Foundation
import MQTTCapture

struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Summarise captures: header, messages, time span, topics, sizes, and whether a file was cut off.",
    discussion: """
      --format json writes one JSON object per file, on one line each (JSON Lines), with what the text \
      shows; names are given in full there, with DEL, C1 controls and bidi and zero-width characters as \
      \\u escapes.

      Examples:
        mqtt-dumper info print.jsonl.gz --topics 0
        mqtt-dumper info *.jsonl.gz --format json | jq .messages

      Exit status: 0 when every file is a complete capture; 2 on a usage error or a file that cannot be \
      read, is not a capture, is corrupt or cut off (summarised up to the damage).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input).")
  var files: [String]

  @Option(name: .long, help: "How many topics to list (most messages first); 0 for all.")
  var topics = 20

  @Option(name: .long, help: "Text for people, or JSON (one object per file) for tools.")
  var format: InfoFormat = .text

  enum InfoFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

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
      switch format {
      case .text: try writeOutput((i > 0 ? "\n" : "") + render(summary) + "\n")
      case .json: try writeOutput(json(summary) + "\n")
      }
      if let truncation = summary.truncation {
        printWarning(truncation)
        failed = true
      }
    }
    if failed { throw ExitCode.error }
  }

  /// The topics to list, most messages first, as many as `--topics` says.
  private func listedTopics(_ s: CaptureSummary) -> (shown: [CaptureSummary.TopicStats], total: Int) {
    let sorted = s.topics.sorted { $0.messages > $1.messages }
    return (topics > 0 ? Array(sorted.prefix(topics)) : sorted, sorted.count)
  }

  /// What `render` shows, as one line of JSON: names in full, with controls and hidden characters as
  /// `\u` escapes (`VisibleText.escapeControlsInJSON`).
  private func json(_ s: CaptureSummary) -> String {
    var out: [UInt8] = []
    var object = JSONObjectWriter()
    func key(_ name: String) { object.key(name, to: &out) }
    func string(_ name: String, _ value: String) {
      key(name)
      JSONWriter.appendString(value, to: &out)
    }
    func number<T: BinaryInteger>(_ name: String, _ value: T) {
      key(name)
      JSONWriter.appendInteger(value, to: &out)
    }
    func bool(_ name: String, _ value: Bool) {
      key(name)
      out.append(contentsOf: (value ? "true" : "false").utf8)
    }
    let h = s.header
    string("path", s.path)
    number("version", h.version)
    string("created", h.created)
    string("tool", h.tool)
    string("broker", h.broker)
    string("protocol", h.protocolName)
    key("subscriptions")
    out.append(UInt8(ascii: "["))
    for (i, sub) in h.subscriptions.enumerated() {
      out.append(contentsOf: (i > 0 ? ",{\"filter\":" : "{\"filter\":").utf8)
      JSONWriter.appendString(sub.filter, to: &out)
      out.append(contentsOf: ",\"qos\":\(sub.qos.rawValue)}".utf8)
    }
    out.append(UInt8(ascii: "]"))
    if let group = h.group { string("group", group) }
    if let instance = h.instance { string("instance", instance) }
    if !h.sources.isEmpty {
      key("sources")
      JSONWriter.append(.array(h.sources.map(JSONValue.string)), to: &out)
    }
    if !h.sourceInstances.isEmpty {
      key("instances")
      JSONWriter.append(.array(h.sourceInstances.map { $0.map(JSONValue.string) ?? .null }), to: &out)
    }
    if let snapshot = s.retainedSnapshotMessages { number("retained_snapshot", snapshot) }
    number("sessions", s.sessions)
    number("messages", s.messages)
    number("topic_count", s.topics.count)
    if let first = s.first, let last = s.last {
      string("first", first.rfc3339)
      string("last", last.rfc3339)
      key("span_seconds")
      Timestamp(microseconds: last.microseconds - first.microseconds).appendDecimal(to: &out)
    }
    number("payload_bytes", s.payloadBytes)
    number("utf8_messages", s.messages - s.binaryMessages)
    number("binary_messages", s.binaryMessages)
    key("messages_by_qos")
    out.append(contentsOf: "[\(s.messagesByQoS.map(String.init).joined(separator: ","))]".utf8)
    number("retained", s.retainedMessages)
    number("with_properties", s.withProperties)
    number("disconnections", s.disconnections)
    bool("compressed", s.isCompressed)
    number("file_bytes", s.fileBytes)
    number("uncompressed_bytes", s.uncompressedBytes)
    bool("complete", s.truncation == nil)
    if let truncation = s.truncation { string("cut_off", truncation) }
    key("topics")
    out.append(UInt8(ascii: "["))
    for (i, t) in listedTopics(s).shown.enumerated() {
      out.append(contentsOf: (i > 0 ? ",{\"topic\":" : "{\"topic\":").utf8)
      JSONWriter.appendString(t.topic, to: &out)
      out.append(contentsOf: ",\"messages\":\(t.messages),\"payload_bytes\":\(t.payloadBytes)}".utf8)
    }
    out.append(contentsOf: "]}".utf8)
    VisibleText.escapeControlsInJSON(&out, hidden: true)
    return String(decoding: out, as: UTF8.self)
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
    if let group = h.group {
      lines.append(
        "  group        \(name(group)) (shared subscriptions)"
          + (h.instance.map { ", recorded by instance \(name($0))" } ?? ""))
    } else if let instance = h.instance {
      lines.append("  instance     \(name(instance))")
    }
    if !h.sources.isEmpty {
      let shown = h.sources.prefix(5).map(name).joined(separator: ", ")
      let more = h.sources.count > 5 ? " and \(formatCount(h.sources.count - 5)) more" : ""
      lines.append("  sources      \(formatCount(h.sources.count, "file")): \(shown)\(more)")
    }
    let instances = h.sourceInstanceCounts
    if !instances.isEmpty {
      let none = h.sourceInstances.count(where: { $0 == nil })
      lines.append(
        "  instances    "
          + instances.map { "\(name($0.instance)) (\(formatCount($0.sources, "file")))" }.joined(separator: ", ")
          + (none > 0 ? "; \(formatCount(none, "file")) without one" : ""))
    }
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
    if let snapshot = s.retainedSnapshotMessages {
      lines.append(
        "  snapshot     \(formatCount(snapshot, "retained message")) read from the broker's store at the start "
          + "(between the retained_snapshot events)")
    }
    if s.disconnections > 0 {
      lines.append(
        "  connection   lost \(formatCount(s.disconnections, "time")) during the capture (see the disconnected events)")
    }
    let ratio = s.fileBytes > 0 ? formatDecimal(Double(s.uncompressedBytes) / Double(s.fileBytes), places: 1) : "–"
    lines.append(
      s.isCompressed
        ? "  size         \(formatBytes(s.fileBytes)) gzip, \(formatBytes(s.uncompressedBytes)) of JSON Lines (\(ratio):1)"
        : "  size         \(formatBytes(s.fileBytes)) plain JSON Lines")
    lines.append("  complete     \(s.truncation == nil ? "yes" : "no, cut off (see the warning)")")
    if !s.topics.isEmpty {
      let (shown, total) = listedTopics(s)
      lines.append("  topics (most messages first):")
      let width = shown.map { formatCount($0.messages).count }.max() ?? 1
      for t in shown {
        let n = formatCount(t.messages)
        lines.append(
          "    \(String(repeating: " ", count: width - n.count))\(n)  \(name(t.topic))  (\(formatBytes(t.payloadBytes)))"
        )
      }
      if shown.count < total {
        lines.append("    … and \(formatCount(total - shown.count)) more (--topics 0 lists all)")
      }
    }
    return lines.joined(separator: "\n")
  }
}
