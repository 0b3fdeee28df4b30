#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file descriptor that writes all it is given or throws, naming the file.
///
/// A staged file is written as `PATH.partial-PID` and gets its name only from `publish()`, once it is whole, so
/// that PATH never holds half of it (for files written in one go: `merge`, `convert`); `discard()` or a
/// signal (`StagedFiles`) removes it.
final class OutputFile {
  let path: String
  private(set) var fd: Int32
  private let ownsDescriptor: Bool
  private(set) var bytesWritten: UInt64 = 0
  private let mode: Mode
  /// Where a staged file is until `publish()`; nil once it has its name, and for a file written in place.
  private(set) var partialPath: String?
  private var stagedSlot: Int?

  enum Mode { case createNew, replace, append }

  /// Opens `path`; `staged` writes it under its partial name instead, unless the mode is `.append` or `path`
  /// is a device or a pipe (written in place).
  init(path: String, mode: Mode, staged: Bool = false) throws {
    var existing = stat()
    let exists = stat(path, &existing) == 0
    if staged && mode != .append && (!exists || existing.st_mode & S_IFMT == S_IFREG) {
      if mode == .createNew && exists { throw CaptureError.fileExists(path: path) }
      partialPath = "\(path).partial-\(getpid())"
    }
    var flags = O_WRONLY | O_CREAT | O_CLOEXEC
    switch partialPath == nil ? mode : .replace {
    case .createNew: flags |= O_EXCL
    case .replace: flags |= O_TRUNC
    case .append: flags |= O_APPEND
    }
    let opened = partialPath ?? path
    do throws(SystemCallError) {
      fd = try POSIX.open(opened, flags, 0o644)
    } catch {
      if error.code == EEXIST { throw CaptureError.fileExists(path: path) }
      throw CaptureError.cannotOpen(path: opened, errno: error.code)
    }
    self.path = path
    self.mode = mode
    self.ownsDescriptor = true
    if let partialPath { stagedSlot = StagedFiles.add(partialPath) }
  }

  /// Standard output.
  init() {
    self.path = "standard output"
    self.fd = STDOUT_FILENO
    self.ownsDescriptor = false
    self.mode = .append
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    do throws(SystemCallError) {
      try POSIX.writeAll(fd, bytes) { bytesWritten += UInt64($0) }
    } catch {
      if partialPath != nil { throw CaptureError.stagedWriteFailed(path: path, errno: error.code) }
      throw CaptureError.writeFailed(path: path, errno: error.code)
    }
  }

  /// Asks the kernel to put what was written on the disk, so a power cut cannot take it.
  func sync() {
    if ownsDescriptor { POSIX.syncData(fd) }
  }

  func close() throws {
    guard ownsDescriptor, fd >= 0 else { return }
    defer { fd = -1 }
    do throws(SystemCallError) {
      try POSIX.close(fd)
    } catch {
      throw CaptureError.writeFailed(path: path, errno: error.code)
    }
  }

  /// Gives a closed staged file its name: never over another file in `.createNew` mode (a hard link fails if
  /// the name is taken; a file system without hard links gets a rename). Nothing to do for other files.
  /// - Throws: `CaptureError.fileExists` when the name was taken meanwhile, `.writeFailed` when the rename fails.
  func publish() throws {
    guard let staged = partialPath else { return }
    if mode == .createNew {
      if link(staged, path) == 0 {
        unlink(staged)
        forgetStaged()
        return
      }
      if errno == EEXIST { throw CaptureError.fileExists(path: path) }
    }
    guard rename(staged, path) == 0 else { throw CaptureError.writeFailed(path: path, errno: errno) }
    forgetStaged()
  }

  /// Closes the file and removes it if it is staged; a file written in place stays as it is.
  func discard() {
    try? close()
    if let partialPath { unlink(partialPath) }
    forgetStaged()
  }

  private func forgetStaged() {
    partialPath = nil
    if let stagedSlot { StagedFiles.remove(stagedSlot) }
    stagedSlot = nil
  }

  deinit {
    if ownsDescriptor, fd >= 0 { try? POSIX.close(fd) }
    if let stagedSlot { StagedFiles.remove(stagedSlot) }
  }
}

/// The staged files of this process not yet given their names, kept where a signal handler can reach them
/// without allocating: a command that writes staged files removes them on SIGINT/SIGTERM/SIGHUP
/// (`removeAll()` is async-signal-safe), as gzip removes its unfinished output.
public enum StagedFiles {
  private static let capacity = 16
  nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    slots.initialize(repeating: nil, count: capacity)
    return slots
  }()

  /// Makes the table before any signal handler may read it; call before installing the handler.
  public static func prepare() { _ = slots }

  /// Unlinks every staged file (from a signal handler: only `unlink` is called).
  public static func removeAll() {
    for i in 0..<capacity { if let path = slots[i] { unlink(path) } }
  }

  static func add(_ path: String) -> Int? {
    guard let i = (0..<capacity).first(where: { slots[$0] == nil }) else { return nil }
    slots[i] = strdup(path)
    return i
  }

  static func remove(_ slot: Int) {
    let path = slots[slot]
    slots[slot] = nil
    free(path)
  }
}

/// Monotonic nanoseconds, for intervals that must not jump with the wall clock.
func monotonicNanoseconds() -> UInt64 {
  var spec = timespec()
  clock_gettime(CLOCK_MONOTONIC, &spec)
  return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
