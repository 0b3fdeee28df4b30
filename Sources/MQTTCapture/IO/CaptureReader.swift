#if canImport(Glibc)
  import Glibc
#endif

/// Reads a capture file (gzip or plain JSON Lines, or standard input for `-`) record by record,
/// in constant memory however large the file.
///
/// A file cut off by a crash is read up to its last complete record; `truncation` then says so.
/// Corrupt data and lines that are not records throw `CaptureError.corrupt` naming the line.
public final class CaptureReader {
  /// The file's name as given (`-` for standard input).
  public let path: String
  /// The first header of the file.
  public private(set) var header: CaptureHeader
  /// Whether the file is gzip-compressed.
  public private(set) var isCompressed = false
  /// The number of the last line returned.
  public private(set) var lineNumber = 0
  /// Set when the file ended in the middle of a record or of the compressed stream: one sentence.
  public private(set) var truncation: String?
  /// Bytes read from the file so far.
  public private(set) var fileBytesRead: UInt64 = 0
  /// Bytes of JSON Lines read so far (after decompression).
  public private(set) var uncompressedBytesRead: UInt64 = 0

  private let fd: Int32
  private let ownsDescriptor: Bool
  private var inflater: Inflater?
  private var raw: [UInt8] = []  // compressed input not yet consumed
  private var rawStart = 0
  private var text: [UInt8] = []  // decompressed text not yet split into lines
  private var textStart = 0
  private var endOfFile = false
  private var damage: String?

  /// Bytes read, and decompressed, at a time.
  private let chunkSize: Int

