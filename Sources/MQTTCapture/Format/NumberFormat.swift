/// A count with thousands separators, `12,345`: the one way every message of the tool writes counts.
public func formatCount<T: BinaryInteger>(_ n: T) -> String {
  let digits = Array(String(n))
  var out = ""
  for (i, d) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 && d != "-" && digits[i - 1] != "-" { out.append(",") }
    out.append(d)
  }
  return out
}

/// `1 message`, `12,345 messages`: a count with its noun, singular for one, as every message of the tool
/// writes counts of things.
/// - Parameter plural: the noun's plural when it is not `noun` + `s`.
public func formatCount<T: BinaryInteger>(_ n: T, _ noun: String, plural: String? = nil) -> String {
  "\(formatCount(n)) \(n == 1 ? noun : plural ?? noun + "s")"
}

/// `value` rounded to `places` decimals, written as Swift writes a `Double`: `3.2`, `5.31`, `12` (no `.0`
/// when `places` is 0).
public func formatDecimal(_ value: Double, places: Int) -> String {
  var factor = 1.0
  for _ in 0..<places { factor *= 10 }
  let rounded = (value * factor).rounded() / factor
  var text = String(rounded)
  if places == 0, text.hasSuffix(".0") { text.removeLast(2) }
  return text
}

/// Formats a byte count for people: `1.2 MB`.
public func formatBytes(_ bytes: UInt64) -> String {
  let units = ["B", "kB", "MB", "GB", "TB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1000 && unit < units.count - 1 {
    value /= 1000
    unit += 1
  }
  return unit == 0 ? "\(bytes) B" : "\(formatDecimal(value, places: value < 10 ? 1 : 0)) \(units[unit])"
}
