import Foundation
import Testing

@testable import MQTTCapture

/// A payload that retitles the terminal (OSC 0 … BEL) and clears it (CSI 2J).
let terminalAttack = "\u{1B}]0;pwned\u{07}\u{1B}[2J"

/// The bytes a text view must never write as they are: C0 controls but newline and tab, DEL, and the C1
/// controls' UTF-8 (C2 80–C2 9F).
func rawControls(in bytes: [UInt8]) -> [String] {
  var found: [String] = []
  for (i, b) in bytes.enumerated() {
    if (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F { found.append("byte \(b) at \(i)") }
    if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) { found.append("C1 at \(i)") }
  }
  return found
}

/// Whether `text` holds a character that reorders or hides text (what topics must show visibly).
func hasHiddenCharacters(_ text: String) -> Bool {
  text.unicodeScalars.contains { VisibleText.hidesOrReorders($0.value) }
}

@Suite("visible text: what a capture may not put on a terminal")
struct VisibleTextTests {
  @Test(
    "controls, DEL, C1 and invalid UTF-8 are escaped in every mode",
    arguments: [VisibleText.Mode.name, .line, .text])
  func controls(mode: VisibleText.Mode) {
    #expect(VisibleText.escape(terminalAttack, mode: mode) == #"\x1b]0;pwned\x07\x1b[2J"#)
    #expect(VisibleText.escape("a\u{85}b\u{9B}c\u{7F}d\u{0}", mode: mode) == #"a\u{85}b\u{9B}c\x7fd\x00"#)
    var out: [UInt8] = []
    let invalid: [UInt8] = [0x61, 0xFF, 0xC3, 0x28, 0xE2, 0x82]  // a, a stray byte, a bad pair, a cut-off sequence
    invalid.withUnsafeBytes { VisibleText.append($0, mode: mode, to: &out) }
    #expect(String(decoding: out, as: UTF8.self) == #"a\xff\xc3(\xe2\x82"#)
    // Ordinary text, accents, emoji and backslashes stay as they are.
    #expect(VisibleText.escape("Grüße 🖨️ C:\\temp 9.0 °C", mode: mode) == "Grüße 🖨️ C:\\temp 9.0 °C")
  }

  @Test("line breaks and tabs: kept in text, escaped on one line and in names")
  func lineBreaks() {
    let s = "a\nb\tc\rd"
    #expect(VisibleText.escape(s, mode: .text) == "a\nb\tc\\x0dd")
    #expect(VisibleText.escape(s, mode: .line) == "a\\nb\tc\\rd")
    #expect(VisibleText.escape(s, mode: .name) == "a\\nb\\tc\\rd")
  }

