import Foundation
import MQTTCapture
import Testing

@Suite("line reader: plain and gzip input")
struct LineReaderTests {
  private func temp(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-unit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
  }

  private let header = CaptureHeader(
    created: "2025-11-25T11:07:36.000000Z", tool: "test", broker: "b", protocolName: "mqttv5", subscriptions: [])

  private func lines(_ path: String) throws -> (lines: [String], reader: LineReader) {
    let reader = try LineReader(path: path)
    var lines: [String] = []
    while let line = try reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
    return (lines, reader)
  }

  private func message(_ i: Int) -> CapturedMessage {
    CapturedMessage(timestamp: Timestamp(microseconds: Int64(i)), topic: "t", payload: Array("payload \(i)".utf8))
  }

  @Test("a gzip capture reads as the same lines as its plain twin, sessions added with append too")
  func gzip() throws {
    let gz = try temp("c.jsonl.gz")
    let plain = try temp("c.jsonl")
    for (path, compressed) in [(gz, true), (plain, false)] {
      var writer = try CaptureWriter(path: path, header: header, compressed: compressed)
      for i in 0..<3000 { try writer.write(message(i)) }
      try writer.close()
      writer = try CaptureWriter(path: path, mode: .append, header: header, compressed: compressed)
      try writer.write(message(3000))
      try writer.close()
    }
    let (fromGzip, reader) = try lines(gz)
    #expect(reader.isCompressed)
    #expect(reader.truncation == nil)
    #expect(fromGzip.count == 3003)
    #expect(fromGzip == (try lines(plain).lines))
  }

  @Test("a cut-off gzip file reads up to its last complete line and says it was cut off")
  func cutOff() throws {
    let gz = try temp("c.jsonl.gz")
    let writer = try CaptureWriter(path: gz, header: header)
    for i in 0..<3000 { try writer.write(message(i)) }
    try writer.close()
    let data = try Data(contentsOf: URL(fileURLWithPath: gz))
    try data.prefix(data.count - 30).write(to: URL(fileURLWithPath: gz))
    let (read, reader) = try lines(gz)
    #expect(reader.truncation?.contains("was cut off after line \(read.count)") == true)
    #expect(read.count > 2000)
    #expect(read.allSatisfy { $0.hasSuffix("}") })
  }

  @Test("plain text is read as it is, the last line without a newline too")
  func plain() throws {
    let path = try temp("p.txt")
    try "a\n\nb".write(toFile: path, atomically: true, encoding: .utf8)
    let (read, reader) = try lines(path)
    #expect(read == ["a", "", "b"])
    #expect(!reader.isCompressed)
  }
}
