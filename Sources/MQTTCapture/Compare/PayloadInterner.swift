/// Lets equal large payloads share one copy in memory: `diff` keeps the messages of both captures, and a
/// capture compared with itself (or with a run that sent the same large payloads) would hold each twice.
///
/// A payload is looked up by its bytes (hashed as one block, compared in full on a match), so sharing is
/// exact; small payloads are left alone, as their copies cost less than the table.
public struct PayloadInterner {
  /// Payloads shorter than this many bytes are not shared.
  public let minimumBytes: Int
  private var seen: Set<Bytes> = []

  /// An interner of payloads of at least `minimumBytes` bytes (64 KiB by default).
  public init(minimumBytes: Int = 65_536) { self.minimumBytes = minimumBytes }

  /// Replaces `message`'s payload by an earlier one with the same bytes, if any; remembers it otherwise.
  /// A payload kept as a digest is left alone.
  public mutating func intern(_ message: inout ComparedMessage) {
    guard case .bytes(let payload) = message.payload, payload.count >= minimumBytes else { return }
    let key = Bytes(array: payload)
    if let earlier = seen.firstIndex(of: key) {
      message.payload = .bytes(seen[earlier].array)
    } else {
      seen.insert(key)
    }
  }

  /// A payload hashed as one block of memory (an array hashes byte by byte).
  private struct Bytes: Hashable {
    var array: [UInt8]
    func hash(into hasher: inout Hasher) {
      array.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
  }
}
