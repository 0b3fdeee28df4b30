/// Shows a payload to a person: JSON pretty-printed (literals untouched), other UTF-8 as text with
/// control characters made visible, anything else as a hex dump with its size.
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
  /// Show at most this many bytes of a payload, then how many were left out.
  public var maxBytes: Int?
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
    var shown = payload
    var cut = 0
    if let maxBytes, payload.count > maxBytes {
      shown = UnsafeRawBufferPointer(rebasing: payload[0..<maxBytes])
      cut = payload.count - maxBytes
    }
    let kind: Kind
    if isValidUTF8(shown) || (cut > 0 && isValidUTF8Prefix(shown)) {
      if cut == 0, (try? formatter.format(shown, into: &out)) != nil {
        return .json
      }
      appendText(shown, &out)
      kind = .text
    } else {
      note("(binary, \(payload.count) bytes)\n", &out)
      appendHexDump(shown, &out)
      kind = .binary
    }
    if cut > 0 { note("\n… \(cut) more bytes (--max-bytes)", &out) }
    return kind
  }

  private func note(_ text: String, _ out: inout [UInt8]) {
    if let dim { out.append(contentsOf: dim.utf8) }
    out.append(contentsOf: text.utf8)
    if dim != nil { out.append(contentsOf: reset.utf8) }
  }

  /// UTF-8 that may end in the middle of a character (a payload cut by --max-bytes).
  private func isValidUTF8Prefix(_ bytes: UnsafeRawBufferPointer) -> Bool {
    for drop in 1...3 where bytes.count > drop {
      if isValidUTF8(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - drop)])) { return true }
    }
    return false
  }

  /// Text as it is, but control characters (other than newline and tab) and DEL as `\xNN`, so a
  /// payload cannot drive the terminal.
  func appendText(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
    var runStart = 0
    for i in 0..<bytes.count {
      let b = bytes[i]
      guard (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F else { continue }
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
      note("\\x" + hex(b), &out)
      runStart = i + 1
    }
    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<bytes.count]))
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
