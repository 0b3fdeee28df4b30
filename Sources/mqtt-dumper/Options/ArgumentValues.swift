import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

/// Parses sizes: `1048576`, `500k`, `100MB`, `1.5GiB` (k = 1,000; KiB = 1,024).
func parseSize(_ text: String) -> UInt64? {
  let trimmed = text.trimmingSpaces()
  let number = trimmed.prefix { $0.isNumber || $0 == "." }
  guard let value = Double(number), value > 0 else { return nil }
  let unit = trimmed.dropFirst(number.count).trimmingSpaces().lowercased()
  let factors: [String: Double] = [
    "": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9,
    "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824,
  ]
  guard let factor = factors[unit] else { return nil }
  return UInt64(value * factor)
}

extension StringProtocol {
  fileprivate func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
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
  for pattern in [
    "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
  ] {
    local.dateFormat = pattern
    if let date = local.date(from: text) { return .absolute(Timestamp(date)) }
  }
  throw ValidationError(
    "\(flag) '\(text)' is not a time; write an offset from the start (10m, 1h30m), "
      + "@UNIX-SECONDS, or a date and time like 2025-11-25T11:07:36Z.")
}

/// Checks that a time window can hold a message: a start after its end selects nothing.
/// - Throws: `ValidationError` naming both flags when `since` is after `until` (both offsets or both times;
///   an offset and a time can only be compared with the capture at hand).
func checkTimeWindow(
  since: MessageFilter.TimeBound?, until: MessageFilter.TimeBound?, sinceFlag: String, untilFlag: String,
  texts: (String, String)
) throws {
  let empty: Bool
  switch (since, until) {
  case (.offset(let a)?, .offset(let b)?): empty = a > b
  case (.absolute(let a)?, .absolute(let b)?): empty = a.microseconds > b.microseconds
  default: empty = false
  }
  if empty {
    throw ValidationError(
      "\(sinceFlag) \(texts.0) is after \(untilFlag) \(texts.1), so no message can be in between; swap them.")
  }
}

extension Timestamp {
  init(_ date: Date) {
    self.init(microseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
  }
}
