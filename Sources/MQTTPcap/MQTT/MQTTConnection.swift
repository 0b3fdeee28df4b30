import MQTTCapture

/// One TCP connection's MQTT conversation: both directions reassembled and cut into packets, which side is
/// the broker, the protocol version, topic aliases, and the PUBLISHes it carried.
final class MQTTConnection {
  /// What a connection turned out to carry.
  enum Kind {
    case undetermined, mqtt, tls, webSocket, other
  }

  /// One direction: its TCP stream, the bytes of the packet not yet complete, its topic aliases.
  struct Half {
    var source: Endpoint
    var stream = TCPStream()
    var buffer: [UInt8] = []
    var start = 0
    /// False while the front of `buffer` is not known to be a packet's start (the stream began before the
    /// capture, or bytes were lost).
    var synced = true
    /// Set once the front of `buffer` had to be searched for a packet's start: what is found there after may
    /// be payload bytes that only look like packets.
    var searched = false
    var aliases: [UInt16: String] = [:]
    /// Set on a connection that began with an HTTP upgrade: MQTT over WebSocket.
    var webSocket: WebSocketStream?
    /// The first bytes, held until they tell what the connection carries.
    var opening: [UInt8] = []
    var lostBytes = 0
    var skippedBytes = 0
  }

  let key: ConnectionKey
  var halves: [Half]
  private(set) var kind = Kind.undetermined
  /// The index of the half the client sends; nil until a packet or the ports tell.
  var clientHalf: Int?
  var roleGuessed = false
  /// Set when `clientHalf` is sure: told by the SYN, by a packet of a stream read from its start, or by
  /// several packets found after gaps that agree. Nothing found after a gap overturns it.
  var roleKnown = false
  /// How many packets found after gaps agree with `clientHalf` (more than disagree).
  var roleVotes = 0
  var version: UInt8?
  var versionGuessed = false
  /// Messages handed on while MQTT 5 was guessed whose property block was empty: as MQTT 3.1.1 their payload
  /// began with that zero byte. Copied to `misreadAsVersion5` when a later PUBLISH shows 3.1.1.
  var emptyPropertiesAsGuessed = 0
  var misreadAsVersion5 = 0
  var beganBeforeCapture = false
  /// Set once the broker end went into the capture header's facts.
  var brokerNoted = false
  var session = MQTTSession()
  let context: DecodingContext

  init(key: ConnectionKey, context: DecodingContext) {
    self.key = key
    self.context = context
    halves = [Half(source: key.low), Half(source: key.high)]
  }

  /// Whether both directions ended (FIN or RST).
  var isFinished: Bool { halves.allSatisfy { $0.stream.finished } }

  /// Takes in one TCP segment of this connection; decoded PUBLISHes go into `out`.
  func receive(_ segment: TCPSegment, at time: Timestamp, into out: inout [CapturedMessage]) {
    let i = segment.source == key.low ? 0 : 1
    if segment.syn, segment.acknowledgement == nil {
      context.noteServer(segment.destination)
      clientHalf = i
      roleGuessed = false
      roleKnown = true
    }
    if let acknowledgement = segment.acknowledgement {
      handle(1 - i, halves[1 - i].stream.acknowledged(acknowledgement), time, &out)
    }
    let first = halves[i].stream.next == nil
    let events = halves[i].stream.receive(segment)
    if first, halves[i].stream.beganBeforeCapture {
      // Its first bytes may be the middle of a packet.
      beganBeforeCapture = true
      halves[i].synced = false
    }
    handle(i, events, time, &out)
    if segment.reset { halves[1 - i].stream.end() }
  }

  /// At the end of the capture (or of the connection): what is still held is given up.
  func finish(into out: inout [CapturedMessage], at time: Timestamp) {
    for i in 0..<2 { handle(i, halves[i].stream.flush(), time, &out) }
    for i in 0..<2 where halves[i].buffer.count > halves[i].start && kind == .mqtt {
      halves[i].lostBytes += halves[i].buffer.count - halves[i].start
      halves[i].buffer = []
      halves[i].start = 0
    }
    report()
  }

  // MARK: - Bytes

  private func handle(_ i: Int, _ events: [TCPStream.Event], _ time: Timestamp, _ out: inout [CapturedMessage]) {
    for event in events {
      switch event {
      case .data(let bytes):
        consume(i, bytes, time, &out)
      case .gap(let count):
        if halves[i].webSocket != nil, kind == .mqtt {
          // The frame boundaries are gone with the bytes: nothing after them can be trusted.
          kind = .webSocket
          context.ledger.add(
            .webSocket(server: guessBroker().description, reason: "bytes lost inside its WebSocket frames"))
        }
        halves[i].lostBytes += count + halves[i].buffer.count - halves[i].start + halves[i].opening.count
        halves[i].opening = []
        halves[i].buffer.removeAll(keepingCapacity: true)
        halves[i].start = 0
        halves[i].synced = false
      }
    }
  }

