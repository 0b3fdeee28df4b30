import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

/// 2025-11-25T10:00:00Z, a whole second.
private let base: Int64 = 1_764_064_800_000_000

private func at(_ seconds: Double) -> Timestamp { Timestamp(microseconds: base + Int64((seconds * 1e6).rounded())) }

private func message(
  _ seconds: Double, _ topic: String, bytes: Int = 1, qos: MQTTQoS = .atMostOnce, retain: Bool = false
) -> CapturedMessage {
  CapturedMessage(
    timestamp: at(seconds), topic: topic, payload: [UInt8](repeating: 0x61, count: bytes), qos: qos, retain: retain)
}

@Suite struct TopicStatisticsTests {
  @Test("counts, sizes, peak second, longest silence, QoS and retain, worked out by hand")
  func handWorked() {
    var t = TopicStatistics(topic: "a")
    t.add(message(0.0, "a", bytes: 10, qos: .atMostOnce, retain: true))
    t.add(message(0.5, "a", bytes: 20, qos: .atLeastOnce))
    t.add(message(0.9, "a", bytes: 30, qos: .exactlyOnce, retain: true))
    t.add(message(1.2, "a", bytes: 40, qos: .atLeastOnce))
    t.add(message(5.2, "a", bytes: 1000, qos: .atMostOnce))
    #expect(t.messages == 5)
    #expect(t.payloadBytes == 1100)
    #expect(t.minBytes == 10)
    #expect(t.maxBytes == 1000)
    #expect(t.medianBytes == 30)  // 10 20 [30] 40 1000
    #expect(t.first == at(0))
    #expect(t.last == at(5.2))
    #expect(t.span == 5.2)
    #expect(abs(t.meanRate! - 5 / 5.2) < 1e-12)
    // Second 0 holds 0.0, 0.5 and 0.9; seconds 1 and 5 one each.
    #expect(t.peakRate == 3)
    #expect(t.peakSecond == at(0))
    // Gaps 0.5, 0.4, 0.3, 4.0.
    #expect(t.longestSilence == TopicStatistics.Silence(from: at(1.2), to: at(5.2)))
    #expect(t.longestSilence?.seconds == 4.0)
    #expect(t.messagesByQoS == [2, 2, 1])
    #expect(t.retained == 2)
  }

  @Test("time going backwards: no silence from a message inside time already covered, steps back counted")
  func backwards() {
    // A clock set back by 15 s after 20 s, then a long pause: the silence starts at 20, the latest time.
    var t = TopicStatistics(topic: "a")
    for s in [0.0, 10, 20, 5, 6, 100] { t.add(message(s, "a")) }
    #expect(t.longestSilence == TopicStatistics.Silence(from: at(20), to: at(100)))
    #expect(t.stepsBack == 1)
    #expect(t.span == 100)
    // One record out of order, far ahead: the messages after it fill the gap it seemed to leave.
    var u = TopicStatistics(topic: "a")
    for s in [0.0, 1000, 1, 2, 3] { u.add(message(s, "a")) }
    #expect(u.longestSilence == TopicStatistics.Silence(from: at(3), to: at(1000)))
    #expect(u.stepsBack == 1)
    // In time order, nothing changes: the largest gap between consecutive messages, no step back.
    var v = TopicStatistics(topic: "a")
    for s in [0.0, 2, 9, 10] { v.add(message(s, "a")) }
    #expect(v.longestSilence == TopicStatistics.Silence(from: at(2), to: at(9)))
    #expect(v.stepsBack == 0)
  }

  @Test("any order: the silence shown has no message inside it and ends at messages; in order, the largest gap")
  func backwardsChecked() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<300 {
      let times = (0..<Int.random(in: 2...12, using: &generator)).map { _ in Double(Int.random(in: 0...50)) }
      var t = TopicStatistics(topic: "a")
      for s in times { t.add(message(s, "a")) }
      let stepsBack = zip(times, times.dropFirst()).filter { $0.1 < $0.0 }.count
      #expect(t.stepsBack == stepsBack)
      let sorted = times.sorted()
      let largestGap = zip(sorted, sorted.dropFirst()).map { $1 - $0 }.max()!
      guard let s = t.longestSilence else {
        #expect(largestGap == 0 || stepsBack > 0, "\(times)")
        continue
      }
      let from = Double(s.from.microseconds - base) / 1e6
      let to = Double(s.to.microseconds - base) / 1e6
      #expect(times.contains(from) && times.contains(to) && from < to, "\(times)")
      #expect(!times.contains { from < $0 && $0 < to }, "\(times)")
      if stepsBack == 0 { #expect(to - from == largestGap, "\(times)") }
    }
  }

  @Test("one message: no rate, no silence, a peak of 1")
  func single() {
    var t = TopicStatistics(topic: "a")
    t.add(message(3.7, "a", bytes: 0))
    #expect(t.meanRate == nil)
    #expect(t.longestSilence == nil)
    #expect(t.peakRate == 1)
    #expect(t.peakSecond == at(3))
    #expect(t.minBytes == 0 && t.medianBytes == 0 && t.maxBytes == 0)
  }

  @Test("nothing counted: everything nil or zero")
  func empty() {
    let t = TopicStatistics(topic: "a")
    #expect(t.messages == 0 && t.medianBytes == nil && t.first == nil && t.meanRate == nil && t.peakRate == 0)
  }

