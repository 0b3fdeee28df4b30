import Foundation
import MQTTCapture
import Testing

/// The JSON blocks of the 2017 document (a copy in Tests/Fixtures): the expected output, written by a person.
func documentJSONBlocks() throws -> [String] {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/octoprint-mqtt-events-2017.md")
  let text = try String(contentsOf: url, encoding: .utf8)
  var blocks: [String] = []
  var current: [Substring]?
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if line == "```json" {
      current = []
    } else if line == "```", let lines = current {
      blocks.append(lines.joined(separator: "\n"))
      current = nil
    } else {
      current?.append(line)
    }
  }
  return blocks
}

@Suite("JSON formatter")
struct FormatterTests {
  /// The payloads as the 2017 plugin put them on the wire (Python's json.dumps), with the full paths
  /// the document shortened to "/.../".
  static let wire: [String] = [
    #"{"origin": "local", "_event": "PrintStarted", "name": "NodeMCU_Case_-_35_gap.gcode", "file": "/home/pi/.octoprint/uploads/NodeMCU_Case_-_35_gap.gcode", "path": "NodeMCU_Case_-_35_gap.gcode", "filename": "NodeMCU_Case_-_35_gap.gcode", "size": 2858607}"#,
    #"{"progress": 57, "location": "local", "path": "NodeMCU_Case.gcode"}"#,
    #"{"new": 9.0, "_event": "ZChange", "old": 8.8}"#,
    #"{"origin": "local", "_event": "PrintDone", "name": "NodeMCU_Case.gcode", "file": "/home/pi/.octoprint/uploads/NodeMCU_Case.gcode", "time": 5252.172917127609, "path": "NodeMCU_Case.gcode", "filename": "NodeMCU_Case.gcode", "size": 2823042}"#,
    #"{"state_string": "Operational", "_event": "PrinterStateChanged", "state_id": "OPERATIONAL"}"#,
    #"{"_event": "CaptureStart", "file": "/home/pi/.octoprint/timelapse/tmp/NodeMCU_Case_20170829185831-767.jpg"}"#,
    #"{"_event": "CaptureDone", "file": "/home/pi/.octoprint/timelapse/tmp/NodeMCU_Case_20170829185831-767.jpg"}"#,
    #"{"movie": "/home/pi/.octoprint/timelapse/NodeMCU_Case_20170829185831.mpg", "_event": "MovieRendering", "movie_prefix": "NodeMCU_Case_20170829185831", "gcode": "NodeMCU_Case.gcode", "movie_basename": "NodeMCU_Case_20170829185831.mpg"}"#,
    #"{"movie": "/home/pi/.octoprint/timelapse/NodeMCU_Case_20170829185831.mpg", "_event": "MovieDone", "movie_prefix": "NodeMCU_Case_20170829185831", "gcode": "NodeMCU_Case.gcode", "movie_basename": "NodeMCU_Case_20170829185831.mpg"}"#,
    #"{"actual": 211.88, "target": 210.0}"#,
    #"{"actual": 50.0, "target": 50.0}"#,
  ]

  @Test("the document's compact payloads come out as its JSON blocks, byte for byte")
  func documentBlocks() throws {
    let blocks = try documentJSONBlocks()
    #expect(blocks.count == 11)
    // Block 5 holds two payloads (Operational and Printing); compare its first.
    let expected = blocks.enumerated().map { i, block in
      i == 4 ? String(block.split(separator: "\n\n", maxSplits: 1)[0]) : block.trimmingCharacters(in: .newlines)
    }
    let formatter = JSONFormatter(redactPaths: true)
    for (wire, block) in zip(Self.wire, expected) {
      #expect(try formatter.format(wire) == block)
    }
  }

  @Test("literals, empty containers and nesting")
  func layout() throws {
    let f = JSONFormatter()
    #expect(
      try f.format(
        #"{"a":1e400,"b":12345678901234567890,"c":-0.0,"d":[],"e":{},"f":[1,[2,{"g":"\u00e9\n"}]],"h":true,"i":null}"#)
          == """
          {
            "a": 1e400,
            "b": 12345678901234567890,
            "c": -0.0,
            "d": [],
            "e": {},
            "f": [
              1,
              [
                2,
                {
                  "g": "\\u00e9\\n"
                }
              ]
            ],
            "h": true,
            "i": null
          }
          """)
    #expect(try f.format("  42 ") == "42")
    #expect(try f.format(#""just a string""#) == #""just a string""#)
  }

