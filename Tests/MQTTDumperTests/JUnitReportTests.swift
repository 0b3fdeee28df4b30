import Foundation
import MQTTCapture
import MQTTDumper
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A JUnit document read back with Foundation's XML parser.
private final class JUnitDocument: NSObject, XMLParserDelegate {
  struct TestCase: Equatable {
    var name: String
    var className: String
    var failureMessage: String?
    var failureText: String?
  }

  var suite: [String: String] = [:]
  var cases: [TestCase] = []
  private var text: String?

  init(_ xml: String) throws {
    super.init()
    let parser = XMLParser(data: Data(xml.utf8))
    parser.delegate = self
    guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
  }

  func parser(
    _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String]
  ) {
    switch element {
    case "testsuite": suite = attributes
    case "testcase": cases.append(TestCase(name: attributes["name"] ?? "", className: attributes["classname"] ?? ""))
    case "failure":
      cases[cases.count - 1].failureMessage = attributes["message"]
      text = ""
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    text? += string
  }

  func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
    if element == "failure" {
      cases[cases.count - 1].failureText = text
      text = nil
    }
  }
}

@Suite("JUnit reports of verify")
struct JUnitReportTests {
  let recorded = Expectation(recorded: RecordedRun(messages: [message(power, "off", at: 1)]))

  @Test("a passing run is one passing test case per expected topic, written exactly so")
  func passing() {
    let verdict = recorded.verdict(
      received: [message(power, "off", at: 101)], stimulusStart: ts(100), windowStart: ts(100))
    #expect(
      JUnitReport(verdict).xml == """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="mqtt-dumper verify" tests="1" failures="0">
          <testcase classname="mqtt-dumper.verify" name="home/printer/power"/>
        </testsuite>

        """)
  }

  @Test("2 came where 1 was expected: the failure says 1 expected and 2 came")
  func twoForOne() throws {
    let verdict = recorded.verdict(
      received: [message(power, "off", at: 101), message(power, "off", at: 102)], stimulusStart: ts(100),
      windowStart: ts(100))
    let document = try JUnitDocument(JUnitReport(verdict).xml)
    #expect(document.suite == ["name": "mqtt-dumper verify", "tests": "1", "failures": "1"])
    #expect(
      document.cases == [
        .init(
          name: power, className: "mqtt-dumper.verify", failureMessage: "1 difference on home/printer/power",
          failureText: """
            home/printer/power: 1 extra
              + #2 came, not expected: off
            0 missing, 1 extra, 0 changed (1 expected, 2 came)

            """)
      ])
  }

  @Test("a topic that only came unexpectedly is a test case too; names and texts are escaped")
  func escapedAndUnexpected() throws {
    let odd = #"a/<b>&"c""#
    let expectation = Expectation(recorded: RecordedRun(messages: [message(odd, "x<y>&z")]))
    let verdict = expectation.verdict(received: [message("surprise", "1")], stimulusStart: nil, windowStart: ts(0))
    let xml = JUnitReport(verdict).xml
    #expect(xml.contains(#"name="a/&lt;b&gt;&amp;&quot;c&quot;""#))
    let document = try JUnitDocument(xml)
    #expect(document.suite["tests"] == "2")
    #expect(document.suite["failures"] == "2")
    #expect(document.cases.map(\.name) == [odd, "surprise"])
    #expect(document.cases[0].failureText?.contains("  - #1 expected, did not come: x<y>&z\n") == true)
    #expect(document.cases[0].failureText?.hasSuffix("(1 expected, 0 came)\n") == true)
    #expect(document.cases[1].failureText?.hasSuffix("(0 expected, 1 came)\n") == true)
  }

  @Test("expected single messages are test cases, passing when they came and failing when they did not")
  func singleMessages() throws {
    let expectation = Expectation(messages: [
      try #require(MessageExpectation("\(power)=off")), try #require(MessageExpectation("home/light=on")),
    ])
    let verdict = expectation.verdict(
      received: [message(power, "off", at: 1), message("home/light", "off", at: 2)], stimulusStart: nil,
      windowStart: ts(0))
    let document = try JUnitDocument(JUnitReport(verdict).xml)
    #expect(document.suite["tests"] == "2")
    #expect(document.suite["failures"] == "1")
    #expect(document.cases.map(\.name) == [power, "home/light"])
    #expect(document.cases[0].failureText == nil)
    #expect(
      document.cases[1].failureText == """
        home/light: 1 missing
          - #1 expected, did not come: on
        1 missing, 0 extra, 0 changed (1 expected, 1 came)

        """)
  }
}
