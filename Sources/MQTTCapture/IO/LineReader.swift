#if canImport(Glibc)
  import Glibc
#endif

/// Reads a file (or standard input for `-`) line by line in constant memory, without interpreting it.
public final class LineReader {
  /// The file's name as given (`-` for standard input).
  public let path: String
  /// The number of the last line returned, from 1; 0 before the first.
  public private(set) var lineNumber = 0
  private let fd: Int32
  private let owns: Bool
  private var buffer: [UInt8] = []
  private var start = 0
  private var atEnd = false

  /// Opens `path` (`-` for standard input); nothing is read yet.
  /// - Throws: `CaptureError.cannotOpen`.
  public init(path: String) throws {
    self.path = path
    if path == "-" {
      fd = STDIN_FILENO
      owns = false
    } else {
      do throws(SystemCallError) {
        fd = try POSIX.open(path, O_RDONLY | O_CLOEXEC)
      } catch {
        throw CaptureError.cannotOpen(path: path, errno: error.code)
      }
      owns = true
    }
  }

  deinit { if owns { try? POSIX.close(fd) } }

  /// The next line without its newline (a last line without one included), or nil at the end.
  /// - Throws: `CaptureError.readFailed`.
  public func next() throws -> ArraySlice<UInt8>? {
    var searchFrom = start
    while true {
      if searchFrom < buffer.count,
        let nl = buffer[searchFrom...].firstIndex(of: 0x0A)
      {
        let line = buffer[start..<nl]
        start = nl + 1
        lineNumber += 1
        return line
      }
      if atEnd {
        guard start < buffer.count else { return nil }
        let line = buffer[start...]
        start = buffer.count
        lineNumber += 1
        return line
      }
      if start > 0 {
        buffer.removeSubrange(0..<start)
        start = 0
      }
      searchFrom = buffer.count
      do throws(SystemCallError) {
        if try POSIX.read(fd, appendingTo: &buffer, count: 256 * 1024) == 0 { atEnd = true }
      } catch {
        throw CaptureError.readFailed(path: path, errno: error.code)
      }
    }
  }
}
