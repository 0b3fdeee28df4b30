/// Rewrites known time fields of JSON payloads to a new time, keeping every other byte of the payload as it
/// was (`replay --shift-timestamps`): consumers that discard stale messages accept a replayed capture.
///
/// A field is named by its path of object keys from the top (`_timestamp`, `data.time`); the value keeps
/// its kind and precision: an integer of up to 11 digits is Unix seconds, 13 digits milliseconds, 16 digits
/// microseconds; a number with a fraction is seconds with as many decimals; a string in RFC 3339
/// (`2025-11-25T11:07:36.5Z`, any offset) becomes the new time in UTC with as many fraction digits.
/// Anything else at the path, and payloads that are not JSON, are left as they are.
public struct TimeFields: Sendable, Equatable {
  /// The paths, each a list of object keys from the top.
  public private(set) var paths: [[String]]

  /// OctoPrint's `_timestamp`, on every JSON payload the OctoPrint-MQTT plugin publishes.
  public static let octoPrint = TimeFields(paths: [["_timestamp"]])

  /// Fields at `paths`.
  public init(paths: [[String]]) { self.paths = paths }

  /// A path written as keys joined by dots, with or without a leading dot (`.data.time`, `_timestamp`).
  /// - Returns: nil for an empty path or an empty key.
  public static func path(_ text: String) -> [String]? {
    let body = text.hasPrefix(".") ? text.dropFirst() : Substring(text)
    let keys = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    return keys.isEmpty || keys.contains(where: \.isEmpty) ? nil : keys
  }

  /// `payload` with every field at one of the paths set to `time`, or nil when no field was rewritten.
  public func rewrite(_ payload: [UInt8], to time: Timestamp) -> [UInt8]? {
    var spans: [(range: Range<Int>, replacement: [UInt8])] = []
    payload.withUnsafeBytes { bytes in
      var walker = Walker(bytes: bytes, paths: paths)
      guard walker.value(path: []), walker.atEnd else { return }
      for (range, kind) in walker.found {
        if let replacement = kind.format(time) { spans.append((range, replacement)) }
      }
    }
    guard !spans.isEmpty else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(payload.count + 8)
    var at = 0
    for span in spans.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
      out.append(contentsOf: payload[at..<span.range.lowerBound])
      out.append(contentsOf: span.replacement)
      at = span.range.upperBound
    }
    out.append(contentsOf: payload[at...])
    return out
  }
}

// MARK: - Kinds of time values

/// How a time is written where it was found.
enum TimeLiteral {
  /// An integer count of seconds (`perSecond` 1), milliseconds (1,000) or microseconds (1,000,000).
  case integer(perSecond: Int64)
  /// Seconds with `decimals` fraction digits.
  case decimal(decimals: Int)
  /// RFC 3339 in a string, with `decimals` fraction digits.
  case rfc3339(decimals: Int)

  /// What a number literal holds, or nil when it does not look like a time.
  init?(number: UnsafeRawBufferPointer.SubSequence) {
    guard let first = number.first, first != UInt8(ascii: "-") else { return nil }
    if let dot = number.firstIndex(of: UInt8(ascii: ".")) {
      guard !number.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else { return nil }
      self = .decimal(decimals: number.endIndex - dot - 1)
      return
    }
    switch number.count {
    case 9...11: self = .integer(perSecond: 1)
    case 13: self = .integer(perSecond: 1_000)
    case 16: self = .integer(perSecond: 1_000_000)
    default: return nil
    }
  }

