import Foundation
import MQTTCapture
import Testing

@Suite("Text files (reports, schemas, JUnit)")
struct TextFileTests {
  @Test("a new file is written; an existing one is refused unless replaced, and replacing truncates it")
  func replacing() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("textfile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("report.xml").path
    try TextFile.write(String(repeating: "x", count: 4000), to: path, replace: false)
    #expect(throws: CaptureError.fileExists(path: path)) { try TextFile.write("short", to: path, replace: false) }
    try TextFile.write("short\n", to: path, replace: true)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "short\n")
  }

  @Test("a path that cannot be written is an error naming it and the system's reason")
  func unwritable() throws {
    let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)/r.xml")
      .path
    #expect(throws: CaptureError.cannotOpen(path: nowhere, errno: ENOENT)) {
      try TextFile.write("x", to: nowhere, replace: true)
    }
    #expect(throws: CaptureError.writeFailed(path: "/dev/full", errno: ENOSPC)) {
      try TextFile.write("x", to: "/dev/full", replace: true)
    }
  }
}
