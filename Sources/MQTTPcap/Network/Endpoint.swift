/// One end of a TCP connection: an IPv4 or IPv6 address and a port.
struct Endpoint: Hashable, Comparable, CustomStringConvertible {
  /// 4 bytes (IPv4) or 16 (IPv6).
  var address: [UInt8]
  var port: UInt16

  static func < (a: Endpoint, b: Endpoint) -> Bool {
    a.address.lexicographicallyPrecedes(b.address) || (a.address == b.address && a.port < b.port)
  }

  /// `127.0.0.1:1883`, `[::1]:1883`.
  var description: String {
    if address.count == 4 { return address.map { String($0) }.joined(separator: ".") + ":\(port)" }
    return "[\(Self.ipv6(address))]:\(port)"
  }

  /// RFC 5952 text: lower-case hex groups, the longest run of two or more zero groups as `::`.
  static func ipv6(_ bytes: [UInt8]) -> String {
    let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
    var best = (start: -1, count: 0)
    var i = 0
    while i < 8 {
      var j = i
      while j < 8, groups[j] == 0 { j += 1 }
      if j - i > best.count, j - i >= 2 { best = (i, j - i) }
      i = j + 1
    }
    func text(_ range: Range<Int>) -> String {
      groups[range].map { String($0, radix: 16) }.joined(separator: ":")
    }
    if best.start < 0 { return text(0..<8) }
    return text(0..<best.start) + "::" + text((best.start + best.count)..<8)
  }
}

/// A TCP connection, the same whichever way its packets go: its two ends in a fixed order.
struct ConnectionKey: Hashable {
  var low: Endpoint
  var high: Endpoint

  init(_ a: Endpoint, _ b: Endpoint) {
    (low, high) = a < b ? (a, b) : (b, a)
  }
}
