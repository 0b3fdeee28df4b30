/// Captured text made safe to show on a terminal or in a document: the one place that decides which
/// characters a capture may not put on the screen as they are, and how they are shown instead.
///
/// - C0 control characters, DEL and bytes that are not UTF-8 are shown as `\xNN` (the byte, `\x1b`);
///   in a name, newline, carriage return and tab as `\n`, `\r`, `\t`.
/// - C1 control characters (U+0080–U+009F, which terminals obey like ESC sequences) as `\u{85}`.
/// - In names (topics, property names, file names: `.name`) also the characters that reorder or hide text:
///   bidirectional overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F) and
///   zero-width characters (U+200B–U+200D, U+2060, U+FEFF), as `\u{202E}`. Payload text keeps them: a
///   joiner in an emoji or a mark in Arabic text is meant to be there.
///
/// A backslash is shown as it is.
public enum VisibleText {
  /// Where the text is shown, which decides what else is escaped.
  public enum Mode: Sendable {
    /// A name on one line (a topic): line breaks, tabs and the characters that reorder or hide text too.
    case name
    /// Payload text on one line (`print --compact`, report previews): newline and carriage return too.
    case line
    /// Payload text over several lines: newlines and tabs are kept.
    case text
  }

  /// Appends `bytes` made visible.
  /// - Parameter highlight: text put around each escape (a dim colour and its reset), or nil.
  public static func append(
    _ bytes: UnsafeRawBufferPointer, mode: Mode, to out: inout [UInt8], highlight: (on: String, off: String)? = nil
  ) {
    let count = bytes.count
    var run = 0
    var i = 0
    func escape(_ text: String, length: Int) {
      if run < i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<i])) }
      if let highlight { out.append(contentsOf: highlight.on.utf8) }
      out.append(contentsOf: text.utf8)
      if let highlight { out.append(contentsOf: highlight.off.utf8) }
      i += length
      run = i
    }
    while i < count {
      let b = bytes[i]
      if b >= 0x20 && b < 0x7F {
        i += 1
        continue
      }
      if b < 0x80 {
        switch (b, mode) {
        case (0x0A, .text), (0x09, .text), (0x09, .line): i += 1
        case (0x0A, _): escape("\\n", length: 1)
        case (0x0D, .name), (0x0D, .line): escape("\\r", length: 1)
        case (0x09, .name): escape("\\t", length: 1)
        default: escape("\\x" + hex(b), length: 1)
        }
        continue
      }
      guard let (scalar, length) = decodeScalar(bytes, at: i) else {
        escape("\\x" + hex(b), length: 1)
        continue
      }
      if scalar <= 0x9F || (mode == .name && hidesOrReorders(scalar)) {
        escape("\\u{" + String(scalar, radix: 16, uppercase: true) + "}", length: length)
      } else {
        i += length
      }
    }
    if run < count { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<count])) }
  }

  /// `text` made visible.
  public static func escape(_ text: String, mode: Mode = .name) -> String {
    guard needsEscaping(text, mode: mode) else { return text }
    var out: [UInt8] = []
    var copy = text
    copy.withUTF8 { append(UnsafeRawBufferPointer($0), mode: mode, to: &out) }
    return String(decoding: out, as: UTF8.self)
  }

  /// A name made visible and cut after `limit` characters, saying how many more there were:
  /// `aaaa… (59,800 more characters)`.
  public static func name(_ text: String, limit: Int) -> String {
    let scalars = text.unicodeScalars
    // A text of no more bytes than the limit has no more characters either: most names, told at once.
    guard limit > 0, text.utf8.count > limit, scalars.count > limit else { return escape(text) }
    let kept = String(String.UnicodeScalarView(scalars.prefix(limit)))
    return escape(kept) + "… (\(formatCount(scalars.count - limit)) more characters)"
  }

  /// Rewrites DEL and C1 control characters inside JSON text (from `start` on) as `\u` escapes: the
  /// same JSON value, which a terminal no longer obeys. JSON already escapes the C0 controls.
  /// - Parameter hidden: also the characters that reorder or hide text (see `Mode.name`), for JSON
  ///   that holds names, like capture lines.
  public static func escapeControlsInJSON(_ json: inout [UInt8], from start: Int = 0, hidden: Bool = false) {
    func candidate(_ b: UInt8) -> Bool { b == 0x7F || b == 0xC2 || (hidden && (b == 0xE2 || b == 0xEF)) }
    var i = start
    while i < json.count, !candidate(json[i]) { i += 1 }
    guard i < json.count else { return }
    let first = i
    var tail: [UInt8] = []
    tail.reserveCapacity(json.count - i + 16)
    json.withUnsafeBytes { bytes in
      while i < bytes.count {
        let b = bytes[i]
        if candidate(b), let (scalar, length) = b == 0x7F ? (0x7F, 1) : decodeScalar(bytes, at: i),
          scalar == 0x7F || (scalar >= 0x80 && scalar <= 0x9F) || (hidden && hidesOrReorders(scalar))
        {
          let digits = String(scalar, radix: 16)
          tail.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - digits.count) + digits).utf8)
          i += length
        } else {
          tail.append(b)
          i += 1
        }
      }
    }
    json.removeSubrange(first...)
    json.append(contentsOf: tail)
  }

  /// Whether `scalar` reorders text or is invisible: bidirectional overrides, isolates and marks, and
  /// zero-width characters.
  static func hidesOrReorders(_ scalar: UInt32) -> Bool {
    switch scalar {
    case 0x200B...0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF: return true
    default: return false
    }
  }

  private static func needsEscaping(_ text: String, mode: Mode) -> Bool {
    // Most topics are printable ASCII: one pass over the bytes answers for them.
    if text.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }) == true {
      return false
    }
    for s in text.unicodeScalars {
      let v = s.value
      if v < 0x20 || (v >= 0x7F && v <= 0x9F) || (mode == .name && hidesOrReorders(v)) { return true }
    }
    return false
  }

  /// The scalar of the well-formed UTF-8 sequence at `i`, and its length; nil when the bytes there are not
  /// UTF-8.
  private static func decodeScalar(_ b: UnsafeRawBufferPointer, at i: Int) -> (UInt32, Int)? {
    let lead = b[i]
    guard let (length, lower, upper) = utf8Sequence(lead: lead) else { return nil }
    guard i + length <= b.count, b[i + 1] >= lower, b[i + 1] <= upper else { return nil }
    var scalar = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
    for k in 1..<length {
      let c = b[i + k]
      guard c & 0xC0 == 0x80 else { return nil }
      scalar = scalar << 6 | UInt32(c & 0x3F)
    }
    return (scalar, length)
  }

  private static func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
  }
}
