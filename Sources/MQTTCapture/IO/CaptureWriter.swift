#if canImport(Glibc)
  import Glibc
#endif

/// Whether a file named `path` is written gzip-compressed: its name ends in `.gz` (in any case).
public func isGzipName(_ path: String) -> Bool { path.lowercased().hasSuffix(".gz") }

/// Writes one capture file: a header line, then records, gzip-compressed (for `.gz` names) or plain.
///
/// Crash safety comes from the flush policy: records are gathered in memory, and `flushIfDue()`
/// (called by the capture loop at least every few tens of milliseconds) pushes them through a
/// sync flush (`Deflater.Flush.sync`) into the file once the oldest is `flushInterval` old. A `kill -9` therefore loses at
/// most about that long of messages, and the file reads cleanly up to its last flushed record.
public final class CaptureWriter {
  /// What to do when the file exists.
  public enum Mode: Sendable {
    /// Refuse to touch an existing file.
    case createNew
    /// Replace an existing file (`--force`).
    case replace
    /// Add a new session to an existing, complete capture (`--append`), or create it.
    case append
  }

  /// The file's name as given.
  public let path: String
  /// Whether the file is gzip-compressed.
  public let isCompressed: Bool
  /// How long a record may wait in memory before it is flushed to the file.
  public var flushInterval: Duration = .milliseconds(50)
  /// How often flushed data is also synced to the disk (`fdatasync`), against power cuts.
  public var syncInterval: Duration = .seconds(1)

  /// Messages written, in this file.
  public private(set) var messageCount = 0
  /// Bytes of JSON Lines written, before compression.
  public private(set) var uncompressedBytes: UInt64 = 0
  /// Bytes the file has grown by (after compression).
  public var fileBytes: UInt64 { file.bytesWritten }

  private let file: OutputFile
  private let deflater: Deflater?
  private let parallelDeflater: ParallelDeflater?
  private var pending: [UInt8] = []
  private var pendingSince: UInt64?
  private var lastSync: UInt64 = monotonicNanoseconds()
  private var unsynced = false
  private var closed = false

  /// Opens `path` and writes `header` as its first line.
  /// - Parameters:
  ///   - compressed: gzip or plain; by default gzip when the name ends in `.gz`.
  ///   - level: compression level, 1 (fast) to 9 (small).
  ///   - threads: more than 1 compresses on that many cores (`ParallelDeflater`), for a file written in one
  ///     go such as `merge`'s; a flush then waits for the compression.
  ///   - staged: write to `PATH.partial-PID` and give the file its name only when `close()`
  ///     finished it, so that `path` never holds half a file: for files written in one go (`merge`,
  ///     `convert`), whose gzip members would make a killed run's file look complete. Where renaming would
  ///     lose something (`.append`, a symbolic link, a device or pipe, a file with other links or another
  ///     owner) the file is written in place (see `OutputFile`).
  /// - Throws: `CaptureError` when the file exists (in `.createNew` mode), cannot be opened or written,
  ///   or (in `.append` mode) is not a complete capture.
  public init(
    path: String, mode: Mode = .createNew, header: CaptureHeader, compressed: Bool? = nil, level: Int32 = 6,
    threads: Int = 1, staged: Bool = false
  ) throws {
    var gzip = compressed ?? isGzipName(path)
    let fileMode: OutputFile.Mode
    switch mode {
    case .createNew: fileMode = .createNew
    case .replace: fileMode = .replace
    case .append:
      fileMode = .append
      if let existing = try CaptureWriter.checkAppendable(path) { gzip = existing }
    }
    self.path = path
    let existed = access(path, F_OK) == 0
    self.file = try OutputFile(path: path, mode: fileMode, staged: staged)
    self.isCompressed = gzip
    self.deflater = gzip && threads <= 1 ? Deflater(level: level) : nil
    self.parallelDeflater = gzip && threads > 1 ? ParallelDeflater(level: level, threads: threads) : nil
    pending.reserveCapacity(256 * 1024)
    do {
      try write(.header(header))
      try flush()
    } catch {
      // A file this call created and could not even start (a full disk) is not left behind to block the next
      // try. Anything that was there before (a file being replaced, /dev/full) is never removed.
      if file.partialPath != nil {
        file.discard()
      } else if !existed {
        unlink(path)
      }
      throw error
    }
  }

  /// Writes plain JSON Lines to standard output.
  public init(standardOutputWithHeader header: CaptureHeader) throws {
    self.path = "-"
    self.file = OutputFile()
    self.isCompressed = false
    self.deflater = nil
    self.parallelDeflater = nil
    try write(.header(header))
    try flush()
  }

