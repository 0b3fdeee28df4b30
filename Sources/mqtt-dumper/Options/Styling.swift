import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  /// `auto`: colour when standard output is a terminal and NO_COLOR is not set.
  var enabled: Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
      return isatty(STDOUT_FILENO) == 1 && !noColor
    }
  }
}

/// The options that decide how messages look, shared by `print` and `print --live`.
struct DisplayOptions: ParsableArguments {
  @Flag(name: .long, help: "One line per message: topic and payload, like mosquitto_sub -v.")
  var compact = false

  @Option(name: .long, help: "pretty (default), compact, or jsonl (capture lines, for pipes).")
  var format: MessagePrinter.Layout?

  @Flag(name: .long, help: "Show times in UTC instead of local time.")
  var utc = false

  @Option(name: .long, help: "Show at most this many bytes of each payload.")
  var maxBytes: Int?

  @Option(name: .long, help: "auto, always or never (auto: on a terminal, unless NO_COLOR is set).")
  var color: ColorChoice = .auto

  func validate() throws {
    if compact && format != nil && format != .compact {
      throw ValidationError("--compact and --format \(format!.rawValue) contradict each other; choose one.")
    }
    if let maxBytes, maxBytes < 1 { throw ValidationError("--max-bytes must be at least 1.") }
  }

  func printer() -> MessagePrinter {
    let colors = color.enabled && format != .jsonl
    var formatter = JSONFormatter()
    if colors { formatter.colors = JSONColors() }
    var renderer = PayloadRenderer(formatter: formatter, maxBytes: maxBytes)
    if colors { renderer.dim = "\u{1B}[2m" }
    var printer = MessagePrinter(layout: compact ? .compact : (format ?? .pretty), renderer: renderer)
    printer.utc = utc
    if colors {
      printer.topicColor = "\u{1B}[1;33m"
      printer.dimColor = "\u{1B}[2m"
    }
    return printer
  }
}

extension MessagePrinter.Layout: ExpressibleByArgument {}

/// The message filters shared by `print` (and, later, `replay`).
struct FilterOptions: ParsableArguments {
  @Option(name: [.customShort("t"), .customLong("topic")], help: "Keep topics matching this MQTT filter (repeatable).")
  var topics: [String] = []

  @Option(name: .long, help: "Leave out topics matching this MQTT filter (repeatable).")
  var exclude: [String] = []

  @Option(name: .long, help: "From this time: an offset from the start (10m), 2025-11-25 11:07 (local), 2025-11-25T11:07:36Z, or @UNIX-SECONDS.")
  var since: String?

  @Option(name: .long, help: "Until this time (same forms as --since).")
  var until: String?

  @Option(name: .long, help: "Stop after this many messages.")
  var limit: Int?

  @Option(name: .long, help: "Keep messages whose payload matches this regular expression.")
  var grep: String?

  func filter() throws -> MessageFilter {
    var f = MessageFilter()
    f.topics = try topicFilters(topics)
    f.excludes = try topicFilters(exclude)
    f.since = try since.map { try parseTimeBound($0, flag: "--since") }
    f.until = try until.map { try parseTimeBound($0, flag: "--until") }
    if let limit {
      guard limit >= 1 else { throw ValidationError("--limit must be at least 1.") }
      f.limit = limit
    }
    if let grep {
      do {
        f.grep = try Regex(grep)
      } catch {
        throw ValidationError("--grep '\(grep)' is not a valid regular expression: \(error).")
      }
    }
    return f
  }
}

/// Parses MQTT topic filters given on the command line.
func topicFilters(_ texts: [String]) throws -> [TopicFilter] {
  try texts.map { text in
    guard let filter = TopicFilter(text) else { throw ValidationError(MQTTError.invalidTopicFilter(text).description) }
    return filter
  }
}

/// `10m`/`+90s` (offset from the first message), `@1764068856.5` (Unix seconds), or an ISO 8601 time
/// (`2025-11-25T11:07:36Z`, `2025-11-25T11:07:36+01:00`, or without a zone: local time).
func parseTimeBound(_ text: String, flag: String) throws -> MessageFilter.TimeBound {
  let trimmed = text.hasPrefix("+") ? String(text.dropFirst()) : text
  if let d = parseDuration(trimmed) { return .offset(d) }
  if text.hasPrefix("@"), let ts = Timestamp(decimal: String(text.dropFirst())) { return .absolute(ts) }
  let formatter = ISO8601DateFormatter()
  for options: ISO8601DateFormatter.Options in [
    [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
  ] {
    formatter.formatOptions = options
    if let date = formatter.date(from: text) { return .absolute(Timestamp(date)) }
  }
  let local = DateFormatter()
  local.locale = Locale(identifier: "en_US_POSIX")
  local.timeZone = .current
  for pattern in ["yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
    local.dateFormat = pattern
    if let date = local.date(from: text) { return .absolute(Timestamp(date)) }
  }
  throw ValidationError(
    "\(flag) '\(text)' is not a time; write an offset from the start (10m, 1h30m), "
      + "@UNIX-SECONDS, or a date and time like 2025-11-25T11:07:36Z.")
}

extension Timestamp {
  init(_ date: Date) {
    self.init(microseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
  }
}
