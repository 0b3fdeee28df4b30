import CZlib

/// A gzip stream being written: compresses what it is given and hands the output to a file.
///
/// With `Inflater`, the only code that speaks zlib; callers choose a `Flush` and never see its constants.
final class Deflater {
  /// How much of what was given must come out of the compressor now.
  enum Flush {
    /// Keep compressing: output comes when zlib has a block ready (`Z_NO_FLUSH`).
    case none
    /// Everything so far, byte-aligned, so a reader can decompress up to here (`Z_SYNC_FLUSH`).
    case sync
    /// Everything, and the gzip trailer: the stream is complete (`Z_FINISH`).
    case finish

    fileprivate var zlibValue: Int32 {
      switch self {
      case .none: return Z_NO_FLUSH
      case .sync: return Z_SYNC_FLUSH
      case .finish: return Z_FINISH
      }
    }
  }

  private let stream: UnsafeMutablePointer<z_stream>
  private var output: [UInt8]

  init(level: Int32) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let rc = mqttdumper_deflate_init_gzip(stream, level)
    // Only a bad level or no memory fail here; both are programming errors.
    precondition(rc == Z_OK, "deflateInit2 failed: \(rc)")
    output = [UInt8](repeating: 0, count: 64 * 1024)
  }

  deinit {
    deflateEnd(stream)
    stream.deallocate()
  }

  /// Compresses `input`, flushing as `flush` says, and writes all output to `file`.
  func compress(_ input: UnsafeRawBufferPointer, flush: Flush, into file: OutputFile) throws {
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    let capacity = output.count
    var failure: CaptureError?
    output.withUnsafeMutableBytes { out in
      repeat {
        stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        let rc = deflate(stream, flush.zlibValue)
        precondition(rc != Z_STREAM_ERROR, "deflate stream error")
        let produced = capacity - Int(stream.pointee.avail_out)
        if produced > 0 {
          do {
            try file.write(UnsafeRawBufferPointer(rebasing: out[0..<produced]))
          } catch {
            failure = error as? CaptureError
            return
          }
        }
        // deflate is done when it left room in the output buffer.
      } while stream.pointee.avail_out == 0
    }
    stream.pointee.next_in = nil
    if let failure { throw failure }
  }
}
