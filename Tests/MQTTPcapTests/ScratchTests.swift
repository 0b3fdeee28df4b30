import Foundation
import MQTTCapture
import Testing

@testable import MQTTPcap

@Suite("Scratch")
struct ScratchTests {
  @Test("dump")
  func dump() throws {
    guard let path = ProcessInfo.processInfo.environment["PCAP_SCRATCH"] else { return }
    let direction = PcapDirection(rawValue: ProcessInfo.processInfo.environment["PCAP_DIRECTION"] ?? "") ?? .fromPublishers
    let recording = try PcapRecording(path: path, direction: direction)
    while let m = try recording.next() {
      print("MSG", m.timestamp, m.topic, String(decoding: m.payload, as: UTF8.self), m.qos.rawValue, m.retain, m.properties)
    }
    for l in recording.losses { print("LOSS", l) }
  }
}