  @Test("colours wrap keys, strings, numbers and literals")
  func colours() throws {
    let f = JSONFormatter(colors: JSONColors())
    let out = try f.format(#"{"k": "v", "n": 1, "t": true}"#)
    #expect(out.contains("\u{1B}[1;34m\"k\"\u{1B}[0m: \u{1B}[32m\"v\"\u{1B}[0m"))
    #expect(out.contains("\u{1B}[36m1\u{1B}[0m"))
    #expect(out.contains("\u{1B}[35mtrue\u{1B}[0m"))
  }

  @Test("100,000 levels of nesting is a clear error, not a crash", arguments: ["[", "{\"a\":"])
  func deepNesting(open: String) {
    let deep = String(repeating: open, count: 100_000)
    #expect(throws: JSONFormatError.tooDeep(limit: 1000)) { try JSONFormatter().format(deep) }
  }

  @Test(
    "invalid JSON is refused and leaves the output untouched",
    arguments: ["{", "[1 2]", "{\"a\" 1}", "01", "nul", "{\"a\":1}x", "\"\\q\""])
  func invalid(text: String) {
    var out = Array("kept".utf8)
    #expect(throws: JSONFormatError.self) {
      try text.utf8CString.withUnsafeBytes { raw in
        try JSONFormatter().format(UnsafeRawBufferPointer(rebasing: raw.dropLast()), into: &out)
      }
    }
    #expect(out == Array("kept".utf8))
  }
}

@Suite("payload rendering")
struct PayloadRendererTests {
  func render(_ bytes: [UInt8], maxBytes: Int? = nil) -> (String, PayloadRenderer.Kind) {
    var out: [UInt8] = []
    let kind = bytes.withUnsafeBytes { PayloadRenderer(maxBytes: maxBytes).render($0, into: &out) }
    return (String(decoding: out, as: UTF8.self), kind)
  }

  @Test("binary payloads are a hex dump in the layout of hexdump -C, with their size")
  func hexDump() {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0xFF]
    let (text, kind) = render(png)
    #expect(kind == .binary)
    #expect(
      text == """
        (binary, 17 bytes)
        00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|
        00000010  ff                                                |.|
        """)
  }

  @Test("text with NUL and escape bytes is shown with them made visible")
  func controlBytes() {
    let (text, kind) = render(Array("a\u{0}b\u{1B}[31mc\nd".utf8))
    #expect(kind == .text)
    #expect(text == "a\\x00b\\x1b[31mc\nd")
  }

  @Test("--max-bytes cuts long payloads and says how much is left")
  func maxBytes() {
    let (text, kind) = render(Array(repeating: UInt8(ascii: "x"), count: 1000), maxBytes: 10)
    #expect(kind == .text)
    #expect(text == "xxxxxxxxxx\n… 990 more bytes not shown")
  }

  @Test("empty and JSON payloads")
  func emptyAndJSON() {
    #expect(render([]).1 == .empty)
    #expect(render(Array(#"{"a": 9.0}"#.utf8)) == ("{\n  \"a\": 9.0\n}", .json))
  }
}

@Suite("topic filters")
struct TopicFilterTests {
  @Test(
    "MQTT wildcard matching",
    arguments: [
      ("#", "a/b", true), ("a/#", "a", true), ("a/#", "a/b/c", true), ("a/+", "a/b", true), ("a/+", "a/b/c", false),
      ("+/+", "a/b", true), ("a/b", "a/b", true), ("a/b", "a/c", false), ("+", "$SYS", false), ("#", "$SYS/x", false),
      ("$SYS/#", "$SYS/broker", true), ("a/+/c", "a//c", true), ("octoPrint/event/+", "octoprint/event/ZChange", false),
    ])
  func matching(filter: String, topic: String, expected: Bool) throws {
    let f = try #require(TopicFilter(filter))
    #expect(f.matches(topic) == expected)
  }

  @Test("invalid filters are refused", arguments: ["a/#/b", "a#", "a/b+", ""])
  func invalid(filter: String) {
    #expect(TopicFilter(filter) == nil)
  }
}
