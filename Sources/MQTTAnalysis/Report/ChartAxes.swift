import MQTTCapture

/// Tick positions and labels for a chart's axes: times in UTC at round steps, values at 1, 2 or 5 × 10ⁿ.
enum ChartAxes {
  /// Round time steps, in seconds.
  private static let timeSteps: [Int64] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  ]

  /// Times (µs) from `start` to `end` at a round step giving at most `maxTicks` ticks, with their labels.
  static func timeTicks(start: Int64, end: Int64, maxTicks: Int = 8) -> [(Int64, String)] {
    let span = max(1, end - start)
    let step = (timeSteps.first { span / ($0 * 1_000_000) < Int64(maxTicks) } ?? 2_592_000) * 1_000_000
    var t = (start + step - 1) / step * step
    if start < 0 { t = start / step * step }
    var ticks: [(Int64, String)] = []
    while t <= end {
      ticks.append((t, timeLabel(t, step: step, span: span)))
      t += step
    }
    return ticks
  }

  /// `12:07`, `12:07:36`, or `11-25 12:00` when the span is over a day.
  static func timeLabel(_ microseconds: Int64, step: Int64, span: Int64) -> String {
    let text = Timestamp(microseconds: microseconds).rfc3339  // 2025-11-25T11:07:36.123456Z
    let chars = Array(text)
    guard chars.count >= 19 else { return text }
    let hm = String(chars[11..<16])
    if span > 86_400_000_000 { return String(chars[5..<10]) + " " + hm }
    return step < 60_000_000 ? String(chars[11..<19]) : hm
  }

  /// A time with milliseconds, for tooltips: `2025-11-25 11:07:36.476 UTC`.
  static func tooltipTime(_ time: Timestamp) -> String {
    let chars = Array(time.rfc3339)
    guard chars.count >= 23 else { return time.rfc3339 }
    return String(chars[0..<10]) + " " + String(chars[11..<23]) + " UTC"
  }

  /// A round range covering `low...high` and its ticks (at most about 6).
  static func valueTicks(low: Double, high: Double) -> (low: Double, high: Double, ticks: [Double], places: Int) {
    var (lo, hi) = (low, high)
    if hi - lo < 1e-9 {
      lo -= max(1, abs(lo) * 0.05)
      hi += max(1, abs(hi) * 0.05)
    }
    let raw = (hi - lo) / 5
    var magnitude = 1.0
    while magnitude * 10 <= raw { magnitude *= 10 }
    while magnitude > raw { magnitude /= 10 }
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    let first = (lo / step).rounded(.down) * step
    let top = (hi / step).rounded(.up) * step
    var ticks: [Double] = []
    var v = first
    while v <= top + step / 2 {
      ticks.append(v)
      v += step
    }
    var places = 0
    var s = step
    while s < 1 && places < 10 {
      s *= 10
      places += 1
    }
    return (first, top, ticks, places)
  }
}
