/// Shows a payload to a person: JSON pretty-printed (literals untouched), other UTF-8 as text with
/// control characters made visible (`VisibleText`), anything else as a hex dump with its size.
public struct PayloadRenderer: Sendable {
  /// What a payload was shown as.
  public enum Kind: Sendable, Equatable {
    /// JSON, pretty-printed.
    case json
    /// UTF-8 that is not JSON (or was cut by `maxBytes`), shown as text.
    case text
    /// Not UTF-8: a hex dump.
    case binary
    /// No bytes at all: `(empty)`.
    case empty
  }

  /// How JSON payloads are laid out (indent, colours, redacted paths).
  public var formatter: JSONFormatter
  /// Show at most this many bytes of a payload, then how many were left out; nil for all.
  public var maxBytes: Int?
  /// Said after the count of bytes left out, to tell how to see them: ` (--max-bytes 0 shows all)`.
  public var cutHint = ""
  /// Dim colour for hex offsets, escapes and notes; nil for plain text.
  public var dim: String?
  /// Ends a dim span: back to the terminal's default.
  public var reset: String = "\u{1B}[0m"

  /// A renderer; by default whole payloads, no colours.
  public init(formatter: JSONFormatter = JSONFormatter(), maxBytes: Int? = nil, dim: String? = nil) {
    self.formatter = formatter
    self.maxBytes = maxBytes
    self.dim = dim
  }

  /// Appends the rendering of `payload` (no trailing newline) and says what it was.
  @discardableResult
  public func render(_ payload: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Kind {
    if payload.isEmpty {
      note("(empty)", &out)
      return .empty
    }
    let (shown, cut) = limited(payload)
    let kind: Kind
    if isValidUTF8(shown) {
      if cut == 0, (try? formatter.format(shown, into: &out)) != nil {
        return .json
      }
      appendText(shown, &out)
      kind = .text
    } else {
      note("(binary, \(formatCount(payload.count)) bytes)\n", &out)
      appendHexDump(shown, &out)
      kind = .binary
    }
    if cut > 0 { note("\n\(cutNote(cut))", &out) }
    return kind
  }

  /// Appends `payload` on one line (`print --compact`): text with line breaks and controls made visible,
  /// anything else as `<binary N bytes: 89504e47…>`.
  public func renderLine(_ payload: UnsafeRawBufferPointer, into out: inout [UInt8]) {
    let (shown, cut) = limited(payload)
    if isValidUTF8(shown) {
      VisibleText.append(shown, mode: .line, to: &out, highlight: dim.map { ($0, reset) })
    } else {
      out.append(contentsOf: "<binary \(formatCount(payload.count)) bytes: ".utf8)
      for b in shown { out.append(contentsOf: hex(b).utf8) }
      out.append(UInt8(ascii: ">"))
    }
    if cut > 0 { note(" \(cutNote(cut))", &out) }
  }

  /// `… 49,934,464 more bytes not shown (--max-bytes 0 shows all)`.
  private func cutNote(_ cut: Int) -> String {
    "… \(formatCount(cut)) more \(cut == 1 ? "byte" : "bytes") not shown\(cutHint)"
  }

  /// The part of `payload` shown under `maxBytes`, and how many bytes are left out. The cut does not split
  /// a UTF-8 character.
  private func limited(_ payload: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, Int) {
    guard let maxBytes, maxBytes > 0, payload.count > maxBytes else { return (payload, 0) }
    var end = maxBytes
    // Back up over continuation bytes (at most three) to the start of the character that was cut.
    while end > 0, maxBytes - end < 3, payload[end] & 0xC0 == 0x80 { end -= 1 }
    if end == 0 || !isValidUTF8(UnsafeRawBufferPointer(rebasing: payload[0..<end])) { end = maxBytes }
    return (UnsafeRawBufferPointer(rebasing: payload[0..<end]), payload.count - end)
  }

  private func note(_ text: String, _ out: inout [UInt8]) {
    if let dim { out.append(contentsOf: dim.utf8) }
    out.append(contentsOf: text.utf8)
    if dim != nil { out.append(contentsOf: reset.utf8) }
  }

  /// Text as it is, but control characters (other than newline and tab), DEL and C1 controls made
  /// visible (`\x1b`, `\u{9B}`), so a payload cannot drive the terminal.
  func appendText(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
    VisibleText.append(bytes, mode: .text, to: &out, highlight: dim.map { ($0, reset) })
  }

  /// `00000010  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|`
  func appendHexDump(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      if offset > 0 { out.append(0x0A) }
      let end = min(offset + 16, bytes.count)
      let address = String(offset, radix: 16)
      note(String(repeating: "0", count: max(0, 8 - address.count)) + address, &out)
      out.append(contentsOf: "  ".utf8)
      for k in offset..<(offset + 16) {
        if k < end {
          out.append(contentsOf: hex(bytes[k]).utf8)
          out.append(0x20)
        } else {
          out.append(contentsOf: "   ".utf8)
        }
        if k == offset + 7 { out.append(0x20) }
      }
      out.append(contentsOf: " |".utf8)
      for k in offset..<end {
        let b = bytes[k]
        out.append(b >= 0x20 && b < 0x7F ? b : UInt8(ascii: "."))
      }
      out.append(UInt8(ascii: "|"))
      offset = end
    }
  }

  private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
  }
}