  private func consume(_ i: Int, _ data: ArraySlice<UInt8>, _ time: Timestamp, _ out: inout [CapturedMessage]) {
    var bytes = data
    if kind == .undetermined {
      halves[i].opening.append(contentsOf: data)
      guard classify(i, halves[i].opening) else { return }
      bytes = halves[i].opening[...]
      halves[i].opening = []
      if !halves[1 - i].opening.isEmpty {
        // The other way's first bytes came earlier, too few to tell by themselves.
        let held = halves[1 - i].opening
        halves[1 - i].opening = []
        consume(1 - i, held[...], time, &out)
      }
    }
    guard kind == .mqtt else { return }
    if halves[i].webSocket != nil {
      let unwrapped = halves[i].webSocket!.unwrap(bytes)
      if let failure = halves[i].webSocket!.failure {
        kind = .webSocket
        let reason: String
        switch failure {
        case .notUpgraded(let line): reason = "not upgraded to WebSocket: \(line)"
        case .badFrame: reason = "a WebSocket frame this reader does not know"
        }
        context.ledger.add(.webSocket(server: guessBroker().description, reason: reason))
        return
      }
      halves[i].buffer.append(contentsOf: unwrapped)
    } else {
      halves[i].buffer.append(contentsOf: bytes)
    }
    while true {
      if !halves[i].synced, !resync(i) { break }
      let rest = halves[i].buffer[halves[i].start...]
      guard case .header(let header) = FixedHeader.parse(rest) else {
        if case .invalid = FixedHeader.parse(rest) { halves[i].synced = false }
        if halves[i].synced { break } else { continue }
      }
      guard rest.count >= header.totalLength else { break }
      let body = rest.dropFirst(header.headerLength).prefix(header.remainingLength)
      halves[i].start += header.totalLength
      handlePacket(i, header, body, time, &out)
    }
    if halves[i].start == halves[i].buffer.count {
      halves[i].buffer.removeAll(keepingCapacity: halves[i].buffer.count < 1 << 16)
      halves[i].start = 0
    } else if halves[i].start > 1 << 16, halves[i].start * 2 > halves[i].buffer.count {
      halves[i].buffer.removeSubrange(0..<halves[i].start)
      halves[i].start = 0
    }
  }

  /// Decides from the first bytes whether the connection speaks MQTT, TLS or HTTP (MQTT over WebSocket).
  /// - Returns: false while too few bytes have come to tell.
  private func classify(_ i: Int, _ head: [UInt8]) -> Bool {
    // A connection seen from its SYN opens with CONNECT; one that began before may be anywhere.
    let fromStart = !halves[i].stream.beganBeforeCapture
    if (0x14...0x17).contains(head[0]) {
      // A TLS record: content type 20…23, then version 3.x. (As MQTT: a CONNECT with forbidden flags.)
      guard head.count >= 2 else { return false }
      if head[1] == 0x03 {
        kind = .tls
        context.ledger.add(.tls(server: guessBroker().description))
        return true
      }
    } else if head[0] == UInt8(ascii: "G") {
      guard head.count >= 4 else { return false }
      if head.prefix(4).elementsEqual("GET ".utf8) {
        // MQTT over WebSocket: an HTTP upgrade each way, then frames.
        kind = .mqtt
        for j in 0..<2 { halves[j].webSocket = WebSocketStream() }
        return true
      }
    }
    if fromStart, head[0] != 0x10 {
      kind = .other
      context.ledger.add(.notMQTT(server: guessBroker().description))
    } else {
      kind = .mqtt
    }
    return true
  }

  /// The broker's end: known from a packet, or else a guess from the ports.
  func guessBroker() -> Endpoint {
    if let client = clientHalf, !roleGuessed { return halves[1 - client].source }
    return context.likelyBroker(key.low, key.high)
  }

  // MARK: - Finding packets again

  /// Looks for the start of a packet in a half whose bytes began mid-packet.
  /// - Returns: true when `start` is now at a packet's start; false when more bytes are needed.
  private func resync(_ i: Int) -> Bool {
    halves[i].searched = true
    var index = halves[i].start
    let buffer = halves[i].buffer
    while index < buffer.count {
      switch plausiblePacket(buffer[index...], from: i) {
      case .yes:
        halves[i].skippedBytes += index - halves[i].start
        halves[i].start = index
        halves[i].synced = true
        return true
      case .needMore:
        halves[i].skippedBytes += index - halves[i].start
        halves[i].start = index
        return false
      case .no:
        index += 1
      }
    }
    halves[i].skippedBytes += buffer.count - halves[i].start
    halves[i].start = buffer.count
    return false
  }
}
