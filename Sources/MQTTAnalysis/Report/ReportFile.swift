import MQTTCapture

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a report or chart file, refusing to replace one that exists unless told to.
public enum ReportFile {
  /// Whether something is at `path` (a file, a directory, a dangling link).
  public static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// Writes `text` to `path`: a new file, or with `replace` the file truncated.
  /// - Throws: `CaptureError.fileExists` when the file exists and `replace` is false; `.cannotOpen` or
  ///   `.writeFailed` with the system's reason.
  public static func write(_ text: String, to path: String, replace: Bool) throws {
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
    let fd = open(path, flags, 0o644)
    guard fd >= 0 else {
      let code = errno
      throw code == EEXIST ? CaptureError.fileExists(path: path) : CaptureError.cannotOpen(path: path, errno: code)
    }
    var bytes = Array(text.utf8)
    var failure: Int32 = 0
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += n
      }
    }
    if close(fd) != 0, failure == 0 { failure = errno }
    if failure != 0 { throw CaptureError.writeFailed(path: path, errno: failure) }
  }
}
