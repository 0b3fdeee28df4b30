import CZlib

/// A gzip stream being written: compresses what it is given and hands the output to a file.
final class Deflater {
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

  /// Compresses `input` with `flush` (Z_NO_FLUSH, Z_SYNC_FLUSH or Z_FINISH) and writes all output to `file`.
  func compress(_ input: UnsafeRawBufferPointer, flush: Int32, into file: OutputFile) throws {
    stream.pointee.next_in = UnsafeMutablePointer(
      mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    let capacity = output.count
    var failure: CaptureError?
    output.withUnsafeMutableBytes { out in
      repeat {
        stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        let rc = deflate(stream, flush)
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
