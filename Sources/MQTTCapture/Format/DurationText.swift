/// Parses human durations: `90` (seconds), `500ms`, `30s`, `10m`, `1h30m`, `2d`, `1.5h`.
public func parseDuration(_ text: String) -> Duration? {
  let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
  var rest = text.drop { $0 == " " }
  while rest.last == " " { rest = rest.dropLast() }
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
