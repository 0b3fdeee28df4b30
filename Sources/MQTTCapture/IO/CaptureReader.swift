import CZlib

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

  private static let chunkSize = 256 * 1024

  /// Opens `path` (`-` for standard input) and reads its header.
  /// - Throws: `CaptureError` when the file cannot be read, is empty, or is not a capture.
  public init(path: String) throws {
    self.path = path
    if path == "-" {
      fd = STDIN_FILENO
      ownsDescriptor = false
    } else {
      fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw CaptureError.cannotOpen(path: path, errno: errno) }
      ownsDescriptor = true
      var info = stat()
      if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
        Glibc.close(fd)
        throw CaptureError.notACapture(path: path, reason: "it is a directory")
      }
    }
    // Decide gzip or plain from the first two bytes.
    var firstRead = false
    var gzip = false
    header = CaptureHeader(created: "", tool: "", broker: "", protocolName: "", subscriptions: [])
    do {
      firstRead = try fillRaw(minimum: 2)
      gzip = raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B
    } catch {
      if ownsDescriptor { Glibc.close(fd) }
      throw error
    }
    isCompressed = gzip
    guard firstRead || !raw.isEmpty else {
      if ownsDescriptor { Glibc.close(fd) }
      throw CaptureError.empty(path: path)
    }
    if gzip { inflater = Inflater() }
    try readHeader()
  }

  deinit {
    if ownsDescriptor { Glibc.close(fd) }
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
  }

  private var lineWasUnterminated = false

  private func cutOffSentence() -> String {
    "\(path) was cut off after line \(lineNumber - (lineWasUnterminated ? 1 : 0)) "
      + "(the recorder stopped without finishing it); every complete record before that was read."
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
      damage = "damaged compressed data (\(message))"
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
      let oldCount = raw.count
      raw.reserveCapacity(oldCount + Self.chunkSize)
      var n = 0
      var failure: Int32 = 0
      raw.append(contentsOf: repeatElement(0, count: Self.chunkSize))
      raw.withUnsafeMutableBytes { buffer in
        repeat {
          n = read(fd, buffer.baseAddress! + oldCount, Self.chunkSize)
        } while n < 0 && errno == EINTR
        if n < 0 { failure = errno }
      }
      raw.removeSubrange((oldCount + max(n, 0))...)
      if n < 0 { throw CaptureError.readFailed(path: path, errno: failure) }
      if n == 0 { return gotAny }
      fileBytesRead += UInt64(n)
      gotAny = true
    }
    return true
  }
}

/// A gzip stream being read.
final class Inflater {
  enum Result {
    case consumed(Int)
    case streamEnded(Int)
    case corrupt(String)
  }

  private let stream: UnsafeMutablePointer<z_stream>
  /// True between a member's first byte and its end: the file is cut off if it stops here.
  private(set) var midStream = false
  private var chunk = [UInt8](repeating: 0, count: 256 * 1024)

  init() {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let rc = mqttdumper_inflate_init_gzip(stream)
    precondition(rc == Z_OK, "inflateInit2 failed: \(rc)")
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
  }

  func reset() {
    inflateReset(stream)
    midStream = false
  }

  /// Inflates as much of `input` as it can, appending to `output`.
  func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Result {
    guard input.count > 0 else { return .consumed(0) }
    midStream = true
    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    defer { stream.pointee.next_in = nil }
    let capacity = chunk.count
    while true {
      var rc: Int32 = Z_OK
      var produced = 0
      chunk.withUnsafeMutableBytes { out in
        stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        rc = CZlib.inflate(stream, Z_NO_FLUSH)
        produced = capacity - Int(stream.pointee.avail_out)
      }
      if produced > 0 { output.append(contentsOf: chunk[0..<produced]) }
      let used = input.count - Int(stream.pointee.avail_in)
      switch rc {
      case Z_STREAM_END:
        midStream = false
        return .streamEnded(used)
      case Z_OK:
        // One output chunk at a time, so damage is found at the line where it is, not ahead of it.
        return .consumed(used)
      case Z_BUF_ERROR:
        return .consumed(used)
      default:
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
        return .corrupt(message)
      }
    }
  }
}