  /// What a string's content holds (without its quotes), or nil when it is not RFC 3339.
  init?(string s: UnsafeRawBufferPointer.SubSequence) {
    let b = Array(s)
    func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    guard b.count >= 20, digits(0..<4), b[4] == 0x2D, digits(5..<7), b[7] == 0x2D, digits(8..<10),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), digits(11..<13), b[13] == 0x3A, digits(14..<16),
      b[16] == 0x3A, digits(17..<19)
    else { return nil }
    var i = 19
    var decimals = 0
    if b[i] == UInt8(ascii: ".") {
      i += 1
      while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
        i += 1
        decimals += 1
      }
      guard decimals > 0 else { return nil }
    }
    let zone = b[i...]
    let isZ = zone.count == 1 && (zone.first == UInt8(ascii: "Z") || zone.first == UInt8(ascii: "z"))
    let isOffset =
      zone.count == 6 && (zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"))
      && digits(i + 1..<i + 3) && b[i + 3] == 0x3A && digits(i + 4..<i + 6)
    guard isZ || isOffset else { return nil }
    self = .rfc3339(decimals: decimals)
  }

  /// `time` written this way (for a string, with its quotes).
  func format(_ time: Timestamp) -> [UInt8]? {
    let micros = time.microseconds
    guard micros >= 0 else { return nil }
    switch self {
    case .integer(let perSecond):
      return Array(String(micros / (1_000_000 / perSecond)).utf8)
    case .decimal(let decimals):
      return Array((String(micros / 1_000_000) + fraction(micros, decimals)).utf8)
    case .rfc3339(let decimals):
      // 2025-11-25T11:47:36.123456Z
      let full = time.rfc3339
      return Array(("\"" + full.prefix(19) + fraction(micros, decimals) + "Z\"").utf8)
    }
  }

  /// `.ddd` with `decimals` digits of the microseconds (zeros past the sixth), or nothing for 0 decimals.
  private func fraction(_ micros: Int64, _ decimals: Int) -> String {
    guard decimals > 0 else { return "" }
    let six = String(micros % 1_000_000)
    let digits = String(repeating: "0", count: 6 - six.count) + six
    return "."
      + (decimals <= 6 ? String(digits.prefix(decimals)) : digits + String(repeating: "0", count: decimals - 6))
  }
}

// MARK: - Walking the payload

/// A JSON reader that checks the syntax and notes where values at the wanted paths are; nothing is built.
private struct Walker {
  let bytes: UnsafeRawBufferPointer
  let paths: [[String]]
  var i = 0
  var found: [(Range<Int>, TimeLiteral)] = []
  var depth = 0

  init(bytes: UnsafeRawBufferPointer, paths: [[String]]) {
    self.bytes = bytes
    self.paths = paths
  }

  var atEnd: Bool {
    mutating get {
      skipSpace()
      return i == bytes.count
    }
  }

  mutating func skipSpace() {
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
  }

  /// Reads one value; `path` is where it is, nil inside arrays (paths name object keys only).
  mutating func value(path: [String]?) -> Bool {
    skipSpace()
    guard i < bytes.count, depth < 512 else { return false }
    let wanted = path.map { p in paths.contains(p) } ?? false
    let start = i
    switch bytes[i] {
    case UInt8(ascii: "{"): return object(path: path)
    case UInt8(ascii: "["): return array()
    case UInt8(ascii: "\""):
      guard string() != nil else { return false }
      if wanted, let kind = TimeLiteral(string: bytes[(start + 1)..<(i - 1)]) { found.append((start..<i, kind)) }
      return true
    case UInt8(ascii: "t"): return literal("true")
    case UInt8(ascii: "f"): return literal("false")
    case UInt8(ascii: "n"): return literal("null")
    default:
      guard let end = jsonNumberEnd(bytes, from: i) else { return false }
      i = end
      if wanted, let kind = TimeLiteral(number: bytes[start..<end]) { found.append((start..<end, kind)) }
      return true
    }
  }

  mutating func literal(_ word: StaticString) -> Bool {
    let n = word.utf8CodeUnitCount
    guard i + n <= bytes.count else { return false }
    for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
    i += n
    return true
  }

  /// Reads a string; returns its raw content (escapes as written).
  mutating func string() -> String? {
    i += 1
    let start = i
    while i < bytes.count {
      switch bytes[i] {
      case UInt8(ascii: "\""):
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        i += 1
        return text
      case UInt8(ascii: "\\"): i += 2
      case 0..<0x20: return nil
      default: i += 1
      }
    }
    return nil
  }

  mutating func object(path: [String]?) -> Bool {
    i += 1
    depth += 1
    defer { depth -= 1 }
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return true
    }
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { return false }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
      i += 1
      // Keys with escapes are compared as written; time fields' names have none.
      guard value(path: path.map { $0 + [key] }) else { return false }
      skipSpace()
      guard i < bytes.count else { return false }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "}") else { return false }
      i += 1
      return true
    }
  }

  mutating func array() -> Bool {
    i += 1
    depth += 1
    defer { depth -= 1 }
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return true
    }
    while true {
      guard value(path: nil) else { return false }
      skipSpace()
      guard i < bytes.count else { return false }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "]") else { return false }
      i += 1
      return true
    }
  }
}
