#if canImport(Glibc)
  import Glibc
#endif

/// Renders capture records for people (`pretty`), for `mosquitto_sub -v` habits (`compact`), or
/// back into capture lines for pipes (`jsonl`). What a capture holds is shown through `VisibleText`, and
/// `jsonl` writes DEL, C1 controls and the characters that reorder or hide text as `\u` escapes: a capture
/// cannot drive the terminal.
public struct MessagePrinter {
  /// How messages are laid out: the values of `print --format`.
  public enum Layout: String, Sendable, CaseIterable {
    /// A header line (time, topic, QoS, retain, size), the properties, then the payload shown for reading.
    case pretty
    /// One line per message: the topic, a space, the payload (newlines as `\n`, binary as hex).
    case compact
    /// The message's capture line, for `jq` or another capture.
    case jsonl
  }

  /// How messages are laid out.
  public var layout: Layout
  /// How the pretty layout shows payloads (the compact layout takes only its `maxBytes`, for binary ones).
  public var renderer: PayloadRenderer
  /// Times in UTC instead of the local zone.
  public var utc = false
  /// Show at most this many characters of a topic, then how many were left out (`VisibleText.name`); nil
  /// for all. Not for `jsonl`, which writes capture lines whole.
  public var topicLimit: Int?
  /// The topic's colour in the pretty layout's header line; nil for plain text.
  public var topicColor: String?
  /// The colour of times, flags, properties, events and file notes in the pretty layout; nil for plain text.
  public var dimColor: String?
  /// Ends a coloured span: back to the terminal's default.
  public var reset = "\u{1B}[0m"

  /// The date-and-time text of the last second shown: most messages share it with the one before.
  /// A value like the rest of the printer, so printing mutates it (and copies don't share it).
  private struct TimeCache {
    var second: Int64 = .min
    var utc = false
    var text = ""
  }
  private var timeCache = TimeCache()
  /// Between a `retained_snapshot` event and its end: messages are marked as the snapshot's.
  private var inRetainedSnapshot = false

  /// A printer of `layout` showing payloads with `renderer`; local times, no colours.
  public init(layout: Layout = .pretty, renderer: PayloadRenderer = PayloadRenderer()) {
    self.layout = layout
    self.renderer = renderer
  }

  /// Appends one message, newline-terminated.
  public mutating func append(_ m: CapturedMessage, to out: inout [UInt8]) {
    switch layout {
    case .jsonl:
      let start = out.count
      RecordEncoder.append(m, to: &out)
      VisibleText.escapeControlsInJSON(&out, from: start, hidden: true)
    case .compact:
      // One line per message: line breaks and controls inside the payload are made visible.
      out.append(contentsOf: shownTopic(m.topic).utf8)
      out.append(0x20)
      m.payload.withUnsafeBytes { renderer.renderLine($0, into: &out) }
      out.append(0x0A)
    case .pretty:
      colored(formatTime(m.timestamp), dimColor, &out)
      out.append(0x20)
      colored(shownTopic(m.topic), topicColor, &out)
      if let dimColor { out.append(contentsOf: dimColor.utf8) }
      out.append(contentsOf: "  (qos ".utf8)
      out.append(0x30 + m.qos.rawValue)
      if m.retain { out.append(contentsOf: ", retained".utf8) }
      if inRetainedSnapshot { out.append(contentsOf: ", from the retained snapshot".utf8) }
      out.append(contentsOf: ", ".utf8)
      out.append(contentsOf: formatCount(m.payload.count, "byte").utf8)
      out.append(UInt8(ascii: ")"))
      if dimColor != nil { out.append(contentsOf: reset.utf8) }
      out.append(0x0A)
      if !m.properties.isEmpty {
        colored(describe(m.properties), dimColor, &out)
        out.append(0x0A)
      }
      m.payload.withUnsafeBytes { _ = renderer.render($0, into: &out) }
      out.append(contentsOf: "\n\n".utf8)
    }
  }

  /// Appends a connection event: a line in the pretty layout, the event's capture line for `jsonl` (so the
  /// retained snapshot's marks and the connections stay in a capture piped on), nothing in the compact one.
  public mutating func append(_ event: ConnectionEvent, to out: inout [UInt8]) {
    if event.kind == .retainedSnapshot || event.kind == .retainedSnapshotEnd {
      inRetainedSnapshot = event.kind == .retainedSnapshot
    }
    if layout == .jsonl {
      let start = out.count
      RecordEncoder.append(event, to: &out)
      VisibleText.escapeControlsInJSON(&out, from: start, hidden: true)
    }
    guard layout == .pretty else { return }
    let reason = event.reason.map { ": \(VisibleText.escape($0))" } ?? ""
    let what = event.kind.summary
    colored("\(formatTime(event.timestamp)) -- \(what)\(reason) --", dimColor, &out)
    out.append(contentsOf: "\n\n".utf8)
  }

  /// Appends a file's header: a note in the pretty layout, the header line itself for `jsonl`.
  public func append(_ header: CaptureHeader, path: String, to out: inout [UInt8]) {
    switch layout {
    case .jsonl:
      let start = out.count
      RecordEncoder.append(header, to: &out)
      VisibleText.escapeControlsInJSON(&out, from: start, hidden: true)
    case .compact: break
    case .pretty:
      let group = header.group.map { ", group \($0)" + (header.instance.map { " as \($0)" } ?? "") } ?? ""
      let text =
        "== \(path): recorded from \(header.broker) (\(header.protocolName))\(group) starting \(header.created) =="
      colored(VisibleText.escape(text), dimColor, &out)
      out.append(contentsOf: "\n\n".utf8)
    }
  }

  private func shownTopic(_ topic: String) -> String {
    guard let topicLimit else { return VisibleText.escape(topic) }
    return VisibleText.name(topic, limit: topicLimit)
  }

  private func describe(_ p: MQTTProperties) -> String {
    var parts: [String] = []
    if let v = p.contentType { parts.append("content-type: \(v)") }
    if let v = p.payloadFormatIndicator { parts.append("payload-format: \(v)") }
    if let v = p.messageExpiryInterval { parts.append("expiry: \(v) s") }
    if let v = p.responseTopic { parts.append("response-topic: \(v)") }
    if let v = p.correlationData { parts.append("correlation-data: \(Base64.encode(v))") }
    for u in p.userProperties { parts.append("\(u.name)=\(u.value)") }
    return "  [" + VisibleText.escape(parts.joined(separator: ", ")) + "]"
  }

  private func colored(_ text: String, _ color: String?, _ out: inout [UInt8]) {
    if let color { out.append(contentsOf: color.utf8) }
    out.append(contentsOf: text.utf8)
    if color != nil { out.append(contentsOf: reset.utf8) }
  }

  /// `2025-11-25 11:07:36.123` in local time (or UTC with `utc`).
  public mutating func formatTime(_ ts: Timestamp) -> String {
    let second = ts.microseconds / 1_000_000
    let millis = Int((ts.microseconds % 1_000_000) / 1000)
    let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    if timeCache.second != second || timeCache.utc != utc {
      timeCache.second = second
      timeCache.utc = utc
      timeCache.text = formatSecond(second)
    }
    return timeCache.text + "." + fraction + (utc ? "Z" : "")
  }

  private func formatSecond(_ second: Int64) -> String {
    var seconds = time_t(second)
    var parts = tm()
    if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
    func pad(_ v: Int32, _ w: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, w - s.count)) + s
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
      + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
  }
}
