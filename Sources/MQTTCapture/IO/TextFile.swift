#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a whole text file (a report, a chart, a schema, a JUnit report), refusing to replace one that exists
/// unless told to.
public enum TextFile {
  /// Writes `text` to `path`: a new file, or with `replace` the file truncated.
  /// - Throws: `CaptureError.fileExists` when the file exists and `replace` is false; `.cannotOpen` or
  ///   `.writeFailed` with the system's reason.
  public static func write(_ text: String, to path: String, replace: Bool) throws {
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
    let fd: Int32
    do throws(SystemCallError) {
      fd = try POSIX.open(path, flags, 0o644)
    } catch {
      throw error.code == EEXIST
        ? CaptureError.fileExists(path: path) : CaptureError.cannotOpen(path: path, errno: error.code)
    }
    var failure: Int32 = 0
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { buffer in
      do throws(SystemCallError) { try POSIX.writeAll(fd, buffer) } catch { failure = error.code }
    }
    do throws(SystemCallError) { try POSIX.close(fd) } catch { if failure == 0 { failure = error.code } }
    if failure != 0 { throw CaptureError.writeFailed(path: path, errno: failure) }
  }
}
