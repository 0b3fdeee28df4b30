import Foundation
import MQTTCapture

/// Writes `messages` as a complete capture `name` in `dir` (the header of a v5 recorder of `#`, of a group's
/// instance when they are given).
func writeCapture(
  _ messages: [CapturedMessage], in dir: URL, name: String = "source.jsonl.gz", group: String? = nil,
  instance: String? = nil
) throws -> String {
  let path = dir.appendingPathComponent(name).path
  let writer = try CaptureWriter(
    path: path,
    header: CaptureHeader(
      created: "2025-11-25T11:07:36.000000Z", tool: "test", broker: "localhost:1883", protocolName: "mqttv5",
      subscriptions: [CaptureSubscription(filter: "#", qos: .exactlyOnce)], group: group, instance: instance))
  for m in messages { try writer.write(m) }
  try writer.close()
  return path
}

/// A capture of `count` QoS 1 messages on `topic`, `gap` seconds apart, payloads `message 0`, `message 1`, ….
func numberedCapture(
  _ count: Int, topic: String = "t/x", gap: Double, in dir: URL, name: String = "c.jsonl.gz"
) throws -> String {
  try writeCapture(
    (0..<count).map { i in
      CapturedMessage(
        timestamp: Timestamp(microseconds: 1_764_068_856_000_000 + Int64(Double(i) * gap * 1e6)), topic: topic,
        payload: Array("message \(i)".utf8), qos: .atLeastOnce)
    }, in: dir, name: name)
}
