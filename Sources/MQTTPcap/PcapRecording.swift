import MQTTCapture

/// Which side of the broker a packet capture's PUBLISH packets are taken from.
public enum PcapDirection: String, CaseIterable, Sendable {
  /// What publishers sent to the broker: each message once (the default).
  case fromPublishers = "from-publishers"
  /// What the broker sent to its subscribers: a message once per subscriber that got it.
  case toSubscribers = "to-subscribers"
}

/// The MQTT messages in a pcap or pcapng file, in packet-time order.
///
/// Reads the file frame by frame, puts each TCP connection's two byte streams back in order, cuts them into
/// MQTT 3.1.1 and 5 packets and hands on the PUBLISHes of one direction, timed by the packet that completed
/// them, topic aliases resolved. Memory holds per connection only the packet still arriving (and segments
/// that came early). What cannot be decoded is skipped and said in `losses`: TLS, bytes the recorder did not
/// capture, connections that began before the capture (found again at a plausible packet start). A packet time
/// may run backwards (`tcpdump -i any` interleaves CPUs): `Conversion` raises it, as for every recording.
public final class PcapRecording: ForeignRecording, CutOffReporting {
  private let reader: PacketReader
  private let context: DecodingContext
  private var connections: [ConnectionKey: MQTTConnection] = [:]
  private var ready: [CapturedMessage] = []
  private var readyIndex = 0
  private var lastTime = Timestamp(microseconds: 0)
  private var ended = false
  private var returned = 0

  /// What could not be decoded or was skipped, one line each; complete once `next()` returned nil.
  public var losses: [String] {
    var lines = context.ledger.lines
    if let truncation {
      lines.removeAll { $0 == truncation }
      lines.insert(truncation, at: 0)
    }
    return lines + context.origin.lines
  }

  /// The brokers of the MQTT connections (the end that accepted them), the protocol of the first CONNECT
  /// (nil without one) and, for `to-subscribers`, the filters the SUBSCRIBEs asked for: as seen up to the first
  /// message, the one a capture header is written with. What came after is said in `losses`.
  public var origin: RecordingOrigin { context.origin.origin }

  /// The sentence saying where the file is cut off (a recorder stopped before writing its last packet), or
  /// that no message could be read because the snap length cut the packets (`tcpdump -s 60`), or nil;
  /// complete once `next()` returned nil. It is also the first of `losses`.
  public var truncation: String? {
    if let cut = reader.truncation { return cut }
    guard ended, returned == 0, context.ledger.snapCuts > 0 else { return nil }
    return context.ledger.line(.snapCut)
  }

  /// Opens `path`, a pcap or pcapng file (`-`: standard input, read as it streams in), and reads its file
  /// header.
  /// - Parameter direction: whose PUBLISHes to take: the publishers' (each message once) or the broker's.
  /// - Throws: `CaptureError` when the file cannot be read; `PcapError` when it is empty or not a packet capture.
  public init(path: String, direction: PcapDirection = .fromPublishers) throws {
    reader = try PacketReader(path: path)
    context = DecodingContext(direction: direction)
  }

  /// The next PUBLISH as a message, or nil after the last one.
  /// - Throws: `PcapError.damaged` when a packet header in the file is impossible (the messages before it
  ///   were returned); `CaptureError.readFailed` on a read error.
  public func next() throws -> CapturedMessage? {
    while readyIndex == ready.count {
      ready.removeAll(keepingCapacity: true)
      readyIndex = 0
      if ended { return nil }
      guard let packet = try reader.next() else {
        finish()
        continue
      }
      take(packet)
    }
    readyIndex += 1
    returned += 1
    if returned == 1 { context.origin.freeze() }
    return ready[readyIndex - 1]
  }

  private func take(_ packet: LinkPacket) {
    lastTime = packet.timestamp
    let decoded = FrameDecoder.decode(packet)
    let cut = packet.data.count < packet.originalLength
    if cut {
      switch decoded {
      case .malformed:
        noteSnapCut(packet)
        return
      case .segment(let segment) where segment.missing > 0: noteSnapCut(packet)
      default: break
      }
    }
    switch decoded {
    case .segment(let segment):
      let key = ConnectionKey(segment.source, segment.destination)
      // A bare ACK of a connection not seen (or already ended: the last ACK after the FINs) opens nothing.
      if connections[key] == nil, !segment.syn, segment.payload.isEmpty, segment.missing == 0 { return }
      if segment.syn, segment.acknowledgement == nil, let old = connections[key],
        old.halves.contains(where: { $0.stream.next != nil && $0.source == segment.source })
      {
        // A new connection between the same ports (the old one's end went unseen).
        old.finish(into: &ready, at: packet.timestamp)
        connections[key] = nil
      }
      let connection =
        connections[key]
        ?? {
          let created = MQTTConnection(key: key, context: context)
          connections[key] = created
          return created
        }()
      connection.receive(segment, at: packet.timestamp, into: &ready)
      if connection.isFinished {
        connection.finish(into: &ready, at: packet.timestamp)
        connections[key] = nil
      }
    case .other:
      break
    case .unknownLink(let type):
      context.ledger.add(.unknownLink(type))
    case .fragment:
      context.ledger.add(.fragments)
    case .malformed:
      context.ledger.add(.malformedFrames)
    }
  }

  private func noteSnapCut(_ packet: LinkPacket) {
    context.ledger.snapLength = max(context.ledger.snapLength, packet.data.count)
    context.ledger.add(.snapCut)
  }

  private func finish() {
    ended = true
    for key in connections.keys.sorted(by: { ($0.low, $0.high) < ($1.low, $1.high) }) {
      connections[key]!.finish(into: &ready, at: lastTime)
    }
    connections = [:]
    if reader.untimedPackets > 0 { context.ledger.add(.untimedPackets, reader.untimedPackets) }
  }
}
