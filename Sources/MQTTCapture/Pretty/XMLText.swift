/// Text made safe inside XML, HTML and SVG: what the report, `verify --junit` and `check --junit` write.
public enum XMLText {
  /// `text` with `& < > " '` as entities (`& < >` only, without `quotes`, for text between tags), bidi
  /// overrides and isolates (U+202A–U+202E, U+2066–U+2069) shown as `\u{202E}` so they cannot reorder what
  /// follows, and controls and U+FFFE/U+FFFF (not allowed in XML) as `\u{FFFF}`; `VisibleText` shows
  /// control characters in its own way first where it applies.
  public static func escape(_ text: String, quotes: Bool = true) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x26: out += "&amp;"
      case 0x3C: out += "&lt;"
      case 0x3E: out += "&gt;"
      case 0x22 where quotes: out += "&quot;"
      case 0x27 where quotes: out += "&#39;"
      case 0x202A...0x202E, 0x2066...0x2069, 0xFFFE, 0xFFFF, 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F...0x9F:
        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