  @Test(
    "the peak is the busiest wall-clock second, not a sliding window, and a second seen again after time went back counts afresh"
  )
  func peakSeconds() {
    var t = TopicStatistics(topic: "a")
    // 0.6, 0.9, 1.1, 1.4: a sliding 1 s window would hold 4; seconds 0 and 1 hold 2 each.
    for s in [0.6, 0.9, 1.1, 1.4] { t.add(message(s, "a")) }
    #expect(t.peakRate == 2)
    #expect(t.peakSecond == at(0))  // the earlier on a tie
    var back = TopicStatistics(topic: "a")
    for s in [10.1, 10.2, 9.5, 10.3, 12.0, 12.1, 12.2] { back.add(message(s, "a")) }
    #expect(back.peakRate == 3)
    #expect(back.peakSecond == at(12))
    #expect(back.first == at(9.5))
    #expect(back.last == at(12.2))
    // Gaps in the order added: 0.1, (back), 0.8, 1.7, 0.1, 0.1.
    #expect(back.longestSilence == TopicStatistics.Silence(from: at(10.3), to: at(12.0)))
  }

  @Test("a time before 1970 falls into the second that begins before it")
  func negativeTime() {
    var t = TopicStatistics(topic: "a")
    t.add(CapturedMessage(timestamp: Timestamp(microseconds: -500_000), topic: "a", payload: []))
    #expect(t.peakSecond == Timestamp(microseconds: -1_000_000))
  }
}

@Suite struct SizeHistogramTests {
  @Test("the lower median: the middle size, the lower middle one for an even count")
  func lowerMedian() {
    var h = SizeHistogram()
    for size in [5, 1, 3, 7] { h.add(size) }
    #expect(h.median == 3)
    h.add(4)
    #expect(h.median == 4)  // 1 3 [4] 5 7
    #expect(SizeHistogram().median == nil)
  }

  @Test("exact below 1,024 bytes; above, buckets 1/64 of a power of two wide")
  func buckets() {
    #expect(SizeHistogram.bucket(1023) == 1023)
    #expect(SizeHistogram.bucket(1024) == 1024)
    #expect(SizeHistogram.bucket(1039) == 1024)
    #expect(SizeHistogram.bucket(1040) == 1040)
    #expect(SizeHistogram.bucket(2010) == 2000)  // 2,048 / 64 = 32 wide from 2,048; 16 wide below
    #expect(SizeHistogram.bucket(70_000) == 69_632)  // 65,536 / 64 = 1,024 wide
    #expect(SizeHistogram.bucket(50_000_000) == 49_807_360)
    for size in [1024, 1500, 4095, 70_000, 50_000_000, Int(UInt32.max)] {
      let b = SizeHistogram.bucket(size)
      #expect(b <= size && Double(size - b) / Double(size) < 1.0 / 64)
    }
  }

  @Test("a median above the exact range is its bucket's lower end, never outside min…max")
  func approximateMedian() {
    var t = TopicStatistics(topic: "a")
    for size in [1500, 2010, 70_000] { t.add(message(0, "a", bytes: size)) }
    #expect(t.medianBytes == 2000)
    var same = TopicStatistics(topic: "a")
    for _ in 0..<3 { same.add(message(0, "a", bytes: 2001)) }
    #expect(same.medianBytes == 2001)  // the bucket starts at 2,000, below the minimum
  }

  @Test("memory stays bounded: a million different sizes keep a few thousand buckets")
  func bounded() {
    var h = SizeHistogram()
    var size = 0
    for i in 0..<1_000_000 {
      size = (size &* 1_103_515_245 &+ 12345) & 0x7FFF_FFFF
      h.add(i % 2 == 0 ? size : i % 5000)
    }
    #expect(h.count == 1_000_000)
    #expect(h.bucketCount <= 1024 + 64 * 22)
  }
}

@Suite struct TrafficStatisticsTests {
  @Test("topics sorted by their bytes, rates over the whole span so that they add up to the total")
  func topicsAndTotals() {
    var s = TrafficStatistics()
    s.add(message(0, "b", bytes: 4))
    s.add(message(2, "a/b", bytes: 6))
    s.add(message(4, "é", bytes: 1, qos: .atLeastOnce))
    s.add(message(5, "a", bytes: 3, retain: true))
    s.add(message(8, "B", bytes: 2))
    s.add(message(10, "b", bytes: 5))
    #expect(s.topics.map(\.topic) == ["B", "a", "a/b", "b", "é"])
    #expect(s.topicCount == 5)
    #expect(s.messages == 6)
    let b = s.topics[3]
    #expect(b.messages == 2 && b.payloadBytes == 9 && b.span == 10)
    #expect(b.meanRate == 0.2)
    #expect(s.topics[1].meanRate == 0.1)  // one message over the 10 s of all the traffic
    #expect(s.totals.meanRate == 0.6)
    #expect(abs(s.topics.compactMap(\.meanRate).reduce(0, +) - 0.6) < 1e-12)
    #expect(s.totals.payloadBytes == 21)
    #expect(s.totals.messagesByQoS == [5, 1, 0])
    #expect(s.totals.retained == 1)
    #expect(s.totals.longestSilence == TopicStatistics.Silence(from: at(5), to: at(8)))
    #expect(s.totals.topic == "")
  }

  @Test("100,000 topics and a 50 MB payload: counted, no crash")
  func badInput() {
    var s = TrafficStatistics()
    for i in 0..<100_000 { s.add(message(Double(i) / 1000, "t/\(i)", bytes: i % 7)) }
    s.add(message(200, "big", bytes: 50_000_000))
    #expect(s.topicCount == 100_001)
    #expect(s.totals.maxBytes == 50_000_000)
    let tree = TopicTree(s)
    #expect(tree.nodes.count == 100_002)
    #expect(tree.nodes[tree.roots[1]].topics == 100_000)
  }
}
