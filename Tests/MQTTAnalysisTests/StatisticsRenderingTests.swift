import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

private func sample() -> TrafficStatistics {
  var s = TrafficStatistics()
  let base: Int64 = 1_764_064_800_000_000  // 2025-11-25T10:00:00Z
  let messages: [(Int64, String, Int, MQTTQoS, Bool)] = [
    (0, "sensors/a", 10, .atMostOnce, true),
    (500_000, "sensors/a", 20, .atLeastOnce, false),
    (2_000_000, "sensors/\u{1B}[31mred", 5, .atMostOnce, false),
    (100_000_000, "sensors/a", 30, .atMostOnce, false),
  ]
  for (offset, topic, bytes, qos, retain) in messages {
    s.add(
      CapturedMessage(
        timestamp: Timestamp(microseconds: base + offset), topic: topic,
        payload: [UInt8](repeating: 0x30, count: bytes), qos: qos, retain: retain))
  }
  return s
}

@Suite struct StatisticsRenderingTests {
  @Test("text: summary, table and tree, whole, with a terminal escape in a topic shown as text")
  func text() {
    let s = sample()
    let r = StatisticsText(s)
    #expect(
      r.summary(s) == """
        4 messages on 2 topics, 2025-11-25T10:00:00.000000Z → 2025-11-25T10:01:40.000000Z (1m 40s)
          rate             mean 0.04/s, peak 2/s (the second from 10:00:00)
          payload bytes    65 in all; min 5, median 10, max 30
          longest silence  1m 38s from 10:00:02 to 10:01:40
          QoS 0/1/2        3/1/0, retained 1
        """)
    #expect(
      r.table(s.topics) == """
        messages  mean/s  peak/s  min B  median B  max B  longest silence       QoS 0/1/2  retained  first     last      topic
               1    0.01       1      5         5      5  –                         1/0/0         0  10:00:02  10:00:02  sensors/\\x1b[31mred
               3    0.03       2     10        20     30  1m 40s from 10:00:00      2/1/0         1  10:00:00  10:01:40  sensors/a
        """)
    #expect(
      r.tree(TopicTree(s)) == """
        messages  own  topics  mean/s  topic level
               4    0       2    0.04  sensors
               1    1       1    0.01    \\x1b[31mred
               3    3       1    0.03    a
        """)
  }

  @Test("JSON: one document that an independent parser reads, with the numbers of the text")
  func json() throws {
    let s = sample()
    let bytes = StatisticsJSON.document(s, files: ["x.jsonl.gz"], truncations: ["cut"], tree: TopicTree(s))
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    #expect(doc["files"] as? [String] == ["x.jsonl.gz"])
    #expect(doc["complete"] as? Bool == false)
    #expect(doc["cut_off"] as? [String] == ["cut"])
    #expect(doc["topic_count"] as? Int == 2)
    let totals = try #require(doc["totals"] as? [String: Any])
    #expect(totals["messages"] as? Int == 4)
    #expect(totals["bytes_median"] as? Int == 10)
    #expect(totals["mean_rate"] as? Double == 0.04)
    #expect(totals["span_seconds"] as? Double == 100)
    #expect(totals["first"] as? String == "2025-11-25T10:00:00.000000Z")
    #expect(totals["peak_second"] as? String == "2025-11-25T10:00:00.000000Z")
    let silence = try #require(totals["longest_silence"] as? [String: Any])
    #expect(silence["seconds"] as? Double == 98)
    #expect(silence["from"] as? String == "2025-11-25T10:00:02.000000Z")
    #expect(totals["messages_by_qos"] as? [Int] == [3, 1, 0])
    let topics = try #require(doc["topics"] as? [[String: Any]])
    #expect(topics.map { $0["topic"] as? String } == ["sensors/\u{1B}[31mred", "sensors/a"])
    #expect(topics[0]["longest_silence"] is NSNull)
    #expect(topics[1]["mean_rate"] as? Double == 0.03)
    let tree = try #require(doc["tree"] as? [[String: Any]])
    #expect(tree.map { $0["path"] as? String } == ["sensors", "sensors/\u{1B}[31mred", "sensors/a"])
    #expect(tree.map { $0["parent"] as? Int } == [nil, 0, 0])
    #expect(tree[0]["messages"] as? Int == 4)
    // The escape is a JSON escape: no raw control byte in the output.
    #expect(!bytes.contains(0x1B))
  }
}
