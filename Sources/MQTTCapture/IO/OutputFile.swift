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

  /// Opens `path`; `staged` writes it under its partial name instead when nothing is lost by renaming it into
  /// place at the end: `path` does not exist yet, or is a plain file of ours with no other name (it keeps its
  /// permissions). Anything else is written in place as without `staged`: `.append`, a symbolic link (renaming
  /// would replace the link, say /dev/stdout, not write through it), a device or pipe, a file with hard links
  /// or another owner, or a name too long for the suffix.
  init(path: String, mode: Mode, staged: Bool = false) throws {
    var existing = stat()
    let exists = lstat(path, &existing) == 0
    var keepMode: mode_t?
    if staged && mode != .append {
      if !exists {
        partialPath = "\(path).partial-\(getpid())"
      } else if mode == .createNew {
        throw CaptureError.fileExists(path: path)
      } else if existing.st_mode & S_IFMT == S_IFREG && existing.st_nlink == 1 && existing.st_uid == geteuid() {
        partialPath = "\(path).partial-\(getpid())"
        keepMode = existing.st_mode & 0o7777
      }
    }
    var flags = O_WRONLY | O_CREAT | O_CLOEXEC
    var descriptor: Int32 = -1
    do throws(SystemCallError) {
      if let partial = partialPath {
        do throws(SystemCallError) {
          descriptor = try POSIX.open(partial, flags | O_TRUNC, 0o644)
        } catch  where error.code == ENAMETOOLONG {
          partialPath = nil
        }
      }
      if partialPath == nil {
        switch mode {
        case .createNew: flags |= O_EXCL
        case .replace: flags |= O_TRUNC
        case .append: flags |= O_APPEND
        }
        descriptor = try POSIX.open(path, flags, 0o644)
      }
    } catch {
      if error.code == EEXIST { throw CaptureError.fileExists(path: path) }
      throw CaptureError.cannotOpen(path: path, errno: error.code)
    }
    if let keepMode, partialPath != nil { fchmod(descriptor, keepMode) }
    fd = descriptor
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
  /// - Throws: `CaptureError.fileExists` when the name was taken meanwhile, `.stagedWriteFailed` when the rename
  ///   fails.
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
    guard rename(staged, path) == 0 else { throw CaptureError.stagedWriteFailed(path: path, errno: errno) }
    forgetStaged()
  }

  /// Closes the file and gives a staged one its name; on any error a staged file is removed (`discard()`).
  func finish() throws {
    do {
      try close()
      try publish()
    } catch {
      discard()
      throw error
    }
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
