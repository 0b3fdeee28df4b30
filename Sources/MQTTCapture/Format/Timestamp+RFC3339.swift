extension Timestamp {
  /// A time written as `rfc3339` writes it, in UTC: `YYYY-MM-DDTHH:MM:SSZ`, optionally with a fraction.
  public init?(rfc3339 text: String) {
    let b = Array(text.utf8)
    guard b.count >= 20, b.last == UInt8(ascii: "Z") else { return nil }
    func n(_ r: Range<Int>) -> Int? { Int(String(decoding: b[r], as: UTF8.self)) }
    guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13), let mi = n(14..<16),
      let s = n(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
    else { return nil }
    // Days from 1970-01-01 (civil calendar).
    let yy = mo <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    var micros = Int64(days * 86400 + h * 3600 + mi * 60 + s) * 1_000_000
    if b[19] == UInt8(ascii: ".") {
      let fraction = String(decoding: b[20..<(b.count - 1)], as: UTF8.self)
      guard let f = Double("0." + fraction) else { return nil }
      micros += Int64((f * 1_000_000).rounded())
    }
    self.init(microseconds: micros)
  }
}