  @Test("bidi overrides, isolates, marks and zero-width characters are shown in names, kept in payload text")
  func hiddenCharacters() {
    let topic = "evil/\u{202E}fdp.exe\u{2066}\u{2069}\u{200E}\u{200F}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"
    #expect(
      VisibleText.escape(topic)
        == #"evil/\u{202E}fdp.exe\u{2066}\u{2069}\u{200E}\u{200F}\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"#)
    for scalar: UInt32 in [0x202A, 0x202B, 0x202C, 0x202D, 0x2067, 0x2068] {
      #expect(
        VisibleText.escape(String(Unicode.Scalar(scalar)!)) == "\\u{\(String(scalar, radix: 16, uppercase: true))}")
    }
    // A family emoji is joined by U+200D: in payload text it stays.
    #expect(VisibleText.escape("👨‍👩‍👧", mode: .text) == "👨‍👩‍👧")
    #expect(VisibleText.escape("👨‍👩‍👧", mode: .line) == "👨‍👩‍👧")
  }

  @Test("a long name is cut, saying how much was left out")
  func longName() {
    let topic = String(repeating: "t", count: 60_000)
    #expect(VisibleText.name(topic, limit: 200) == String(repeating: "t", count: 200) + "… (59,800 more characters)")
    #expect(VisibleText.name("a\u{1B}b", limit: 200) == #"a\x1bb"#)
  }

  @Test("JSON keeps its value: DEL and C1 (and, for names, hidden characters) become \\u escapes")
  func json() throws {
    var line = Array(#"{"topic":"a\#u{202E}b","payload":"x\#u{85}\#u{9B}\#u{7F}é"}"#.utf8)
    let before = line
    VisibleText.escapeControlsInJSON(&line)
    #expect(String(decoding: line, as: UTF8.self) == #"{"topic":"a\#u{202E}b","payload":"x\u0085\u009b\u007fé"}"#)
    #expect(
      try JSONParser.parse(String(decoding: line, as: UTF8.self))
        == JSONParser.parse(String(decoding: before, as: UTF8.self)))
    VisibleText.escapeControlsInJSON(&line, hidden: true)
    #expect(String(decoding: line, as: UTF8.self) == #"{"topic":"a\u202eb","payload":"x\u0085\u009b\u007fé"}"#)
  }

  @Test("the JSON formatter writes DEL and C1 in strings as \\u escapes, the rest as sent")
  func formatter() throws {
    let formatted = try JSONFormatter().format(#"{"k\#u{9B}": "x\#u{85}\#u{7F}", "n": 9.0}"#)
    #expect(formatted == "{\n  \"k\\u009b\": \"x\\u0085\\u007f\",\n  \"n\": 9.0\n}")
  }

  static let attacks: [String] = [terminalAttack, "a\u{85}b", "a\u{9B}2Jb", "x\u{7F}y", #"{"k": "\#u{9B}2J"}"#]

  @Test(
    "every layout of print shows no control character, whatever the topic and payload",
    arguments: MessagePrinter.Layout.allCases)
  func printer(layout: MessagePrinter.Layout) {
    var printer = MessagePrinter(layout: layout)
    printer.utc = true
    var out: [UInt8] = []
    for payload in Self.attacks {
      let m = CapturedMessage(
        timestamp: Timestamp(microseconds: 1), topic: "a/\u{202E}b\u{1B}[2J\u{9B}", payload: Array(payload.utf8),
        properties: MQTTProperties(contentType: "x\u{1B}", userProperties: [MQTTUserProperty("k\u{85}", "v\u{7}")]))
      printer.append(m, to: &out)
    }
    // Invalid UTF-8 in a payload is binary: a hex dump or hex digits.
    printer.append(
      CapturedMessage(timestamp: Timestamp(microseconds: 2), topic: "bin", payload: [0x1B, 0x5B, 0x32, 0x4A, 0xFF]),
      to: &out)
    printer.append(
      ConnectionEvent(kind: .disconnected, timestamp: Timestamp(microseconds: 3), reason: "\u{1B}[2J"), to: &out)
    let header = CaptureHeader(created: "\u{9B}", tool: "t", broker: "b\u{1B}", protocolName: "p", subscriptions: [])
    printer.append(header, path: "f", to: &out)
    #expect(rawControls(in: out) == [])
    #expect(!hasHiddenCharacters(String(decoding: out, as: UTF8.self)))
    if layout != .jsonl {
      #expect(String(decoding: out, as: UTF8.self).contains(#"\x1b]0;pwned\x07\x1b[2J"#))
      #expect(String(decoding: out, as: UTF8.self).contains(#"a/\u{202E}b\x1b[2J\u{9B}"#))
    }
  }

  @Test("colours still come through, around the escapes")
  func coloured() {
    var printer = MessagePrinter(layout: .pretty, renderer: PayloadRenderer(dim: "\u{1B}[2m"))
    printer.topicColor = "\u{1B}[1;33m"
    var out: [UInt8] = []
    printer.append(
      CapturedMessage(timestamp: Timestamp(microseconds: 1), topic: "t", payload: Array("a\u{1B}b".utf8)), to: &out)
    #expect(String(decoding: out, as: UTF8.self).contains("a\u{1B}[2m\\x1b\u{1B}[0mb"))
  }

  @Test("diff's report shows topics and payloads visibly")
  func report() {
    func m(_ topic: String, _ payload: String) -> CapturedMessage {
      CapturedMessage(timestamp: Timestamp(microseconds: 1), topic: topic, payload: Array(payload.utf8))
    }
    let expected = [m("t\u{202E}", terminalAttack), m("j", #"{"a": "\#u{9B}"}"#), m("p", "x\u{85}")]
    let actual = [m("u\u{1B}", "\u{85}"), m("j", #"{"a": "\#u{7F}"}"#), m("p", "y\u{9B}\n")]
    let differences = CaptureComparison.compare(expected: expected, actual: actual)
    let text = ComparisonReport(differences, expected: 3, actual: 3).description
    #expect(rawControls(in: Array(text.utf8)) == [])
    #expect(!hasHiddenCharacters(text))
    #expect(text.contains(#"t\u{202E}: 1 missing"#))
    #expect(text.contains(#"  - #1 expected, did not come: \x1b]0;pwned\x07\x1b[2J"#))
    #expect(text.contains(#"payload: x\u{85} → y\u{9B}\n"#))
  }

  @Test("print caps a payload by default and says what was cut and how to see it")
  func cap() {
    var renderer = PayloadRenderer(maxBytes: 65_536)
    renderer.cutHint = " (--max-bytes 0 shows all)"
    let big = [UInt8](repeating: 0xFF, count: 50_000_000)
    var out: [UInt8] = []
    big.withUnsafeBytes { _ = renderer.render($0, into: &out) }
    #expect(out.count < 400_000)
    #expect(
      String(decoding: out.suffix(80), as: UTF8.self).hasSuffix(
        "… 49,934,464 more bytes not shown (--max-bytes 0 shows all)"))
    out = []
    big.withUnsafeBytes { renderer.renderLine($0, into: &out) }
    #expect(out.count < 200_000)
    // Text is cut between characters, never inside one.
    renderer.maxBytes = 4
    out = []
    Array("aéé".utf8).withUnsafeBytes { _ = renderer.render($0, into: &out) }
    #expect(String(decoding: out, as: UTF8.self) == "aé\n… 2 more bytes not shown (--max-bytes 0 shows all)")
  }
}