  /// Opens `path` (`-` for standard input) and reads its header.
  /// - Parameter bufferSize: bytes read and decompressed at a time; each reader holds about twice that
  ///   (smaller for `merge` of many files, which holds them all open).
  /// - Throws: `CaptureError` when the file cannot be read, is empty, or is not a capture.
  public init(path: String, bufferSize: Int = 256 * 1024) throws {
    self.path = path
    chunkSize = max(4096, bufferSize)
    header = CaptureHeader(created: "", tool: "", broker: "", protocolName: "", subscriptions: [])
    if path == "-" {
      fd = STDIN_FILENO
      ownsDescriptor = false
    } else {
      do throws(SystemCallError) {
        fd = try POSIX.open(path, O_RDONLY | O_CLOEXEC)
      } catch {
        throw CaptureError.cannotOpen(path: path, errno: error.code)
      }
      ownsDescriptor = true
    }
    // Every property is set: from here on a throw runs deinit, which closes the descriptor (once).
    var info = stat()
    if ownsDescriptor, fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
      throw CaptureError.notACapture(path: path, reason: "it is a directory")
    }
    // Decide gzip or plain from the first two bytes.
    let firstRead = try fillRaw(minimum: 2)
    isCompressed = raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B
    guard firstRead || !raw.isEmpty else { throw CaptureError.empty(path: path) }
    if isCompressed { inflater = Inflater(chunkSize: chunkSize) }
    try readHeader()
  }

  deinit {
    if ownsDescriptor { try? POSIX.close(fd) }
  }

  private func readHeader() throws {
    let line: ArraySlice<UInt8>?
    do {
      line = try nextLine()
    } catch CaptureError.corrupt {
      throw CaptureError.notACapture(path: path, reason: "its gzip data is damaged before the end of line 1")
    }
    guard let line else {
      if truncation != nil || (isCompressed && uncompressedBytesRead == 0) {
        throw CaptureError.notACapture(path: path, reason: "it ends before its first line is complete")
      }
      throw CaptureError.empty(path: path)
    }
    let record = line.withUnsafeBytes { try? RecordDecoder.decode($0) }
    guard case .header(let header) = record else {
      let looksBinary = line.prefix(512).contains { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) }
      throw CaptureError.notACapture(
        path: path,
        reason: looksBinary ? "it holds binary data, not JSON Lines" : "line 1 is not a capture header")
    }
    guard header.version <= CaptureHeader.currentVersion else {
      throw CaptureError.newerVersion(path: path, version: header.version)
    }
    self.header = header
  }

  /// The next record after the first header, or nil at the end of the file.
  /// Headers of sessions appended later are returned as `.header` records.
  /// - Throws: `CaptureError.corrupt` for a line that is not a record or damaged compressed data.
  public func next() throws -> CaptureRecord? {
    while true {
      guard let line = try nextLine() else { return nil }
      if line.isEmpty { continue }
      return try decode(line)
    }
  }

  /// A record read to be passed on as it stands (`merge`): its line, until the next read, is in `withLine`.
  public struct Line {
    /// The record's time; nil for the header of a session appended later.
    public var time: Timestamp?
    /// The decoded record, or nil for a message line that the fast checks vouched for without decoding it:
    /// a line that `next()` would have returned as a message.
    public var record: CaptureRecord?
  }

  /// The next record like `next()`, with the same checks and errors, but the common message line is only
  /// checked, not decoded: its bytes can be copied with `withLine`.
  /// - Throws: `CaptureError.corrupt` for a line that is not a record or damaged compressed data.
  public func nextLineRecord() throws -> Line? {
    while true {
      guard let line = try nextLine() else { return nil }
      if line.isEmpty { continue }
      current = line.startIndex..<line.endIndex
      if let time = line.withUnsafeBytes({ RecordDecoder.fastMessageTime($0) }) {
        return Line(time: time, record: nil)
      }
      guard let record = try decode(line) else { return nil }
      switch record {
      case .message(let m): return Line(time: m.timestamp, record: record)
      case .event(let e): return Line(time: e.timestamp, record: record)
      case .header: return Line(time: nil, record: record)
      }
    }
  }

  /// Calls `body` with the bytes (no newline) of the line `nextLineRecord()` returned last.
  public func withLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try text.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[current])) }
  }

  private var current = 0..<0

  /// The record on `line`; nil (with `truncation` set) for the incomplete last line of a cut-off file.
  private func decode(_ line: ArraySlice<UInt8>) throws -> CaptureRecord? {
    let decoded = line.withUnsafeBytes { (bytes) -> Result<CaptureRecord, RecordSyntaxError> in
      do {
        return .success(try RecordDecoder.decode(bytes))
      } catch {
        return .failure(error as? RecordSyntaxError ?? RecordSyntaxError(message: "\(error)"))
      }
    }
    switch decoded {
    case .success(let record): return record
    case .failure(let error):
      if endOfFile && textStart >= text.count && lineWasUnterminated {
        // The last line of a file that stops mid-record: a crash, not corruption.
        truncation = cutOffSentence()
        return nil
      }
      throw CaptureError.corrupt(path: path, line: lineNumber, reason: error.message)
    }
  }

  private var lineWasUnterminated = false

  private func cutOffSentence() -> String {
    "\(CaptureError.shown(path)) was cut off after line \(lineNumber - (lineWasUnterminated ? 1 : 0)) "
      + "(what wrote it stopped before finishing it); every complete record before that was read."
  }

  // MARK: - Lines

  /// The next line without its newline, or nil at the end.
  private func nextLine() throws -> ArraySlice<UInt8>? {
    var searchFrom = textStart
    while true {
      if let newline = findNewline(from: searchFrom) {
        let line = text[textStart..<newline]
        textStart = newline + 1
        lineNumber += 1
        lineWasUnterminated = false
        return line
      }
      searchFrom = text.count
      if let damage {
        throw CaptureError.corrupt(path: path, line: lineNumber + 1, reason: damage)
      }
      if endOfFile {
        guard textStart < text.count else {
          if isCompressed && truncation == nil && inflater?.midStream == true {
            // Every line is complete but the gzip stream has no end: the recorder was killed.
            lineWasUnterminated = false
            truncation = cutOffSentence()
          }
          return nil
        }
        let line = text[textStart..<text.count]
        textStart = text.count
        lineNumber += 1
        lineWasUnterminated = true
        if isCompressed && truncation == nil && inflater?.midStream == true {
          // A gzip stream that stops before its end: the last line is incomplete.
          truncation = cutOffSentence()
          return nil
        }
        return line
      }
      // Compact, then read more.
      if textStart > 0 {
        let consumedSearch = searchFrom - textStart
        text.removeSubrange(0..<textStart)
        textStart = 0
        searchFrom = consumedSearch
      }
      try produceText()
    }
  }

  private func findNewline(from start: Int) -> Int? {
    guard start < text.count else { return nil }
    return text.withUnsafeBytes { bytes -> Int? in
      guard let base = bytes.baseAddress,
        let hit = memchr(base + start, 0x0A, bytes.count - start)
      else { return nil }
      return base.distance(to: UnsafeRawPointer(hit))
    }
  }

  /// Adds decompressed (or plain) text to `text`; sets `endOfFile` when there is no more.
  private func produceText() throws {
    if rawStart >= raw.count {
      raw.removeAll(keepingCapacity: true)
      rawStart = 0
      if try !fillRaw(minimum: 1) {
        finishAtEndOfFile()
        return
      }
    }
    guard let inflater else {
      text.append(contentsOf: raw[rawStart...])
      uncompressedBytesRead += UInt64(raw.count - rawStart)
      rawStart = raw.count
      return
    }
    let before = text.count
    let result = raw.withUnsafeBytes { input in
      inflater.inflate(UnsafeRawBufferPointer(rebasing: input[rawStart...]), into: &text)
    }
    uncompressedBytesRead += UInt64(text.count - before)
    switch result {
    case .consumed(let n):
      rawStart += n
    case .streamEnded(let n):
      rawStart += n
      // Another gzip member may follow (a session added with --append).
      if rawStart >= raw.count {
        raw.removeAll(keepingCapacity: true)
        rawStart = 0
        if try !fillRaw(minimum: 2) {
          finishAtEndOfFile()
          return
        }
      } else if raw.count - rawStart < 2 {
        _ = try fillRaw(minimum: 2)
      }
      if raw.count - rawStart >= 2, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B {
        inflater.reset()
      } else {
        throw CaptureError.corrupt(
          path: path, line: lineNumber + 1, reason: "unexpected data after the end of the compressed stream")
      }
    case .corrupt(let message):
      // Hand out the lines decoded before the damage first; nextLine throws when they run out.
      damage = message
    }
  }

  private func finishAtEndOfFile() {
    endOfFile = true
  }

  /// Reads from the file until `raw` holds at least `minimum` unconsumed bytes or the file ends.
  /// - Returns: false when the file ended before anything was read.
  @discardableResult
  private func fillRaw(minimum: Int) throws -> Bool {
    var gotAny = false
    while raw.count - rawStart < minimum {
      raw.reserveCapacity(raw.count + chunkSize)
      let n: Int
      do throws(SystemCallError) {
        n = try POSIX.read(fd, appendingTo: &raw, count: chunkSize)
      } catch {
        throw CaptureError.readFailed(path: path, errno: error.code)
      }
      if n == 0 { return gotAny }
      fileBytesRead += UInt64(n)
      gotAny = true
    }
    return true
  }
}
