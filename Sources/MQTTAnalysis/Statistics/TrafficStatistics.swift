import MQTTCapture

/// Per-topic statistics of a stream of messages, and their totals: what `mqtt-dumper stats` shows.
///
/// Streaming: each message is counted and dropped, so memory grows with the number of topics, never with
/// the number of messages.
public struct TrafficStatistics: Sendable {
  /// Where each topic's statistics are in `accumulated`.
  private var index = TopicIndex()
  /// Per topic, in order of first appearance.
  private var accumulated: [TopicStatistics] = []
  /// All messages together (its `topic` is empty).
  public private(set) var totals = TopicStatistics(topic: "")

  /// Nothing counted yet.
  public init() {}

  /// Counts `message`, under its topic and in the totals.
  public mutating func add(_ message: CapturedMessage) {
    let bytes = message.payload.count
    let hash = TopicIndex.hash(message.topic)
    if let i = index.find(message.topic, hash: hash, topics: { accumulated[$0].topic }) {
      accumulated[i].add(timestamp: message.timestamp, bytes: bytes, qos: message.qos, retain: message.retain)
    } else {
      index.insert(hash: hash, position: accumulated.count)
      var topic = TopicStatistics(topic: message.topic)
      topic.add(timestamp: message.timestamp, bytes: bytes, qos: message.qos, retain: message.retain)
      accumulated.append(topic)
    }
    totals.add(timestamp: message.timestamp, bytes: bytes, qos: message.qos, retain: message.retain)
  }

  /// Messages counted.
  public var messages: Int { totals.messages }

  /// How many topics had messages.
  public var topicCount: Int { accumulated.count }

  /// Per topic, sorted by topic (byte order of the UTF-8, which is code point order), with mean rates over
  /// the span of all the traffic (`totals.span`), so that they add up.
  public var topics: [TopicStatistics] {
    let span = totals.span
    return accumulated.sorted { $0.topic.utf8.lexicographicallyPrecedes($1.topic.utf8) }.map {
      var topic = $0
      topic.rateSpan = span
      return topic
    }
  }
}
