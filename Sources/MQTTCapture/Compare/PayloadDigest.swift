/// What stands in for a large payload that a comparison does not keep in memory: its size, its SHA-256 and
/// whether it is UTF-8. Two payloads with equal digests are counted equal (a SHA-256 collision aside).
public struct PayloadDigest: Hashable, Sendable {
  /// The payload's size in bytes.
  public var count: Int
  /// The SHA-256 of its bytes.
  public var sha256: [UInt8]
  /// Whether its bytes are valid UTF-8 (a report shows text, or says binary).
  public var isUTF8: Bool

  /// The digest of `payload`.
  public init(of payload: [UInt8]) {
    count = payload.count
    sha256 = SHA256.hash(payload)
    isUTF8 = isValidUTF8(payload)
  }
}

/// Keeps the payloads larger than `limit` as their digest and first bytes (`ComparedPayload.digest`), so
/// that `diff`, which keeps both captures' messages, holds no large payload: comparing a capture of two
/// 50 MB payloads with itself took 253 MiB with the payloads kept, about 2.5 times their size.
///
/// Use it only where payloads larger than `limit` are compared byte for byte anyway (as the comparison
/// does above `ComparisonOptions.largestValue`); a report shows no more than the start of a payload.
public struct PayloadDigester {
  /// Payloads of more bytes than this are kept as digests.
  public let limit: Int
  /// How many of a digested payload's first bytes are kept (for the report's preview), cut at a character.
  public static let keptBytes = 1024

  /// A digester of payloads larger than `limit` bytes.
  public init(above limit: Int) { self.limit = limit }

  /// `message` as a comparison keeps it: its payload as its digest and first bytes when it is larger
  /// than `limit`, whole otherwise.
  public func compared(_ message: CapturedMessage) -> ComparedMessage {
    guard message.payload.count > limit else { return ComparedMessage(message) }
    let digest = PayloadDigest(of: message.payload)
    var end = min(Self.keptBytes, message.payload.count)
    if digest.isUTF8 {
      // Not inside a character: back up over continuation bytes.
      while end < message.payload.count, end > 0, message.payload[end] & 0xC0 == 0x80 { end -= 1 }
    }
    return ComparedMessage(message, payload: .digest(digest, prefix: Array(message.payload[..<end])))
  }
}
