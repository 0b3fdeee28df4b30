/// The index of the first byte at or after `start` that a JSON string cannot hold as is — a quote, a
/// backslash or a control character — or `bytes.count`. Eight bytes at a time: this is the inner loop
/// of writing and reading every payload.
@inlinable
public func firstJSONSpecialByte(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
  let count = bytes.count
  var i = start
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highs: UInt64 = 0x8080_8080_8080_8080
  while i + 8 <= count {
    let x = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
    let quote = x ^ (ones &* 0x22)
    let slash = x ^ (ones &* 0x5C)
    // A zero byte in `quote` or `slash`, or a byte below 0x20 in `x` (bytes >= 0x80 never count).
    let found =
      ((quote &- ones) & ~quote & highs) | ((slash &- ones) & ~slash & highs) | ((x &- ones &* 0x20) & ~x & highs)
    if found != 0 { break }
    i += 8
  }
  while i < count {
    let c = bytes[i]
    if c == 0x22 || c == 0x5C || c < 0x20 { return i }
    i += 1
  }
  return count
}

/// The index after the JSON number (RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) that starts
/// at `start`, or nil when no valid number starts there. A number is not valid because a prefix of it
/// is: the caller checks what follows.
public func jsonNumberEnd(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
  let n = b.count
  var i = start
  func digit(_ k: Int) -> Bool { k < n && b[k] >= 0x30 && b[k] <= 0x39 }
  if i < n, b[i] == UInt8(ascii: "-") { i += 1 }
  guard digit(i) else { return nil }
  if b[i] == UInt8(ascii: "0") { i += 1 } else { while digit(i) { i += 1 } }
  if i < n, b[i] == UInt8(ascii: ".") {
    i += 1
    guard digit(i) else { return nil }
    while digit(i) { i += 1 }
  }
  if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
    i += 1
    if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
    guard digit(i) else { return nil }
    while digit(i) { i += 1 }
  }
  return i
}
