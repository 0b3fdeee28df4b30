import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("Packet captures")
struct PcapPlaceholderTests {
  @Test("the directions are named as on the command line")
  func directionNames() {
    #expect(PcapDirection.allCases.map(\.rawValue) == ["from-publishers", "to-subscribers"])
  }
}
