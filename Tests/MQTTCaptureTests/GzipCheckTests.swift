import Foundation
import Testing

@testable import MQTTCapture

@Suite("a gzip check that fails")
struct GzipCheckTests {
  /// Writes a capture of `count` messages, their times from `first` microseconds on.
  private func writeCapture(_ path: String, created: String, first: Int64, count: Int) throws {
    let writer = try CaptureWriter(
      path: path,
      header: CaptureHeader(created: created, tool: "test", broker: "x", protocolName: "mqttv5", subscriptions: []))
    for i in 0..<count {
      try writer.write(
        CapturedMessage(
          timestamp: Timestamp(microseconds: 1_764_068_856_000_000 + first + Int64(i)), topic: "t",
          payload: Array("\(i)".utf8)))
    }
    try writer.close()
  }

  /// The records read before the error, and the error (nil when the file read to its end).
  private func readUntilError(_ path: String) throws -> (read: Int, error: CaptureError?) {
    let reader = try CaptureReader(path: path)
    var read = 0
    do {
      while try reader.next() != nil { read += 1 }
    } catch let error as CaptureError {
      return (read, error)
    }
    return (read, nil)
  }

  @Test("a CRC-32 that does not match is named, and the records read before it are not called intact")
  func crcMismatch() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("crc-\(UUID().uuidString).jsonl.gz").path
    defer { unlink(path) }
    try writeCapture(path, created: "2025-11-25T11:00:00.000000Z", first: 0, count: 100)
    // The trailer is the member's CRC-32, then its length: change the CRC's first byte.
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[bytes.count - 8] ^= 0x01
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(Process.gzipTestFails(path))

    let (read, error) = try readUntilError(path)
    #expect(read == 100)
    #expect(
      error?.description
        == "\(path) is corrupt at line 102: the gzip check of the data before it failed (incorrect data check): "
        + "records read before it may be damaged too.")
  }

  @Test("a damaged second gzip member puts in doubt only what was read since the first one passed its check")
  func secondMember() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crc2-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // Two sessions, a gzip member each (as --append adds one), then the second member's CRC-32 changed.
    var bytes = Data()
    for session in 0..<2 {
      let path = dir.appendingPathComponent("\(session).jsonl.gz").path
      try writeCapture(path, created: "2025-11-25T11:0\(session):00.000000Z", first: Int64(session * 100), count: 10)
      bytes += try Data(contentsOf: URL(fileURLWithPath: path))
    }
    bytes[bytes.count - 8] ^= 0x01
    let path = dir.appendingPathComponent("both.jsonl.gz").path
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(Process.gzipTestFails(path))

    let (read, error) = try readUntilError(path)
    #expect(read == 21)  // 10 messages, the second session's header, 10 messages
    #expect(
      error?.description
        == "\(path) is corrupt at line 23: the gzip check of the data before it failed (incorrect data check): "
        + "records read since the end of the last gzip member that passed its check may be damaged too.")
  }
}

extension Process {
  /// Whether `gzip -t` (the independent reader) rejects the file.
  fileprivate static func gzipTestFails(_ path: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -t '\(path)' 2>/dev/null"]
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus != 0
  }
}
