#if canImport(Glibc)
  import Glibc
#endif

/// When a capture continues into its next numbered file.
public struct CaptureRotation: Sendable, Equatable {
  /// Start a new file once this many (compressed) bytes were written to the current one.
  public var maxBytes: UInt64?
  /// Start a new file once the current one has been open this long.
  public var interval: Duration?
  /// Rotation by size, by time, or both, whichever comes first; with neither (the default), one file.
  public init(maxBytes: UInt64? = nil, interval: Duration? = nil) {
    self.maxBytes = maxBytes
    self.interval = interval
  }
}

/// Where a capture session puts what it records: capture files, or (for `print --live`) the screen.
public protocol CaptureSink: AnyObject {
  /// Adds a message given as bytes that are valid only during the call.
  func writeMessage(
    timestamp: Timestamp, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: MQTTQoS, retain: Bool,
    properties: MQTTProperties) throws
  /// Adds a message that outlives the call (one that arrived before the sink was open, for example).
  func write(_ message: CapturedMessage) throws
  /// Adds a connection event (`connected`, `disconnected`) where it happened among the messages.
  func write(_ event: ConnectionEvent) throws
  /// Called by the loop every few tens of milliseconds, and when `timeUntilDue` has passed.
  func flushIfDue() throws
  /// How long until `flushIfDue()` has work to do; nil while there is none.
  var timeUntilDue: Duration? { get }
  /// Pushes everything written so far out now, so a reader sees it (after a lost connection, for example).
  func flush() throws
  /// Finishes the output once recording ends (for a file: the gzip trailer, a sync); nothing is written after.
  func close() throws
  /// Bytes written so far, after compression, for the status line.
  var fileBytes: UInt64 { get }
  /// Bytes of JSON Lines written so far, before compression, for the status line's ratio.
  var uncompressedBytes: UInt64 { get }
  /// The files written, or `["-"]`.
  var paths: [String] { get }
}

extension CaptureSink {
  /// A sink that writes through at once never has work waiting.
  public var timeUntilDue: Duration? { nil }
}

/// A capture that may span numbered files: `print.jsonl.gz`, `print.1.jsonl.gz`, `print.2.jsonl.gz`, …
/// Each file is a complete capture with its own header.
public final class RotatingCaptureWriter: CaptureSink {
  /// The first file's name as given; the next files are numbered after it (`rotatedPath(_:index:)`).
  public let basePath: String
  /// When the next file starts.
  public let rotation: CaptureRotation
  /// Every file written so far, the current one last.
  public private(set) var paths: [String] = []
  /// Messages written across all files.
  public private(set) var messageCount = 0
  /// Bytes written to the files across all files (after compression).
  public var fileBytes: UInt64 { closedFileBytes + current.fileBytes }
  /// Bytes of JSON Lines across all files (before compression).
  public var uncompressedBytes: UInt64 { closedUncompressedBytes + current.uncompressedBytes }

  private var current: CaptureWriter
  /// Whether rotation applies at all: checked per message, so decided once.
  private let rotates: Bool
  private var header: CaptureHeader
  private let mode: CaptureWriter.Mode
  private let level: Int32
  private var openedAt = ContinuousClock.now
  private var closedFileBytes: UInt64 = 0
  private var closedUncompressedBytes: UInt64 = 0

  /// Opens the first file; see `CaptureWriter.init` for `mode` and `level`.
  public init(
    path: String, mode: CaptureWriter.Mode, header: CaptureHeader, rotation: CaptureRotation = CaptureRotation(),
    level: Int32 = 6
  ) throws {
    self.basePath = path
    self.rotation = rotation
    self.mode = mode
    self.level = level
    self.header = header
    rotates = path != "-" && (rotation.maxBytes != nil || rotation.interval != nil)
    if rotates && mode == .replace {
      // Replacing a set replaces all of it: an older, longer run's numbered files would read as this run's.
      for old in Self.existingRotatedFiles(path) where unlink(old) != 0 && errno != ENOENT {
        throw CaptureError.cannotOpen(path: old, errno: errno)
      }
    }
    current =
      path == "-"
      ? try CaptureWriter(standardOutputWithHeader: header)
      : try CaptureWriter(path: path, mode: mode, header: header, level: level)
    paths = [path]
  }

