#if canImport(Glibc)
  import Glibc
#endif

/// Reads a file (or standard input for `-`) line by line in constant memory, without interpreting the
/// lines. Gzip-compressed input (told by its first two bytes, several members one after the other as
/// `capture --append` writes them) is decompressed, as every capture reader does.
public final class LineReader {
  /// The file's name as given (`-` for standard input).
  public let path: String
  /// The number of the last line returned, from 1; 0 before the first.
  public private(set) var lineNumber = 0
  /// Whether the input is gzip-compressed.
  public private(set) var isCompressed = false
  /// Set when compressed input ends before its compressed data does (a recorder that was killed): one
  /// sentence. An incomplete last line is then not returned.
  public private(set) var truncation: String?
  private let fd: Int32
  private let owns: Bool
  private var buffer: [UInt8] = []
  private var start = 0
  private var atEnd = false
  private var decided = false
  private var inflater: Inflater?
  private var raw: [UInt8] = []  // compressed input not yet inflated
  private var rawStart = 0
  private var damage: String?

  private static let chunkSize = 256 * 1024

  /// Opens `path` (`-` for standard input); nothing is read yet.
  /// - Throws: `CaptureError.cannotOpen`.
  public init(path: String) throws {
    self.path = path
    if path == "-" {
      fd = STDIN_FILENO
      owns = false
    } else {
      do throws(SystemCallError) {
        fd = try POSIX.open(path, O_RDONLY | O_CLOEXEC)
      } catch {
        throw CaptureError.cannotOpen(path: path, errno: error.code)
      }
      owns = true
    }
  }

  deinit { if owns { try? POSIX.close(fd) } }

  /// The next line without its newline, or nil at the end.
  /// - Throws: `CaptureError.readFailed`, or `.corrupt` for damaged compressed data (after the lines before it).
  public func next() throws -> ArraySlice<UInt8>? {
    var searchFrom = start
    while true {
      if searchFrom < buffer.count,
        let nl = buffer[searchFrom...].firstIndex(of: 0x0A)
      {
        let line = buffer[start..<nl]
        start = nl + 1
        lineNumber += 1
        return line
      }
      if let damage {
        throw CaptureError.corrupt(path: path, line: lineNumber + 1, reason: damage)
      }
      if atEnd {
        guard start < buffer.count, truncation == nil else { return nil }
        let line = buffer[start...]
        start = buffer.count
        lineNumber += 1
        return line
      }
      if start > 0 {
        buffer.removeSubrange(0..<start)
        start = 0
      }
      searchFrom = buffer.count
      try readMore()
    }
  }

  // MARK: - Reading

  /// Adds text to `buffer`, or sets `atEnd` (and `truncation`), or `damage`.
  private func readMore() throws {
    if !decided {
      decided = true
      while raw.count < 2, try read(into: &raw) > 0 {}
      isCompressed = raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B
      if !isCompressed {
        buffer.append(contentsOf: raw)
        raw = []
        if buffer.isEmpty { atEnd = true }
        return
      }
      inflater = Inflater()
    }
    guard let inflater else {
      if try read(into: &buffer) == 0 { atEnd = true }
      return
    }
    if rawStart >= raw.count {
      raw.removeAll(keepingCapacity: true)
      rawStart = 0
      if try read(into: &raw) == 0 {
        atEnd = true
        if inflater.midStream { truncation = cutOffSentence() }
        return
      }
    }
    let result = raw.withUnsafeBytes {
      inflater.inflate(UnsafeRawBufferPointer(rebasing: $0[rawStart...]), into: &buffer)
    }
    switch result {
    case .consumed(let n):
      rawStart += n
    case .streamEnded(let n):
      rawStart += n
      // Another gzip member may follow (a session added with --append).
      if raw.count - rawStart < 2 {
        raw.removeSubrange(0..<rawStart)
        rawStart = 0
        while raw.count < 2, try read(into: &raw) > 0 {}
      }
      if raw.count - rawStart >= 2, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B {
        inflater.reset()
      } else if rawStart < raw.count {
        damage = "unexpected data after the end of the compressed stream"
      }
    case .corrupt(let message):
      // The lines decoded before the damage are handed out first; `next` throws when they run out.
      damage = message
    }
  }

  /// Reads a chunk onto the end of `bytes`; returns how many bytes came (0 at the end).
  private func read(into bytes: inout [UInt8]) throws -> Int {
    do throws(SystemCallError) {
      return try POSIX.read(fd, appendingTo: &bytes, count: Self.chunkSize)
    } catch {
      throw CaptureError.readFailed(path: path, errno: error.code)
    }
  }

  private func cutOffSentence() -> String {
    "\(path) was cut off after line \(lineNumber + buffer[start...].filter { $0 == 0x0A }.count) "
      + "(its compressed data stops before the end); every complete line before that was read."
  }
}
