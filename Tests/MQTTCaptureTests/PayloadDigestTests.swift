import Foundation
import Testing

@testable import MQTTCapture

@Suite("large payloads compared by digest")
struct PayloadDigestTests {
  private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

  @Test("SHA-256 gives the published digests (FIPS 180-4 examples)")
  func knownDigests() {
    #expect(Self.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      Self.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      Self.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      Self.hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test("SHA-256 agrees with sha256sum at every padding edge")
  func paddingEdges() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var expected: [String] = []
    var paths: [String] = []
    for n in [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
      let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ n) }
      let path = dir.appendingPathComponent("\(n)").path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      paths.append(path)
      expected.append(Self.hex(SHA256.hash(bytes)))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = paths
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(output.split(separator: "\n").map { String($0.prefix(64)) } == expected)
  }

  private func m(_ topic: String, _ payload: [UInt8]) -> CapturedMessage {
    CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: topic, payload: payload)
  }

  @Test("a comparison of digested payloads reports exactly what the payloads themselves give")
  func sameReport() {
    let text = Array(String(repeating: "é", count: 600).utf8) + Array("{\"tail\": 1}".utf8)  // 1,211 bytes
    var changed = text
    changed[changed.count - 3] = UInt8(ascii: "2")
    let binary = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    let json = Array(("{\"a\": [" + String(repeating: "1, ", count: 400) + "1]}").utf8)
    let expected = [m("t", text), m("t", text), m("b", binary), m("j", json), m("gone", text), m("s", [1])]
    let actual = [m("t", text), m("t", changed), m("b", binary), m("j", json), m("new", binary), m("s", [2])]
    for exact in [false, true] {
      var options = ComparisonOptions(exact: exact)
      options.largestValue = 1000
      let digester = PayloadDigester(above: options.largestValue)
      let (e, a) = (expected.map(digester.compared), actual.map(digester.compared))
      #expect(e.map { if case .digest = $0.payload { true } else { false } } == [true, true, true, true, true, false])
      #expect(e.allSatisfy { $0.payload.kept.count <= PayloadDigester.keptBytes })
      #expect(e[0].payload.kept.count == 1024 && e[2].payload.kept.count == 1024)
      #expect(e[0].payload.count == text.count && e[3].payload.count == json.count)
      let plain = ComparisonReport(
        CaptureComparison.compare(expected: expected, actual: actual, options: options), expected: 6, actual: 6)
      let digested = ComparisonReport(
        CaptureComparison.compare(expected: e, actual: a, options: options), expected: 6, actual: 6)
      #expect(digested.description == plain.description)
      #expect(plain.description.contains("payload (1,211 → 1,211 bytes, compared byte for byte above 1,000)") != exact)
      #expect(plain.description.contains("<3000 bytes of binary>"))
      #expect(plain.differences.map(\.kind) == [.changed, .missing, .changed, .extra])
    }
  }

  @Test("a prefix kept of UTF-8 text stops before a character, never inside one")
  func prefixAtCharacter() {
    let message = PayloadDigester(above: 10).compared(
      m("t", Array("ab".utf8) + Array(String(repeating: "€", count: 1000).utf8)))  // 3 bytes each
    #expect(message.payload.kept.count == 1022)  // 2 + 340 × 3: 1,024 would cut the 341st euro sign
    #expect(isValidUTF8(message.payload.kept))
  }
}
