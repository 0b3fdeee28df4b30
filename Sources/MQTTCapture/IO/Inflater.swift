import CZlib

/// A gzip stream being read: the reading half of the gzip pair (`Deflater` writes), and with it the only
/// code besides `Deflater` that speaks zlib.
final class Inflater {
  /// The reason given when a gzip member's CRC-32 or length does not match its text, which was read already.
  static let checkFailed =
    "the gzip check of the data before it failed (incorrect data check): records read before it may be damaged too"
  /// The same when an earlier member passed its check: only what was read since then is in doubt.
  static let checkFailedAfterGoodMember =
    "the gzip check of the data before it failed (incorrect data check): records read since the end of the last "
    + "gzip member that passed its check may be damaged too"

  enum Result {
    case consumed(Int)
    case streamEnded(Int)
    case corrupt(String)
  }

  private let stream: UnsafeMutablePointer<z_stream>
  /// True between a member's first byte and its end: the file is cut off if it stops here.
  private(set) var midStream = false
  /// Whether a member ended here with its CRC-32 and length checked (zlib checks both before its stream end).
  private var passedMember = false
  private var chunk: [UInt8]

  /// A gzip reader handing out at most `chunkSize` bytes of text per call.
  init(chunkSize: Int = 256 * 1024) {
    chunk = [UInt8](repeating: 0, count: chunkSize)
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let rc = mqttdumper_inflate_init_gzip(stream)
    precondition(rc == Z_OK, "inflateInit2 failed: \(rc)")
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
  }

  func reset() {
    inflateReset(stream)
    midStream = false
  }

  /// Inflates as much of `input` as it can, appending to `output`.
  func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Result {
    guard input.count > 0 else { return .consumed(0) }
    midStream = true
    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    defer { stream.pointee.next_in = nil }
    let capacity = chunk.count
    while true {
      var rc: Int32 = Z_OK
      var produced = 0
      chunk.withUnsafeMutableBytes { out in
        stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        rc = CZlib.inflate(stream, Z_NO_FLUSH)
        produced = capacity - Int(stream.pointee.avail_out)
      }
      if produced > 0 { output.append(contentsOf: chunk[0..<produced]) }
      let used = input.count - Int(stream.pointee.avail_in)
      switch rc {
      case Z_STREAM_END:
        midStream = false
        passedMember = true
        return .streamEnded(used)
      case Z_OK:
        // One output chunk at a time, so damage is found at the line where it is, not ahead of it.
        return .consumed(used)
      case Z_BUF_ERROR:
        return .consumed(used)
      default:
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
        // zlib checks a member's CRC-32 and length at its end, after handing out its text.
        let checkFailed = message == "incorrect data check" || message == "incorrect length check"
        if !checkFailed { return .corrupt("damaged compressed data (\(message))") }
        return .corrupt(passedMember ? Inflater.checkFailedAfterGoodMember : Inflater.checkFailed)
      }
    }
  }
}
