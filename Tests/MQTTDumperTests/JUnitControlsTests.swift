import Foundation
import MQTTCapture
import MQTTDumper
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite("JUnit report: what a consumer publishes cannot break the XML")
struct JUnitControlsTests {
  @Test("control and C1 characters in topics and payloads are made visible, so the report stays XML")
  func controls() throws {
    let topic = "home/\u{1B}[2J\u{202E}"
    let expectation = Expectation(recorded: RecordedRun(messages: [message(topic, "\u{1B}]0;pwned\u{07}")]))
    let verdict = expectation.verdict(
      received: [message(topic, "x\u{9B}\u{0}")], stimulusStart: nil, windowStart: ts(0))
    let xml = JUnitReport(verdict).xml
    #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    #expect(!xml.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) })
    #expect(xml.contains(#"name="home/\x1b[2J\u{202E}""#))
    #expect(xml.contains(#"payload: \x1b]0;pwned\x07 → x\u{9B}\x00"#))
    #expect(XMLParser(data: Data(xml.utf8)).parse())
  }
}
