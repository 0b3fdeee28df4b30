#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A wall-clock instant with microsecond resolution: the `ts` of every record.
///
/// Kept as an integer count of microseconds so that reading and writing `ts` never rounds.
public struct Timestamp: Comparable, Hashable, Sendable, CustomStringConvertible {
  /// Microseconds since 1970-01-01T00:00:00Z.
  public var microseconds: Int64

  /// The instant `microseconds` after the Unix epoch (negative: before it).
  public init(microseconds: Int64) { self.microseconds = microseconds }

  /// The current wall-clock time.
  public static func now() -> Timestamp {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
  }

  /// Seconds since the epoch, for arithmetic that may round.
  public var seconds: Double { Double(microseconds) / 1_000_000 }

  /// Whether `a` is earlier than `b`.
  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

  /// `ts` as written in a record: Unix seconds with exactly six decimals.
  public var description: String {
    var out: [UInt8] = []
    appendDecimal(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends `ts` as written in a record: `1764068856.123456`.
  public func appendDecimal(to out: inout [UInt8]) {
    var value = microseconds
    if value < 0 {
      out.append(UInt8(ascii: "-"))
      value = -value
    }
    // Up to 13 integer digits, a point and 6 decimals, written backwards into a fixed buffer.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
      var i = 24
      var fraction = value % 1_000_000
      for _ in 0..<6 {
        i -= 1
        buffer[i] = 0x30 + UInt8(fraction % 10)
        fraction /= 10
      }
      i -= 1
      buffer[i] = UInt8(ascii: ".")
      var whole = value / 1_000_000
      repeat {
        i -= 1
        buffer[i] = 0x30 + UInt8(whole % 10)
        whole /= 10
      } while whole > 0
      out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<24]))
    }
  }

  /// Parses a JSON number literal of Unix seconds (`1764068856.123456`, `1764068856`, `1.7e9`).
  /// Digits past the sixth decimal are truncated (an exponent form is rounded).
  /// - Returns: nil when `literal` is not a number, or is about 9·10¹² s or more from 1970 (past what
  ///   microseconds in an `Int64` hold).
  public init?(decimal literal: String) {
    var text = literal
    guard let micros = text.withUTF8({ Self.microseconds(decimal: UnsafeRawBufferPointer($0)) }) else { return nil }
    self.microseconds = micros
  }

  /// Parses a JSON number literal of Unix seconds from its UTF-8 bytes, as `init?(decimal:)` does: the
  /// reader's way, which makes no string of every `ts`.
  public init?(decimal utf8: UnsafeRawBufferPointer) {
    guard let micros = Self.microseconds(decimal: utf8) else { return nil }
    self.microseconds = micros
  }

  private static func microseconds(decimal utf8: UnsafeRawBufferPointer) -> Int64? {
    var i = 0
    var negative = false
    if i < utf8.count, utf8[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var whole: Int64 = 0
    var sawDigit = false
    while i < utf8.count, utf8[i] >= 0x30, utf8[i] <= 0x39 {
      let (m, o1) = whole.multipliedReportingOverflow(by: 10)
      let (s, o2) = m.addingReportingOverflow(Int64(utf8[i] - 0x30))
      guard !o1, !o2, s < Int64.max / 1_000_000 else { return nil }
      whole = s
      sawDigit = true
      i += 1
    }
    guard sawDigit else { return nil }
    var fraction: Int64 = 0
    var scale: Int64 = 100_000
    if i < utf8.count, utf8[i] == UInt8(ascii: ".") {
      i += 1
      while i < utf8.count, utf8[i] >= 0x30, utf8[i] <= 0x39 {
        fraction += Int64(utf8[i] - 0x30) * scale
        scale /= 10
        i += 1
      }
    }
    if i < utf8.count {
      // An exponent: rare, so go through Double.
      guard let seconds = Double(String(decoding: utf8, as: UTF8.self)), seconds.isFinite, abs(seconds) < 9e12
      else { return nil }
      return Int64((seconds * 1_000_000).rounded())
    }
    let micros = whole * 1_000_000 + fraction
    return negative ? -micros : micros
  }

  /// RFC 3339 in UTC with microseconds: `2025-11-25T11:47:36.123456Z`.
  public var rfc3339: String {
    var seconds = time_t(microseconds / 1_000_000)
    var micros = microseconds % 1_000_000
    if micros < 0 {
      micros += 1_000_000
      seconds -= 1
    }
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let s = String(value)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    let fraction = String(micros)
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
      + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
      + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
  }
}
