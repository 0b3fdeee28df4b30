#if canImport(Glibc)
  import Glibc
#endif

/// Standard output with a buffer, for commands that print a lot. A closed pipe (`| head`) surfaces as
/// `isClosedPipe` errors so a command can stop quietly.
public final class BufferedOutput {
  private var buffer: [UInt8] = []
  private let file = OutputFile()

  /// Standard output, buffered; nothing is written until 64 KiB gathered or `flush()`.
  public init() { buffer.reserveCapacity(128 * 1024) }

  /// Adds bytes, writing out once 64 KiB have gathered.
  /// - Throws: `CaptureError.writeFailed` (`isClosedPipe` when the reader went away).
  public func write(_ bytes: [UInt8]) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 64 * 1024 { try flush() }
  }

  /// Appends through a closure, to avoid an intermediate array; writes out once 64 KiB have gathered.
  /// - Throws: `CaptureError.writeFailed` (`isClosedPipe` when the reader went away).
  public func append(_ body: (inout [UInt8]) -> Void) throws {
    body(&buffer)
    if buffer.count >= 64 * 1024 { try flush() }
  }

  /// Writes out everything gathered, before the command ends or an error message goes to stderr.
  /// - Throws: `CaptureError.writeFailed` (`isClosedPipe` when the reader went away).
  public func flush() throws {
    guard !buffer.isEmpty else { return }
    defer { buffer.removeAll(keepingCapacity: true) }
    try buffer.withUnsafeBytes { try file.write($0) }
  }
}

extension CaptureError {
  /// Whether this is the reader of our output going away (`| head`), which is no failure.
  public var isClosedPipe: Bool {
    if case .writeFailed(_, let code) = self { return code == EPIPE }
    return false
  }

  /// Whether writing failed (a full disk, a closed pipe), as opposed to reading.
  public var isWriteFailure: Bool {
    switch self {
    case .writeFailed, .stagedWriteFailed: return true
    default: return false
    }
  }
}
