import CZlib
import Dispatch

/// A gzip stream compressed on several cores, for files written in one go (`merge`): the input is cut into
/// chunks of 1 MiB, each compressed on its own (with the 32 KiB before it as its dictionary, so the
/// compression is nearly that of one stream) while the next ones are read, and the pieces are written in
/// order as one gzip member. The same interface as `Deflater`; what a flush promises holds too.
final class ParallelDeflater {
  private let level: Int32
  private let chunkSize = 1 << 20
  private let inFlight: Int
  private var chunk: [UInt8] = []
  /// The last 32 KiB of the input already handed to a job: the next job's dictionary.
  private var dictionary: [UInt8] = []
  /// Jobs handed out and not yet written, in order.
  private var jobs: [Job] = []
  /// Buffers of written jobs, used again: fresh megabytes for every chunk cost a page fault per page.
  private var spare: [(input: [UInt8], output: [UInt8])] = []
  private var crc: UInt = 0
  private var total: UInt64 = 0
  private var started = false
  private let queue = DispatchQueue(label: "mqtt-dumper.deflate", attributes: .concurrent)

  /// A stream at zlib `level` for `threads` cores: up to eight times that many chunks are handed out at once
  /// (with two, a core idled while the oldest chunk was still being compressed: 2.16× zcat, now 2.06×).
  init(level: Int32, threads: Int) {
    self.level = level
    inFlight = max(4, threads * 8)
    chunk.reserveCapacity(chunkSize)
    crc = UInt(crc32(0, nil, 0))
  }

  /// One chunk being compressed.
  private final class Job: @unchecked Sendable {
    var input: [UInt8]
    let dictionary: [UInt8]
    let last: Bool
    /// Written by the job before `done` is signalled, read after waiting for it.
    var output: [UInt8]
    /// The CRC-32 of `input`, worked out beside its compression and combined in order.
    var crc: UInt = 0
    let done = DispatchSemaphore(value: 0)
    init(input: [UInt8], output: [UInt8], dictionary: [UInt8], last: Bool) {
      (self.input, self.output, self.dictionary, self.last) = (input, output, dictionary, last)
    }
  }

  /// Takes `input`, flushing as `flush` says, and writes the compressed output that is ready to `file`.
  func compress(_ input: UnsafeRawBufferPointer, flush: Deflater.Flush, into file: OutputFile) throws {
    if !started {
      started = true
      // gzip header: no name, no time, unknown extra flags, Unix.
      let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
      try header.withUnsafeBytes { try file.write($0) }
    }
    total += UInt64(input.count)
    var rest = input
    while !rest.isEmpty {
      let n = min(rest.count, chunkSize - chunk.count)
      chunk.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<n]))
      rest = UnsafeRawBufferPointer(rebasing: rest[n...])
      if chunk.count == chunkSize { submit(last: false) }
    }
    switch flush {
    case .none:
      try write(into: file, all: false)
    case .sync:
      if !chunk.isEmpty { submit(last: false) }
      try write(into: file, all: true)
    case .finish:
      submit(last: true)
      try write(into: file, all: true)
      var trailer: [UInt8] = []
      for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8(truncatingIfNeeded: crc >> UInt(shift))) }
      for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8(truncatingIfNeeded: total >> UInt64(shift))) }
      try trailer.withUnsafeBytes { try file.write($0) }
    }
  }

  private func submit(last: Bool) {
    let buffers = spare.popLast() ?? ([], [])
    let job = Job(input: chunk, output: buffers.output, dictionary: dictionary, last: last)
    let window = 32 * 1024
    if chunk.count >= window {
      dictionary = Array(chunk[(chunk.count - window)...])
    } else {
      dictionary = Array((dictionary + chunk).suffix(window))
    }
    chunk = buffers.input
    chunk.removeAll(keepingCapacity: true)
    chunk.reserveCapacity(chunkSize)
    let level = self.level
    queue.async {
      Self.deflateRaw(job.input, dictionary: job.dictionary, level: level, last: job.last, into: &job.output)
      job.crc = job.input.withUnsafeBytes {
        UInt(crc32(0, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)))
      }
      job.done.signal()
    }
    jobs.append(job)
  }

  /// Writes finished jobs in order: every one when `all`, else those done plus enough to keep `inFlight`.
  private func write(into file: OutputFile, all: Bool) throws {
    var written = 0
    defer { jobs.removeFirst(written) }
    for job in jobs {
      if all || jobs.count - written > inFlight {
        job.done.wait()
      } else if job.done.wait(timeout: .now()) != .success {
        break
      }
      try job.output.withUnsafeBytes { try file.write($0) }
      crc = UInt(crc32_combine(uLong(crc), uLong(job.crc), Int(job.input.count)))
      written += 1
      spare.append((job.input, job.output))
      (job.input, job.output) = ([], [])
    }
  }

  /// `input` as raw deflate data ending on a byte boundary (a sync flush), or as the final block.
  private static func deflateRaw(
    _ input: [UInt8], dictionary: [UInt8], level: Int32, last: Bool, into output: inout [UInt8]
  ) {
    // zlib checks that a stream keeps its address: it lives on the heap.
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer {
      deflateEnd(stream)
      stream.deallocate()
    }
    precondition(mqttdumper_deflate_init_raw(stream, level) == Z_OK, "deflateInit2 failed")
    if !dictionary.isEmpty {
      dictionary.withUnsafeBytes {
        _ = deflateSetDictionary(stream, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt($0.count))
      }
    }
    output.removeAll(keepingCapacity: true)
    output.append(contentsOf: repeatElement(0, count: Int(deflateBound(stream, uLong(input.count))) + 16))
    var produced = 0
    input.withUnsafeBytes { inBytes in
      stream.pointee.next_in = UnsafeMutablePointer(mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = uInt(inBytes.count)
      repeat {
        if produced == output.count { output += [UInt8](repeating: 0, count: 64 * 1024) }
        output.withUnsafeMutableBytes { out in
          stream.pointee.next_out = (out.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
          stream.pointee.avail_out = uInt(out.count - produced)
          let rc = deflate(stream, last ? Z_FINISH : Z_SYNC_FLUSH)
          precondition(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, "deflate failed: \(rc)")
          produced = out.count - Int(stream.pointee.avail_out)
        }
      } while stream.pointee.avail_out == 0
    }
    output.removeSubrange(produced...)
  }
}
