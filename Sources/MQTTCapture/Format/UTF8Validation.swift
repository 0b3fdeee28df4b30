/// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
///
/// The capture writer asks this of every payload to choose between `payload` and `payload_b64`,
/// so it runs eight ASCII bytes at a time before falling back to the scalar check.
public func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
  let count = bytes.count
  var i = 0
  while i < count {
    // ASCII fast path, a word at a time.
    while i + 8 <= count {
      let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      if word & 0x8080_8080_8080_8080 != 0 { break }
      i += 8
    }
    guard i < count else { return true }
    let lead = bytes[i]
    if lead < 0x80 {
      i += 1
      continue
    }
    guard let (length, lower, upper) = utf8Sequence(lead: lead) else { return false }
    guard i + length <= count else { return false }
    let second = bytes[i + 1]
    guard second >= lower && second <= upper else { return false }
    for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 {
      return false
    }
    i += length
  }
  return true
}

/// Whether `bytes` are well-formed UTF-8.
public func isValidUTF8(_ bytes: [UInt8]) -> Bool {
  bytes.withUnsafeBytes { isValidUTF8($0) }
}

/// What a UTF-8 lead byte promises: the sequence's length and the range its second byte must fall in (which
/// rules out overlong forms, surrogates and code points past U+10FFFF); nil for a byte that cannot lead.
@inline(__always)
func utf8Sequence(lead: UInt8) -> (length: Int, lower: UInt8, upper: UInt8)? {
  switch lead {
  case 0xC2...0xDF: return (2, 0x80, 0xBF)
  case 0xE0: return (3, 0xA0, 0xBF)
  case 0xE1...0xEC, 0xEE...0xEF: return (3, 0x80, 0xBF)
  case 0xED: return (3, 0x80, 0x9F)
  case 0xF0: return (4, 0x90, 0xBF)
  case 0xF1...0xF3: return (4, 0x80, 0xBF)
  case 0xF4: return (4, 0x80, 0x8F)
  default: return nil
  }
}
