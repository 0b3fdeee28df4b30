/// What `mqtt-dumper info` tells about a capture: read once, in constant memory but for the topic table.
public struct CaptureSummary: Sendable {
  public struct TopicStats: Sendable {
    public var topic: String
    public var messages = 0
    public var payloadBytes: UInt64 = 0
  }

  public var path: String
  public var header: CaptureHeader
  public var isCompressed = false
  public var fileBytes: UInt64 = 0
  public var uncompressedBytes: UInt64 = 0
  public var messages = 0
  public var binaryMessages = 0
  public var retainedMessages = 0
  public var messagesByQoS = [0, 0, 0]
  public var withProperties = 0
  public var payloadBytes: UInt64 = 0
  public var first: Timestamp?
  public var last: Timestamp?
  public var sessions = 1
  public var disconnections = 0
  /// Per topic, in order of first appearance.
  public var topics: [TopicStats] = []
  /// The reader's sentence when the file was cut off.
  public var truncation: String?

  /// Reads the whole capture at `path`.
  /// - Throws: `CaptureError` when it is not a capture or is corrupt.
  public init(path: String) throws {
    let reader = try CaptureReader(path: path)
    self.path = path
    self.header = reader.header
    var topicIndex: [String: Int] = [:]
    while let record = try reader.next() {
      switch record {
      case .header: sessions += 1
      case .event(let event):
        if event.kind == .disconnected { disconnections += 1 }
      case .message(let m):
        messages += 1
        payloadBytes += UInt64(m.payload.count)
        if m.retain { retainedMessages += 1 }
        messagesByQoS[Int(m.qos.rawValue)] += 1
        if !m.properties.isEmpty { withProperties += 1 }
        if !isValidUTF8(m.payload) { binaryMessages += 1 }
        if first == nil || m.timestamp < first! { first = m.timestamp }
        if last == nil || m.timestamp > last! { last = m.timestamp }
        let index: Int
        if let i = topicIndex[m.topic] {
          index = i
        } else {
          index = topics.count
          topicIndex[m.topic] = index
          topics.append(TopicStats(topic: m.topic))
        }
        topics[index].messages += 1
        topics[index].payloadBytes += UInt64(m.payload.count)
      }
    }
    isCompressed = reader.isCompressed
    fileBytes = reader.fileBytesRead
    uncompressedBytes = reader.uncompressedBytesRead
    truncation = reader.truncation
  }
}
