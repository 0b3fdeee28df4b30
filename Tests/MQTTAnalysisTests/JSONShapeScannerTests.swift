import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

/// The scanner (the fast path) must describe every payload exactly as the parser's path does.
@Suite("JSON shape scanner") struct JSONShapeScannerTests {
  static let tricky: [String] = [
    #"{"a": 1, "b": "x"}"#, #"{"b": "y", "a": 2.5}"#, #"{"a": null}"#, #"{}"#, "[]", "[[]]",
    #"[{"k": [1, [2, {"z": true}]]}]"#,
    #"{"q\"uote": "a\\b", "n": "line\nbreak", "s": "\/"}"#, #"{"a": 1, "a": "dup"}"#,
    #"{"u": "\u00e9", "v": "\ud83d\ude00"}"#,
    "-0", "1e5", "1E-3", "0.1", "12345678901234567890", "-1.5e+3", "123456789012345.5", "0.000001", " \t\n 7 \r\n",
    #""just a string""#, "true", "false", "null",
    // Not JSON: text.
    "[1,]", "01", "1.", ".5", "+1", #""open"#, "\"ctl\u{01}\"", #""bad \x escape""#, "tru", "nul", "{\"a\" 1}",
    "{'a': 1}",
    "[1 2]", "{\"a\":1,}", "", " ", "connected", "1 2", #"{"a": "\ud800"}"#, #"{"a": "\u12"}"#, "[", "{",
    String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    String(repeating: "[", count: 600),
    String(repeating: "{\"d\":", count: 40) + "1" + String(repeating: "}", count: 40),
    "{" + (0..<20).map { #""k\#($0)": \#($0)"# }.joined(separator: ",") + "}",
    #"{"long": ""# + String(repeating: "x", count: 300) + #""}"#,
  ]

  static var corpus: [[UInt8]] {
    var payloads = tricky.map { Array($0.utf8) }
    payloads.append(Array(#"{"s": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))  // not UTF-8 inside JSON
    payloads.append([0xFF, 0xFE])
    for i in 0..<15 { payloads.append(Array(#"{"e": "v\#(i % 12)", "n": \#(i)}"#.utf8)) }
    return payloads
  }

  @Test("every tricky payload, one topic each and all on one topic, is described as the parser's path does")
  func sameAsParser() {
    var options = SchemaInference.Options()
    options.maxProperties = 8
    let limits = ShapeNode.Limits(
      enumLimit: options.enumLimit, enumStringLength: options.enumStringLength, maxDepth: options.maxDepth,
      maxProperties: options.maxProperties)
    func compare(_ payloads: [[UInt8]], _ label: String) {
      var fast = PayloadShape()
      var reference = PayloadShape()
      for payload in payloads {
        fast.add(
          CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: "t", payload: payload), limits: limits,
          exampleLimit: 0)
        reference.count += 1
        reference.qosCounts[0] += 1
        reference.addParsed(payload, limits: limits)
      }
      #expect(compact(fast.schema(options: options)) == compact(reference.schema(options: options)), "\(label)")
      #expect(fast.signature == reference.signature, "\(label)")
      let fastCounts: [Int] = [fast.jsonCount, fast.tooDeepCount, fast.textCount, fast.binaryCount]
      let referenceCounts: [Int] = [
        reference.jsonCount, reference.tooDeepCount, reference.textCount, reference.binaryCount,
      ]
      #expect(fastCounts == referenceCounts, "\(label)")
    }
    for payload in Self.corpus { compare([payload], String(decoding: payload.prefix(60), as: UTF8.self)) }
    compare(Self.corpus, "all on one topic")
  }

  @Test("every payload of the shipped captures is described as the parser's path does")
  func shippedCaptures() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("captures")
    let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".jsonl.gz") }
    #expect(files.count >= 5)
    for file in files {
      var fast = SchemaInference()
      var topics: [String: PayloadShape] = [:]
      let limits = ShapeNode.Limits(enumLimit: 10, enumStringLength: 200, maxDepth: 32, maxProperties: 256)
      var scan = MessageScan(paths: [root.appendingPathComponent(file).path])
      _ = try scan.run { message in
        fast.add(message)
        topics[message.topic, default: PayloadShape()].addParsed(message.payload, limits: limits)
      }
      for channel in fast.result().channels where channel.kind == .topic {
        let reference = topics[channel.topics[0]]!.schema(options: fast.options)
        #expect(compact(channel.schema) == compact(reference), "\(file) \(channel.filter)")
      }
    }
  }
}
