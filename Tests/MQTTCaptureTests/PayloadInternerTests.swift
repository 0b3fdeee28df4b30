import MQTTCapture
import Testing

@Suite("payload interning: equal large payloads share one copy")
struct PayloadInternerTests {
  private func message(_ payload: [UInt8]) -> ComparedMessage {
    ComparedMessage(CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: "t", payload: payload))
  }

  private func storage(_ m: ComparedMessage) -> UnsafeRawPointer? {
    m.payload.kept.withUnsafeBytes { $0.baseAddress }
  }

  @Test("a second equal payload takes the first one's storage; different or small payloads keep their own")
  func sharing() {
    var interner = PayloadInterner(minimumBytes: 1000)
    var first = message([UInt8](repeating: 7, count: 5000))
    var second = message([UInt8](repeating: 7, count: 5000))
    var other = message([UInt8](repeating: 7, count: 4999) + [8])
    var small = message([UInt8](repeating: 7, count: 999))
    var smallAgain = message([UInt8](repeating: 7, count: 999))
    #expect(storage(first) != storage(second))
    interner.intern(&first)
    interner.intern(&second)
    interner.intern(&other)
    interner.intern(&small)
    interner.intern(&smallAgain)
    #expect(storage(first) == storage(second))
    #expect(second.payload == .bytes([UInt8](repeating: 7, count: 5000)))
    #expect(storage(other) != storage(first))
    #expect(other.payload.kept.last == 8)
    #expect(storage(small) != storage(smallAgain))
  }
}
