#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file descriptor that writes all it is given or throws, naming the file.
final class OutputFile {
  let path: String
  private(set) var fd: Int32
  private let ownsDescriptor: Bool
  private(set) var bytesWritten: UInt64 = 0

  enum Mode { case createNew, replace, append }

  init(path: String, mode: Mode) throws {
    var flags = O_WRONLY | O_CREAT | O_CLOEXEC
    switch mode {
    case .createNew: flags |= O_EXCL
    case .replace: flags |= O_TRUNC
    case .append: flags |= O_APPEND
    }
    do throws(SystemCallError) {
      fd = try POSIX.open(path, flags, 0o644)
    } catch {
      if error.code == EEXIST { throw CaptureError.fileExists(path: path) }
      throw CaptureError.cannotOpen(path: path, errno: error.code)
    }
    self.path = path
    self.ownsDescriptor = true
  }

  /// Standard output.
  init() {
    self.path = "standard output"
    self.fd = STDOUT_FILENO
    self.ownsDescriptor = false
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    do throws(SystemCallError) {
      try POSIX.writeAll(fd, bytes) { bytesWritten += UInt64($0) }
    } catch {
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

  deinit {
    if ownsDescriptor, fd >= 0 { try? POSIX.close(fd) }
  }
}

/// Monotonic nanoseconds, for intervals that must not jump with the wall clock.
func monotonicNanoseconds() -> UInt64 {
  var spec = timespec()
  clock_gettime(CLOCK_MONOTONIC, &spec)
  return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
