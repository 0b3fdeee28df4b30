import MQTTCapture
import Testing

@Suite("connection events")
struct ConnectionEventTests {
  @Test(
    "each kind reads and writes the documented line unchanged",
    arguments: [
      (#"{"ts":1764068856.200000,"event":"connected"}"#, ConnectionEvent.Kind.connected),
      (#"{"ts":1764068950.000000,"event":"disconnected","reason":"connection lost"}"#, .disconnected),
      (#"{"ts":1764068850.000000,"event":"stimulus"}"#, .stimulus),
      (#"{"ts":1764068851.000000,"event":"paused"}"#, .other("paused")),
    ])
  func lines(line: String, kind: ConnectionEvent.Kind) throws {
    guard case .event(let event) = try RecordDecoder.decode(line) else {
      Issue.record("not an event: \(line)")
      return
    }
    #expect(event.kind == kind)
    var out: [UInt8] = []
    RecordEncoder.append(event, to: &out)
    #expect(String(decoding: out, as: UTF8.self) == line + "\n")
  }

  @Test(
    "kinds are spelled as in the file, and say what happened",
    arguments: [
      (ConnectionEvent.Kind.connected, "connected", "recorder connected"),
      (.disconnected, "disconnected", "recorder disconnected"),
      (.stimulus, "stimulus", "stimulus started (verify)"),
      (.other("paused"), "paused", "recorder paused"),
    ])
  func spelling(kind: ConnectionEvent.Kind, rawValue: String, summary: String) {
    #expect(kind.rawValue == rawValue)
    #expect(ConnectionEvent.Kind(rawValue: rawValue) == kind)
    #expect(kind.summary == summary)
  }

  @Test("the printer shows an event by what its kind says")
  func printed() {
    var printer = MessagePrinter()
    printer.utc = true
    var out: [UInt8] = []
    printer.append(.stimulus(at: Timestamp(microseconds: 1_764_068_856_123_000)), to: &out)
    printer.append(.disconnected(at: Timestamp(microseconds: 1_764_068_857_000_000), reason: "gone"), to: &out)
    #expect(
      String(decoding: out, as: UTF8.self)
        == "2025-11-25 11:07:36.123Z -- stimulus started (verify) --\n\n2025-11-25 11:07:37.000Z -- recorder disconnected: gone --\n\n"
    )
  }
}
