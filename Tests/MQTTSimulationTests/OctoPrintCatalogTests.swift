import MQTTCapture
import MQTTSimulation
import Testing

@Suite("OctoPrint knowledge: the topic catalog and event matching")
struct OctoPrintCatalogTests {
  private func message(_ topic: String, _ payload: String) -> CapturedMessage {
    CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: topic, payload: Array(payload.utf8))
  }

  @Test(
    "OctoPrint topics are described as the 2017 document does, others from their names",
    arguments: [
      ("octoprint/event/CaptureStart", "Time Lapse", "Image capture start"),
      ("octoPrint/temperature/tool0", "Temperatures", "Hot End temperature"),
      ("octoPrint/temperature/tool7", "Temperatures", "Temperature of tool7"),
      (
        "octoPrint/event/GcodeScriptAfterPrintDoneRunning", "Printing Events",
        "Gcode script after print done running (G-code script)"
      ),
      ("octoPrint/event/plugin_achievements_x", "Other Events", "Plugin achievements x"),
      ("home/printer/power", "home/printer", "Power"),
    ])
  func describes(topic: String, family: String, description: String) {
    #expect(OctoPrintTopicCatalog().describe(topic) == TopicDescription(family: family, description: description))
  }

  @Test("a sample document lists OctoPrint families in the document's order only when given the catalog")
  func documentOrder() {
    let topics = [
      "home/power", "octoPrint/temperature/bed", "octoPrint/event/PrintDone", "octoPrint/event/PrintStarted",
    ]
    var plain = SampleDocument()
    var octoPrint = SampleDocument(catalog: OctoPrintTopicCatalog())
    for t in topics {
      plain.add(message(t, "{}"))
      octoPrint.add(message(t, "{}"))
    }
    #expect(plain.families().map(\.family) == ["home", "octoPrint/temperature", "octoPrint/event"])
    #expect(octoPrint.families().map(\.family) == ["Printing Events", "Temperatures", "home"])
    #expect(
      octoPrint.families()[0].topics.map(\.topic) == ["octoPrint/event/PrintStarted", "octoPrint/event/PrintDone"])
  }

  @Test("an event is recognised by its topic or by its _event member")
  func eventMatching() {
    #expect(OctoPrintEvent.matches(message("octoPrint/event/PrintDone", "{}"), named: "PrintDone"))
    #expect(OctoPrintEvent.matches(message("lab/p1", #"{"_event": "PrintDone"}"#), named: "PrintDone"))
    #expect(!OctoPrintEvent.matches(message("octoPrint/event/PrintDone", "{}"), named: "PrintFailed"))
    #expect(!OctoPrintEvent.matches(message("lab/p1", "PrintDone"), named: "PrintDone"))
  }
}
