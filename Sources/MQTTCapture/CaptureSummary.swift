/// What `mqtt-dumper info` tells about a capture: read once, in constant memory but for the topic table.
public struct CaptureSummary: Sendable {
  /// How much was recorded on one topic.
  public struct TopicStats: Sendable {
    /// The topic the messages were published to.
    public var topic: String
    /// Messages on the topic.
    public var messages = 0
    /// Their payloads' bytes, added up.
    public var payloadBytes: UInt64 = 0
  }

  /// The file's name as given (`-` for standard input).
  public var path: String
  /// The file's first header: broker, protocol, subscriptions, when and by what it was written.
  public var header: CaptureHeader
  /// Whether the file is gzip-compressed.
  public var isCompressed = false
  /// The file's size as read, compressed if it is.
  public var fileBytes: UInt64 = 0
  /// Bytes of JSON Lines after decompression (equal to `fileBytes` for a plain file).
  public var uncompressedBytes: UInt64 = 0
  /// Messages in the file, all sessions together.
  public var messages = 0
  /// Messages whose payload is not UTF-8 (stored as `payload_b64`).
  public var binaryMessages = 0
  /// Messages delivered with the retain flag.
  public var retainedMessages = 0
  /// Messages per QoS, indexed by the level: `[QoS 0, QoS 1, QoS 2]`.
  public var messagesByQoS = [0, 0, 0]
  /// Messages that carry MQTT v5 properties.
  public var withProperties = 0
  /// All payloads' bytes, added up.
  public var payloadBytes: UInt64 = 0
  /// The earliest message's time; nil when there is no message.
  public var first: Timestamp?
  /// The latest message's time; nil when there is no message.
  public var last: Timestamp?
  /// Recording sessions in the file: 1, plus one per session added with `--append`.
  public var sessions = 1
  /// How often the recorder lost the broker (`disconnected` events).
  public var disconnections = 0
  /// Messages of retained snapshots (`capture --retained-snapshot`: between `retained_snapshot` and
  /// `retained_snapshot_end` events); nil when the file has no snapshot.
  public var retainedSnapshotMessages: Int?
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
    var inSnapshot = false
    while let record = try reader.next() {
      switch record {
      case .header: sessions += 1
      case .event(let event):
        switch event.kind {
        case .disconnected: disconnections += 1
        case .retainedSnapshot:
          inSnapshot = true
          retainedSnapshotMessages = retainedSnapshotMessages ?? 0
        case .retainedSnapshotEnd: inSnapshot = false
        default: break
        }
      case .message(let m):
        messages += 1
        if inSnapshot { retainedSnapshotMessages? += 1 }
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
