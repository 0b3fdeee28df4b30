import Foundation
import Testing

@testable import MQTTCapture

@Suite("gzip compressed on several cores")
final class ParallelDeflaterTests {
  let dir: URL

  init() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdeflate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: dir) }

  /// What `command` prints, with its exit status.
  private func run(_ command: String) throws -> (output: Data, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (output, process.terminationStatus)
  }

  private func write(_ name: String, threads: Int, messages: Int, flushEvery: Int? = nil) throws -> String {
    let path = dir.appendingPathComponent(name).path
    let header = CaptureHeader(
      created: "2025-11-25T11:00:00.000000Z", tool: "test", broker: "x", protocolName: "mqttv5", subscriptions: [])
    let writer = try CaptureWriter(path: path, header: header, threads: threads)
    for i in 0..<messages {
      let payload = [UInt8](repeating: UInt8(65 + i % 26), count: i % 1000) + Array("\(i * 7919)".utf8)
      try writer.write(
        CapturedMessage(
          timestamp: Timestamp(microseconds: 1_764_068_856_000_000 + Int64(i)), topic: "t/\(i % 50)",
          payload: payload))
      if let flushEvery, i % flushEvery == 0 { try writer.flush() }
    }
    try writer.close()
    return path
  }

  @Test("gzip, zcat and our reader read the file (a gzip member per MiB) back to what the one-core writer wrote")
  func sameText() throws {
    for (messages, flushEvery) in [(0, nil), (1, nil), (6_000, nil), (6_000, 997)] as [(Int, Int?)] {
      let serial = try write("serial-\(messages)-\(flushEvery ?? 0).jsonl.gz", threads: 1, messages: messages)
      let parallel = try write(
        "parallel-\(messages)-\(flushEvery ?? 0).jsonl.gz", threads: 2, messages: messages, flushEvery: flushEvery)
      #expect(try run("gzip -t '\(parallel)'").status == 0)
      let expected = try run("zcat '\(serial)'")
      let got = try run("zcat '\(parallel)'")
      #expect(got.status == 0 && expected.status == 0)
      #expect(got.output == expected.output)
      if messages == 6_000 { #expect(expected.output.count > 3 << 20) }  // several 1 MiB chunks
      // And our reader agrees, with no truncation.
      let reader = try CaptureReader(path: parallel)
      var count = 0
      while try reader.next() != nil { count += 1 }
      #expect(count == messages && reader.truncation == nil)
    }
  }
}
