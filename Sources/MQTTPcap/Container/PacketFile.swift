import Glibc
import MQTTCapture

/// A file read front to back in large chunks: the packet readers ask it for a few bytes at a time.
///
/// Reads through `read(2)` directly (retrying `EINTR`), so a failure keeps its `errno` for the sentence.
/// `-` is standard input (`tcpdump -w - | …`), read as it streams in.
final class PacketFile {
  let path: String
  private let fd: Int32
  /// False for standard input, which is not closed.
  private let owns: Bool
  private var buffer: [UInt8] = []
  private var position = 0
  private var atEnd = false
  /// The file offset of `buffer[0]`.
  private var bufferOffset = 0
  /// How much one `read(2)` asks for: 1 MiB, or the whole file when it is smaller.
  private let chunk: Int
  /// The size of a regular file when opened: no read asks for more than is left (a damaged length field
  /// claiming megabytes then costs nothing).
  private let size: Int?

  /// Opens `path` for reading (`-`: standard input).
  /// - Throws: `CaptureError.cannotOpen` with the `errno`.
  init(path: String) throws {
    self.path = path
    var fd: Int32 = STDIN_FILENO
    owns = path != "-"
    if owns {
      repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
      guard fd >= 0 else { throw CaptureError.cannotOpen(path: path, errno: errno) }
    }
    var info = stat()
    if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
      if owns { close(fd) }
      throw CaptureError.cannotOpen(path: path, errno: EISDIR)
    }
    self.fd = fd
    size = info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : nil
    chunk = min(1 << 20, max(4096, (size ?? 1 << 20) + 1))
  }

  deinit { if owns { close(fd) } }

  /// The file offset of the next byte `read` returns.
  var offset: Int { bufferOffset + position }

  /// The next `count` bytes, or fewer where the file ends (none at its end).
  /// - Throws: `CaptureError.readFailed` with the `errno`.
  func read(_ count: Int) throws -> ArraySlice<UInt8> {
    while buffer.count - position < count, !atEnd { try fill(count) }
    let run = buffer[position..<min(buffer.count, position + count)]
    position += run.count
    return run
  }

  /// Skips `count` bytes.
  /// - Returns: how many there were (fewer where the file ends).
  func skip(_ count: Int) throws -> Int {
    var left = count
    while left > 0 {
      let run = try read(min(left, chunk))
      if run.isEmpty { break }
      left -= run.count
    }
    return count - left
  }

  private func fill(_ wanted: Int) throws {
    if position > 0 {
      buffer.removeSubrange(0..<position)
      bufferOffset += position
      position = 0
    }
    var count = max(chunk, wanted - buffer.count)
    if let size { count = min(count, max(4096, size - bufferOffset - buffer.count + 1)) }
    let old = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: count))
    var n = 0
    var failure: Int32 = 0
    buffer.withUnsafeMutableBytes { bytes in
      repeat { n = Glibc.read(fd, bytes.baseAddress! + old, count) } while n < 0 && errno == EINTR
      if n < 0 { failure = errno }
    }
    buffer.removeSubrange((old + max(n, 0))...)
    if n < 0 { throw CaptureError.readFailed(path: path, errno: failure) }
    if n == 0 { atEnd = true }
  }
}
