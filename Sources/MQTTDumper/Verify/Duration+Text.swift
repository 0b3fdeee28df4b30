import MQTTCapture

extension Duration {
  /// As people write a duration on the command line: `3s`, `5m`, `2h`, `500ms`, `1.5s`.
  var compactText: String {
    let ms = Int64((self / .milliseconds(1)).rounded())
    if ms != 0 && ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
    if ms != 0 && ms % 60_000 == 0 { return "\(ms / 60_000)m" }
    if ms % 1000 == 0 { return "\(ms / 1000)s" }
    if ms < 1000 { return "\(ms)ms" }
    return formatDecimal(Double(ms) / 1000, places: 3) + "s"
  }

  /// Seconds with `places` decimals and a unit, as reports write a time: `3.2 s`.
  func secondsText(places: Int) -> String {
    formatDecimal(self / .seconds(1), places: places) + " s"
  }
}

extension Timestamp {
  /// The time from `start` to this one (negative when this one is earlier).
  func since(_ start: Timestamp) -> Duration {
    .microseconds(microseconds - start.microseconds)
  }
}
