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
