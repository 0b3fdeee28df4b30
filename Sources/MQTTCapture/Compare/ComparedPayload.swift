/// A payload as a comparison holds it: all of its bytes, or for a large payload, which is compared byte for
/// byte anyway, only its digest and first bytes (`PayloadDigester`), so that `diff` keeps no large payload.
public enum ComparedPayload: Equatable, Sendable {
  /// All of the payload's bytes.
  case bytes([UInt8])
  /// A payload kept as its digest, with its first bytes (cut at a character): what a report shows of it.
  case digest(PayloadDigest, prefix: [UInt8])

  /// The payload's size in bytes, also when only its digest was kept.
  public var count: Int {
    switch self {
    case .bytes(let bytes): return bytes.count
    case .digest(let digest, _): return digest.count
    }
  }

  /// The bytes kept: all of them, or the first ones of a payload kept as its digest.
  public var kept: [UInt8] {
    switch self {
    case .bytes(let bytes): return bytes
    case .digest(_, let prefix): return prefix
    }
  }
}
