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
    let length: Int
    var lower: UInt8 = 0x80
    var upper: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      lower = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      upper = 0x9F
    case 0xF0:
      length = 4
      lower = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      upper = 0x8F
    default: return false
    }
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
