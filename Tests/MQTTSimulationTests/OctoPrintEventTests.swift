import MQTTCapture
import MQTTSimulation
import Testing

private func m(_ topic: String, _ payload: String) -> CapturedMessage {
  CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: topic, payload: Array(payload.utf8))
}

@Suite("recognising OctoPrint events")
struct OctoPrintEventTests {
  @Test("by the topic's last level under event/, the whole topic, or the payload's _event")
  func matching() {
    #expect(OctoPrintEvent.matches(m("octoPrint/event/PrintDone", "{}"), named: "PrintDone"))
    #expect(OctoPrintEvent.matches(m("lab/printer-2/event/PrintDone", ""), named: "PrintDone"))
    #expect(OctoPrintEvent.matches(m("PrintDone", ""), named: "PrintDone"))
    #expect(OctoPrintEvent.matches(m("octoprint/progress", #"{"_event": "PrintDone"}"#), named: "PrintDone"))
    #expect(!OctoPrintEvent.matches(m("octoPrint/event/PrintDoneSoon", "{}"), named: "PrintDone"))
    #expect(
      !OctoPrintEvent.matches(m("octoPrint/event/PrintStarted", #"{"_event": "PrintStarted"}"#), named: "PrintDone"))
    #expect(!OctoPrintEvent.matches(m("octoPrint/event/x", "not json"), named: "PrintDone"))
  }

  @Test("a simulated job's PrintDone is recognised")
  func simulated() {
    var options = PrintJobOptions()
    options.duration = 60
    let messages = PrintJobSimulation.messages(options)
    #expect(messages.filter { OctoPrintEvent.matches($0, named: "PrintDone") }.count == 1)
  }
}
