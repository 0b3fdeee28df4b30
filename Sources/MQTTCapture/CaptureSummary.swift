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
    var builder = Builder(reader)
    while let record = try reader.next() { builder.add(record) }
    self = builder.summary(reader)
  }

  /// A summary without anything counted yet, of the file `path` whose first header is `header`.
  init(path: String, header: CaptureHeader) {
    self.path = path
    self.header = header
  }

  /// Builds a summary one record at a time, for a reader that reads the file anyway (`report` summarises each
  /// file in the same pass that reads its messages, so standard input has a summary too): hand it every record
  /// the reader gives, then take the `summary` when the reader is at the end.
  public struct Builder: Sendable {
    private var summary: CaptureSummary
    private var topicIndex: [String: Int] = [:]
    private var inSnapshot = false

    /// A summary of the file `reader` has opened (its header read, no record yet).
    public init(_ reader: CaptureReader) {
      summary = CaptureSummary(path: reader.path, header: reader.header)
    }

    /// Counts one record: a later session's header, an event or a message.
    public mutating func add(_ record: CaptureRecord) {
      switch record {
      case .header: summary.sessions += 1
      case .event(let event):
        switch event.kind {
        case .disconnected: summary.disconnections += 1
        case .retainedSnapshot:
          inSnapshot = true
          summary.retainedSnapshotMessages = summary.retainedSnapshotMessages ?? 0
        case .retainedSnapshotEnd: inSnapshot = false
        default: break
        }
      case .message(let m): add(m)
      }
    }

    private mutating func add(_ m: CapturedMessage) {
      summary.messages += 1
      if inSnapshot { summary.retainedSnapshotMessages? += 1 }
      summary.payloadBytes += UInt64(m.payload.count)
      if m.retain { summary.retainedMessages += 1 }
      summary.messagesByQoS[Int(m.qos.rawValue)] += 1
      if !m.properties.isEmpty { summary.withProperties += 1 }
      if !isValidUTF8(m.payload) { summary.binaryMessages += 1 }
      if summary.first.map({ m.timestamp < $0 }) ?? true { summary.first = m.timestamp }
      if summary.last.map({ m.timestamp > $0 }) ?? true { summary.last = m.timestamp }
      let index: Int
      if let i = topicIndex[m.topic] {
        index = i
      } else {
        index = summary.topics.count
        topicIndex[m.topic] = index
        summary.topics.append(TopicStats(topic: m.topic))
      }
      summary.topics[index].messages += 1
      summary.topics[index].payloadBytes += UInt64(m.payload.count)
    }

    /// The summary, with the sizes and the cut-off end taken from `reader` (the one that read the records
    /// given), which should be at the end of the file.
    public func summary(_ reader: CaptureReader) -> CaptureSummary {
      var s = summary
      s.isCompressed = reader.isCompressed
      s.fileBytes = reader.fileBytesRead
      s.uncompressedBytes = reader.uncompressedBytesRead
      s.truncation = reader.truncation
      return s
    }
  }
}
