import MQTTCapture
import Testing

@testable import MQTTDumper

@Suite("the replay schedule")
struct ReplayScheduleTests {
  func message(_ seconds: Int64, _ topic: String = "t") -> CapturedMessage {
    CapturedMessage(timestamp: Timestamp(microseconds: seconds * 1_000_000), topic: topic, payload: [])
  }

  func entries(loops: Int?, _ messages: [CapturedMessage], limit: Int = 100) throws -> [String] {
    var schedule = ReplaySchedule(loops: loops) { ArraySource(messages) }
    var out: [String] = []
    while out.count < limit, let e = try schedule.next() {
      out.append("\(e.pass) \(e.message.topic) +\(e.offset / .milliseconds(1))ms")
    }
    return out
  }

  @Test("each message is due at its distance from the pass's first; the next pass starts one mean gap later")
  func loops() throws {
    let got = try entries(loops: 2, [message(10, "a"), message(11, "b"), message(13, "c")])
    // Pass 1 spans 3 s over 2 gaps: pass 2 starts 3 s + 1.5 s after the start.
    #expect(got == ["1 a +0.0ms", "1 b +1000.0ms", "1 c +3000.0ms", "2 a +4500.0ms", "2 b +5500.0ms", "2 c +7500.0ms"])
  }

  @Test("a single message loops a second apart; forever stops only when asked")
  func singleMessageForever() throws {
    let got = try entries(loops: nil, [message(5)], limit: 3)
    #expect(got == ["1 t +0.0ms", "2 t +1000.0ms", "3 t +2000.0ms"])
  }

  @Test("an empty source ends the schedule at once, whatever the loops")
  func empty() throws {
    #expect(try entries(loops: nil, []) == [])
  }
}
