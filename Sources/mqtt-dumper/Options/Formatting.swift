import MQTTCapture

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