  /// The name of the `index`th file after the first: `print.jsonl.gz` → `print.3.jsonl.gz`.
  public static func rotatedPath(_ path: String, index: Int) -> String {
    let (stem, suffix) = stemAndSuffix(path)
    return stem + ".\(index)" + suffix
  }

  /// The numbered files of the set that `path` starts which exist now (`print.1.jsonl.gz`, …), in order.
  public static func existingRotatedFiles(_ path: String) -> [String] {
    guard path != "-" else { return [] }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let (stem, suffix) = stemAndSuffix(slash.map { String(path[path.index(after: $0)...]) } ?? path)
    guard let dir = opendir(directory.isEmpty ? "." : directory) else { return [] }
    defer { closedir(dir) }
    var found: [(Int, String)] = []
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: &entry.pointee.d_name) {
        String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
      }
      guard name.hasPrefix(stem + "."), name.hasSuffix(suffix), name.count > stem.count + 1 + suffix.count else {
        continue
      }
      let number = name.dropFirst(stem.count + 1).dropLast(suffix.count)
      // Only the names rotation writes: 1, 2, …, not 01 or +1.
      if let index = Int(number), index >= 1, String(index) == number { found.append((index, directory + name)) }
    }
    return found.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// `print.jsonl.gz` → (`print`, `.jsonl.gz`): where the number of a rotated file goes.
  private static func stemAndSuffix(_ path: String) -> (String, String) {
    for suffix in [".jsonl.gz", ".jsonl", ".gz"] where path.hasSuffix(suffix) && path.count > suffix.count {
      return (String(path.dropLast(suffix.count)), suffix)
    }
    return (path, "")
  }

  /// Adds a message, starting the next file first when the rotation says so.
  public func write(_ message: CapturedMessage) throws {
    try rotateIfDue()
    try current.write(message)
    messageCount += 1
  }

  /// Adds a message given as bytes (the capture loop's path).
  public func writeMessage(
    timestamp: Timestamp, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: MQTTQoS, retain: Bool,
    properties: MQTTProperties
  ) throws {
    try rotateIfDue()
    try current.writeMessage(
      timestamp: timestamp, topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
    messageCount += 1
  }

  /// Adds a connection event.
  public func write(_ event: ConnectionEvent) throws {
    try current.write(.event(event))
  }

  /// See `CaptureWriter.flushIfDue`; also rotates by time when nothing arrives.
  public func flushIfDue() throws {
    try rotateIfDue()
    try current.flushIfDue()
  }

  /// See `CaptureWriter.timeUntilDue`; a rotation by time is due work too.
  public var timeUntilDue: Duration? {
    guard rotates, let interval = rotation.interval else { return current.timeUntilDue }
    let rotation = max(interval - (ContinuousClock.now - openedAt), .zero)
    return min(current.timeUntilDue ?? rotation, rotation)
  }

  /// Flushes everything written so far to the file.
  public func flush() throws { try current.flush() }

  /// Finishes the current file.
  public func close() throws { try current.close() }

  private func rotateIfDue() throws {
    guard rotates else { return }
    var due = false
    if let maxBytes = rotation.maxBytes, current.fileBytes >= maxBytes { due = true }
    if let interval = rotation.interval, ContinuousClock.now - openedAt >= interval { due = true }
    guard due else { return }
    try current.close()
    closedFileBytes += current.fileBytes
    closedUncompressedBytes += current.uncompressedBytes
    var index = paths.count
    var next = Self.rotatedPath(basePath, index: index)
    // Never overwrite: skip numbers already taken (unless the user asked to replace files).
    while mode != .replace && access(next, F_OK) == 0 {
      index += 1
      next = Self.rotatedPath(basePath, index: index)
    }
    header.created = Timestamp.now().rfc3339
    current = try CaptureWriter(
      path: next, mode: mode == .replace ? .replace : .createNew, header: header, level: level)
    paths.append(next)
    openedAt = .now
  }
}