  /// Whether the existing file at `path` can take more records: nil when there is none, else whether it is gzip.
  private static func checkAppendable(_ path: String) throws -> Bool? {
    guard access(path, F_OK) == 0 else { return nil }
    let reader = try CaptureReader(path: path)
    while try reader.next() != nil {}
    if reader.truncation != nil { throw CaptureError.cannotAppendToTruncated(path: path) }
    return reader.isCompressed
  }

  /// Adds a message.
  public func write(_ message: CapturedMessage) throws {
    messageCount += 1
    RecordEncoder.append(message, to: &pending)
    try afterAppend()
  }

  /// Adds a message given as bytes; see `RecordEncoder.append(timestamp:topic:payload:qos:retain:properties:to:)`.
  public func writeMessage(
    timestamp: Timestamp, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: MQTTQoS, retain: Bool,
    properties: MQTTProperties
  ) throws {
    messageCount += 1
    RecordEncoder.append(
      timestamp: timestamp, topic: topic, payload: payload, qos: qos, retain: retain, properties: properties,
      to: &pending)
    try afterAppend()
  }

  /// Adds a message line exactly as another capture holds it (without its newline), as `merge` passes lines
  /// on; the caller vouches that it is a valid message record (`CaptureReader.nextLineRecord()`).
  public func writeMessageLine(_ line: UnsafeRawBufferPointer) throws {
    messageCount += 1
    pending.append(contentsOf: line)
    pending.append(0x0A)
    try afterAppend()
  }

  /// Adds any record.
  public func write(_ record: CaptureRecord) throws {
    if case .message = record { messageCount += 1 }
    RecordEncoder.append(record, to: &pending)
    try afterAppend()
  }

  private func afterAppend() throws {
    if pendingSince == nil { pendingSince = monotonicNanoseconds() }
    if pending.count >= 128 * 1024 { try drain(flush: .none) }
  }

  /// Flushes when the oldest unflushed record has waited `flushInterval`, and syncs flushed data at most
  /// `syncInterval` after the previous sync, also when nothing more arrives. Cheap to call often.
  public func flushIfDue() throws {
    let now = monotonicNanoseconds()
    if let since = pendingSince, now - since >= UInt64(flushInterval.nanoseconds) {
      try flush()
    }
    if unsynced, now - lastSync >= UInt64(syncInterval.nanoseconds) {
      file.sync()
      lastSync = now
      unsynced = false
    }
  }

  /// How long until `flushIfDue()` has a flush or a sync to do; nil while there is nothing to do.
  public var timeUntilDue: Duration? {
    var due: UInt64?
    if let since = pendingSince { due = since + UInt64(flushInterval.nanoseconds) }
    if unsynced { due = min(due ?? .max, lastSync + UInt64(syncInterval.nanoseconds)) }
    guard let due else { return nil }
    let now = monotonicNanoseconds()
    return due > now ? .nanoseconds(Int64(due - now)) : .zero
  }

  /// Pushes every record written so far into the file, readable by anyone from now on.
  public func flush() throws {
    try drain(flush: .sync)
    pendingSince = nil
    unsynced = true
  }

  /// Finishes the file (gzip trailer), syncs and closes it, and gives a staged file its name. Safe to call twice.
  /// - Throws: `CaptureError.fileExists` when a staged `.createNew` file's name was taken meanwhile (the
  ///   finished file is removed), or the write error; a staged file is removed on any error.
  public func close() throws {
    guard !closed else { return }
    closed = true
    do {
      try drain(flush: .finish)
      file.sync()
    } catch {
      file.discard()
      throw error
    }
    try file.finish()
  }

  /// Stops writing and removes a staged file; a file written in place is closed as it is.
  public func discard() {
    closed = true
    file.discard()
  }

  private func drain(flush mode: Deflater.Flush) throws {
    uncompressedBytes += UInt64(pending.count)
    defer { pending.removeAll(keepingCapacity: true) }
    if let deflater {
      try pending.withUnsafeBytes { (bytes) throws in
        try deflater.compress(bytes, flush: mode, into: file)
      }
    } else if let parallelDeflater {
      try pending.withUnsafeBytes { (bytes) throws in
        try parallelDeflater.compress(bytes, flush: mode, into: file)
      }
    } else if !pending.isEmpty {
      try pending.withUnsafeBytes { (bytes) throws in try file.write(bytes) }
    }
  }
}

extension Duration {
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}
