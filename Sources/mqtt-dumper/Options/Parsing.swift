import ArgumentParser
import MQTTCapture

/// Parses human durations: `90` (seconds), `500ms`, `30s`, `10m`, `1h30m`, `2d`, `1.5h`.
func parseDuration(_ text: String) -> Duration? {
  let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
  var rest = Substring(text.trimmingSpaces())
  if let plain = Double(rest), plain >= 0 { return .milliseconds(Int64((plain * 1000).rounded())) }
  var total = 0.0
  var sawPart = false
  while !rest.isEmpty {
    let number = rest.prefix { $0.isNumber || $0 == "." }
    guard !number.isEmpty, let value = Double(number) else { return nil }
    rest = rest.dropFirst(number.count)
    let unit = rest.prefix { $0.isLetter }
    guard let factor = units.first(where: { $0.0 == unit.lowercased() })?.1 else { return nil }
    rest = rest.dropFirst(unit.count)
    total += value * factor
    sawPart = true
  }
  return sawPart ? .milliseconds(Int64((total * 1000).rounded())) : nil
}

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

/// Formats a byte count for people: `1.2 MB`.
func formatBytes(_ bytes: UInt64) -> String {
  let units = ["B", "kB", "MB", "GB", "TB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1000 && unit < units.count - 1 {
    value /= 1000
    unit += 1
  }
  return unit == 0 ? "\(bytes) B" : "\(formatDecimal(value, places: value < 10 ? 1 : 0)) \(units[unit])"
}

/// `1h 02m 03s`, `4.2s`.
func formatDuration(seconds: Double) -> String {
  if seconds < 60 { return "\(formatDecimal(seconds, places: seconds < 10 ? 2 : 1))s" }
  let total = Int(seconds.rounded())
  let h = total / 3600
  let m = total % 3600 / 60
  let s = total % 60
  func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
  return h > 0 ? "\(h)h \(two(m))m \(two(s))s" : "\(m)m \(two(s))s"
}
