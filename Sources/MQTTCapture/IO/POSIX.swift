import Glibc

/// A system call that failed: which one, and the `errno` it left.
struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The call's name, for messages: `open`, `read`, `write`, `close`.
  let call: String
  /// The `errno` value right after the call.
  let code: Int32

  var description: String { "\(call): \(systemMessage(code))" }
}

/// The file calls of the capture code that a signal can interrupt (`open`, `read`, `write`, `close`,
/// `fdatasync`), each retried when a signal interrupts it (`EINTR`) and throwing `SystemCallError` with the
/// `errno` otherwise.
///
/// Signals do arrive here: `capture` installs SIGINT/SIGTERM handlers to finish its file properly.
enum POSIX {
  /// Opens `path`; returns the descriptor.
  static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(SystemCallError) -> Int32 {
    while true {
      let fd = Glibc.open(path, flags, mode)
      if fd >= 0 { return fd }
      if errno != EINTR { throw SystemCallError(call: "open", code: errno) }
    }
  }

  /// Reads up to `count` bytes onto the end of `buffer`.
  /// - Returns: how many bytes were read; 0 at the end of the file.
  static func read(_ fd: Int32, appendingTo buffer: inout [UInt8], count: Int) throws(SystemCallError) -> Int {
    let old = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: count))
    var n = 0
    var failure: Int32 = 0
    buffer.withUnsafeMutableBytes { bytes in
      repeat {
        n = Glibc.read(fd, bytes.baseAddress! + old, count)
      } while n < 0 && errno == EINTR
      if n < 0 { failure = errno }
    }
    buffer.removeSubrange((old + max(n, 0))...)
    if n < 0 { throw SystemCallError(call: "read", code: failure) }
    return n
  }

  /// Writes all of `bytes`, however many calls that takes.
  /// - Parameter written: told of each chunk the kernel took, so a caller's count stays right when a later
  ///   chunk fails.
  static func writeAll(
    _ fd: Int32, _ bytes: UnsafeRawBufferPointer, written: (Int) -> Void = { _ in }
  ) throws(SystemCallError) {
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemCallError(call: "write", code: errno)
      }
      offset += n
      written(n)
    }
  }

  /// Closes `fd`, once.
  ///
  /// Not retried on `EINTR`: Linux has released the descriptor by then, and a second `close` could close
  /// a descriptor another thread has just been given. An interrupted close counts as done.
  static func close(_ fd: Int32) throws(SystemCallError) {
    if Glibc.close(fd) != 0 && errno != EINTR { throw SystemCallError(call: "close", code: errno) }
  }

  /// Waits until the data written to `fd` is on the disk (`fdatasync`); errors are not reported, as the
  /// data was already handed to the kernel.
  static func syncData(_ fd: Int32) {
    while fdatasync(fd) != 0 && errno == EINTR {}
  }
}
