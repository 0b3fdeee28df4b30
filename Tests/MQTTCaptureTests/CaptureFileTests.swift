import Foundation
import MQTTCapture
import Testing

private func tempPath(_ name: String) throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-unit-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

private let header = CaptureHeader(
  created: "2025-11-25T11:07:36.123456Z", tool: "mqtt-dumper test", broker: "localhost:1883", protocolName: "mqttv5",
  subscriptions: [CaptureSubscription(filter: "#", qos: .exactlyOnce)])

private func message(_ i: Int) -> CapturedMessage {
  CapturedMessage(
    timestamp: Timestamp(microseconds: 1_764_068_856_000_000 + Int64(i) * 1000), topic: "t/\(i % 7)",
    payload: Array(#"{"n": \#(i), "pad": "\#(String(repeating: "x", count: i % 50))"}"#.utf8))
}

private func readAll(_ path: String) throws -> (
  messages: [CapturedMessage], records: [CaptureRecord], reader: CaptureReader
) {
  let reader = try CaptureReader(path: path)
  var records: [CaptureRecord] = []
  while let r = try reader.next() { records.append(r) }
  return (records.compactMap { if case .message(let m) = $0 { m } else { nil } }, records, reader)
}

@Suite("capture files")
struct CaptureFileTests {
  @Test("a gzip capture reads back, and is plain gzip that gzip -dc reads")
  func gzipRoundTrip() throws {
    let path = try tempPath("a.jsonl.gz")
    let writer = try CaptureWriter(path: path, header: header)
    for i in 0..<1000 { try writer.write(message(i)) }
    try writer.close()
    let (messages, _, reader) = try readAll(path)
    #expect(reader.isCompressed)
    #expect(reader.header == header)
    #expect(reader.truncation == nil)
    #expect(messages == (0..<1000).map(message))

    let gunzip = Process()
    gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
    gunzip.arguments = ["-dc", path]
    let pipe = Pipe()
    gunzip.standardOutput = pipe
    try gunzip.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    gunzip.waitUntilExit()
    #expect(gunzip.terminationStatus == 0)
    #expect(text.split(separator: "\n").count == 1001)
    #expect(text.hasPrefix(#"{"mqtt_dumper_capture":1,"created":"2025-11-25T11:07:36.123456Z","#))
  }

  @Test("a .jsonl name writes plain JSON Lines")
  func plain() throws {
    let path = try tempPath("a.jsonl")
    let writer = try CaptureWriter(path: path, header: header)
    try writer.write(message(1))
    try writer.close()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 2)
    #expect(try readAll(path).messages == [message(1)])
  }

  @Test("a file cut off anywhere after its first flush reads up to its last complete record")
  func truncatedEverywhere() throws {
    let path = try tempPath("cut.jsonl.gz")
    let writer = try CaptureWriter(path: path, header: header)
    var flushedSizes: [UInt64] = []
    for i in 0..<60 {
      try writer.write(message(i))
      if i % 10 == 9 {
        try writer.flush()
        flushedSizes.append(writer.fileBytes)
      }
    }
    try writer.close()
    let full = try Data(contentsOf: URL(fileURLWithPath: path))
    let cutPath = try tempPath("cut-copy.jsonl.gz")
    var previous = -1
    for cut in stride(from: 40, to: full.count, by: 13) {
      try full.prefix(cut).write(to: URL(fileURLWithPath: cutPath))
      let reader: CaptureReader
      do {
        reader = try CaptureReader(path: cutPath)
      } catch let error as CaptureError {
        // Cut before the header line was complete: not a capture yet, said in one sentence.
        guard case .notACapture = error else {
          Issue.record("cut at \(cut): \(error)")
          continue
        }
        continue
      }
      var count = 0
      while case .message(let m)? = try reader.next() {
        #expect(m == message(count), "cut at \(cut)")
        count += 1
      }
      #expect(reader.truncation != nil, "cut at \(cut) of \(full.count) is reported")
      #expect(count >= previous, "more bytes never give fewer records")
      previous = count
      // Every record flushed before the cut is there.
      let flushedBefore = flushedSizes.filter { Int($0) <= cut }.count * 10
      #expect(count >= flushedBefore, "cut at \(cut)")
    }
    #expect(previous >= 50, "a cut in the gzip trailer keeps (almost) everything")
  }

  @Test("a damaged file is corrupt at a named line, not a crash")
  func corrupt() throws {
    let path = try tempPath("bad.jsonl.gz")
    let writer = try CaptureWriter(path: path, header: header)
    for i in 0..<2000 { try writer.write(message(i)) }
    try writer.close()
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    for k in stride(from: bytes.count / 2, to: bytes.count / 2 + 40, by: 1) { bytes[k] ^= 0x5A }
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try readAll(path)
    } throws: { error in
      guard case .corrupt(let p, let line, _) = error as? CaptureError else { return false }
      return p == path && line > 1
    }
  }

  @Test("files that are not captures get one sentence each")
  func foreign() throws {
    let empty = try tempPath("empty.jsonl.gz")
    #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
    let text = try tempPath("notes.txt")
    try "hello\nworld\n".write(toFile: text, atomically: true, encoding: .utf8)
    let json = try tempPath("data.json")
    try #"{"topic": "x"}"#.write(toFile: json, atomically: true, encoding: .utf8)
    let binary = try tempPath("random.bin")
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: binary))
    let newer = try tempPath("newer.jsonl")
    try #"{"mqtt_dumper_capture":99}"#.write(toFile: newer, atomically: true, encoding: .utf8)
    let directory = try tempPath("dir")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

    #expect(throws: CaptureError.empty(path: empty)) { try CaptureReader(path: empty) }
    #expect(throws: CaptureError.notACapture(path: text, reason: "line 1 is not a capture header")) {
      try CaptureReader(path: text)
    }
    #expect(throws: CaptureError.notACapture(path: json, reason: "line 1 is not a capture header")) {
      try CaptureReader(path: json)
    }
    #expect(throws: CaptureError.notACapture(path: binary, reason: "it holds binary data, not JSON Lines")) {
      try CaptureReader(path: binary)
    }
    #expect(throws: CaptureError.newerVersion(path: newer, version: 99)) { try CaptureReader(path: newer) }
    #expect(throws: CaptureError.notACapture(path: directory, reason: "it is a directory")) {
      try CaptureReader(path: directory)
    }
    #expect(throws: CaptureError.cannotOpen(path: "/nonexistent/x.jsonl.gz", errno: ENOENT)) {
      try CaptureReader(path: "/nonexistent/x.jsonl.gz")
    }
    #expect(
      CaptureError.notACapture(path: text, reason: "line 1 is not a capture header").description
        == "\(text) is not an mqtt-dumper capture (line 1 is not a capture header); record one with `mqtt-dumper capture -o FILE`."
    )
  }

  @Test("an existing file is never overwritten without asking")
  func refusesOverwrite() throws {
    let path = try tempPath("precious.jsonl.gz")
    try "precious".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: CaptureError.fileExists(path: path)) { try CaptureWriter(path: path, header: header) }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
  }

  @Test("--append adds a session to a complete capture and refuses a cut-off one")
  func append() throws {
    let path = try tempPath("app.jsonl.gz")
    var w = try CaptureWriter(path: path, header: header)
    try w.write(message(1))
    try w.close()
    w = try CaptureWriter(path: path, mode: .append, header: header)
    try w.write(message(2))
    try w.close()
    let (messages, records, reader) = try readAll(path)
    #expect(messages == [message(1), message(2)])
    #expect(records.filter { if case .header = $0 { true } else { false } }.count == 1)
    #expect(reader.truncation == nil)

    let cut = try tempPath("cut.jsonl.gz")
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count - 4).write(to: URL(fileURLWithPath: cut))
    #expect(throws: CaptureError.cannotAppendToTruncated(path: cut)) {
      try CaptureWriter(path: cut, mode: .append, header: header)
    }
  }

  @Test("a full disk is an error that names the file and the cause")
  func diskFull() throws {
    #expect {
      let w = try CaptureWriter(path: "/dev/full", mode: .replace, header: header)
      try w.close()
    } throws: { error in
      (error as? CaptureError) == .writeFailed(path: "/dev/full", errno: ENOSPC)
        && "\(error)".contains("No space left on device")
    }
  }

  @Test("rotated files are numbered before the extension")
  func rotatedNames() {
    #expect(RotatingCaptureWriter.rotatedPath("print.jsonl.gz", index: 1) == "print.1.jsonl.gz")
    #expect(RotatingCaptureWriter.rotatedPath("dir/print.jsonl", index: 12) == "dir/print.12.jsonl")
    #expect(RotatingCaptureWriter.rotatedPath("print", index: 2) == "print.2")
  }
}
