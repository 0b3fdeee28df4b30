import MQTTCapture

extension MQTTConnection {
  enum Plausibility {
    case yes, no, needMore
  }

  /// The largest packet taken for a packet's start while looking for one (real ones may be larger, but a
  /// stray byte claiming 200 MB would hold up the stream).
  static let largestResyncPacket = 16 << 20

  /// Whether `bytes` plausibly begin with an MQTT packet sent by half `i`: a valid fixed header, a type
  /// that end may send (once the roles are known), a body that fits its type, and after it the end of the
  /// bytes or another valid fixed header.
  private static let clientOnly: Set<MQTTPacketType> = [.connect, .subscribe, .unsubscribe, .pingreq]
  private static let brokerOnly: Set<MQTTPacketType> = [.connack, .suback, .unsuback, .pingresp]

  func plausiblePacket(_ bytes: ArraySlice<UInt8>, from i: Int) -> Plausibility {
    let header: FixedHeader
    switch FixedHeader.parse(bytes) {
    case .invalid: return .no
    case .incomplete: return .needMore
    case .header(let h): header = h
    }
    if let client = clientHalf, roleKnown {
      // Payload bytes such as C0 00 (a PINGREQ) in what the broker sent are not a packet.
      if (i == client ? Self.brokerOnly : Self.clientOnly).contains(header.type) { return .no }
    }
    guard header.remainingLength <= Self.largestResyncPacket else { return .no }
    let body = bytes.dropFirst(header.headerLength)
    let v5 = version.map { $0 >= 5 } ?? true
    switch header.type {
    case .publish:
      guard body.count >= 2 else { return .needMore }
      let topicLength = Int(body[body.startIndex]) << 8 | Int(body[body.startIndex + 1])
      let idLength = header.flags & 0x06 == 0 ? 0 : 2
      guard 2 + topicLength + idLength <= header.remainingLength, topicLength > 0 || v5 else { return .no }
      guard body.count >= 2 + topicLength else { return .needMore }
      let topic = body.dropFirst(2).prefix(topicLength)
      guard String(validating: topic, as: UTF8.self) != nil,
        !topic.contains(where: { $0 == 0 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
      else { return .no }
    case .connect:
      guard body.count >= 6 else { return .needMore }
      guard body.prefix(6).elementsEqual([0, 4] + Array("MQTT".utf8)) || body.prefix(2).elementsEqual([0, 6])
      else { return .no }
    case .puback, .pubrec, .pubrel, .pubcomp, .unsuback:
      guard header.remainingLength == 2 || (v5 && header.remainingLength >= 3) else { return .no }
    case .pingreq, .pingresp:
      guard header.remainingLength == 0 else { return .no }
    case .connack:
      guard header.remainingLength == 2 || (v5 && header.remainingLength >= 3) else { return .no }
    case .subscribe, .unsubscribe:
      guard header.remainingLength >= 5 else { return .no }
    case .suback:
      guard header.remainingLength >= 3 else { return .no }
    case .disconnect, .auth:
      guard header.remainingLength == 0 || v5 else { return .no }
    }
    guard bytes.count >= header.totalLength else { return .needMore }
    if bytes.count == header.totalLength { return .yes }
    switch FixedHeader.parse(bytes.dropFirst(header.totalLength)) {
    case .invalid: return .no
    case .incomplete, .header: return .yes
    }
  }

  // MARK: - Packets

  func handlePacket(
    _ i: Int, _ header: FixedHeader, _ body: ArraySlice<UInt8>, _ time: Timestamp, _ out: inout [CapturedMessage]
  ) {
    switch header.type {
    case .connect:
      learnRole(clientHalf: i, from: i)
      guard let connect = ConnectPacket(body: body) else {
        context.ledger.add(.malformedPackets)
        return
      }
      version = connect.version
      versionGuessed = false
      session = context.session(for: connect.clientID, cleanStart: connect.cleanStart)
      context.origin.noteConnect(level: connect.version)
      noteBroker()
    case .subscribe:
      learnRole(clientHalf: i, from: i)
      if context.direction == .toSubscribers { noteSubscriptions(body) }
    case .unsubscribe, .pingreq:
      learnRole(clientHalf: i, from: i)
    case .connack, .suback, .unsuback, .pingresp:
      learnRole(clientHalf: 1 - i, from: i)
    case .puback, .pubcomp:
      guard body.count >= 2 else { return }
      let id = UInt16(body[body.startIndex]) << 8 | UInt16(body[body.startIndex + 1])
      // The acknowledged PUBLISH went the other way.
      session.inFlight[role(of: 1 - i)].remove(id)
    case .publish:
      publish(i, header, body, time, &out)
    default:
      break
    }
  }

  private func publish(
    _ i: Int, _ header: FixedHeader, _ body: ArraySlice<UInt8>, _ time: Timestamp, _ out: inout [CapturedMessage]
  ) {
    if version == nil {
      guessVersion(header, body)
    } else if versionGuessed, version == 5, PublishPacket(flags: header.flags, body: body, version: 5) == nil {
      version = 4  // a PUBLISH that cannot be MQTT 5: the guess was wrong
      misreadAsVersion5 = emptyPropertiesAsGuessed
    }
    guard var packet = PublishPacket(flags: header.flags, body: body, version: version ?? 4) else {
      context.ledger.add(.malformedPackets)
      return
    }
    if let alias = packet.topicAlias {
      if packet.topic.isEmpty {
        guard let topic = halves[i].aliases[alias] else {
          context.ledger.add(.unknownAlias)
          return
        }
        packet.topic = topic
      } else {
        halves[i].aliases[alias] = packet.topic
      }
    } else if packet.topic.isEmpty {
      context.ledger.add(.malformedPackets)
      return
    }
    let sender = role(of: i)
    if let id = packet.packetID {
      if packet.duplicate, session.inFlight[sender].contains(id) {
        context.ledger.add(.duplicates)
        return
      }
      session.inFlight[sender].insert(id)
    }
    guard (sender == 0) == (context.direction == .fromPublishers) else { return }
    noteBroker()
    if versionGuessed, version == 5, Self.emptyProperties(header, body) { emptyPropertiesAsGuessed += 1 }
    out.append(
      CapturedMessage(
        timestamp: time, topic: packet.topic, payload: packet.payload, qos: packet.qos, retain: packet.retain,
        properties: packet.properties))
  }

  /// Notes this connection's broker end for the capture header, once: at its CONNECT or its first message.
  private func noteBroker() {
    if brokerNoted { return }
    brokerNoted = true
    context.origin.noteBroker(guessBroker())
  }

  /// Notes the filters of a SUBSCRIBE, read as the connection's version (without a CONNECT: as 3.1.1, else 5).
  private func noteSubscriptions(_ body: ArraySlice<UInt8>) {
    guard
      let packet = version.flatMap({ SubscribePacket(body: body, version: $0) })
        ?? SubscribePacket(body: body, version: 4) ?? SubscribePacket(body: body, version: 5)
    else { return }
    noteBroker()
    for subscription in packet.subscriptions { context.origin.noteSubscription(subscription) }
  }

  /// 0 when half `i` is the client's, 1 when it is the broker's (guessed from the ports if nothing said).
  private func role(of i: Int) -> Int {
    // Guessed again each time until a packet tells: an end that later accepts a connection is a server.
    if clientHalf == nil || roleGuessed {
      clientHalf = halves[0].source == context.likelyBroker(key.low, key.high) ? 1 : 0
      roleGuessed = true
    }
    return i == clientHalf ? 0 : 1
  }

  /// A packet of half `sender` says half `i` is the client's. A packet of a stream read from its start is
  /// believed; one found after a gap (it may be payload bytes) is a vote, and three agreeing make the role
  /// known. A role known is never overturned.
  private func learnRole(clientHalf i: Int, from sender: Int) {
    if roleKnown { return }
    if !halves[sender].searched {
      roleKnown = true
    } else if clientHalf == i, !roleGuessed {
      roleVotes += 1
      if roleVotes >= 3 { roleKnown = true }
      return
    } else if clientHalf != nil, !roleGuessed, roleVotes > 1 {
      roleVotes -= 1
      return
    } else {
      roleVotes = 1
    }
    clientHalf = i
    roleGuessed = false
    context.noteServer(halves[1 - i].source)
  }

  /// Whether a PUBLISH read as MQTT 5 has an empty property block: a zero byte that, were it MQTT 3.1.1,
  /// would be the payload's first.
  private static func emptyProperties(_ header: FixedHeader, _ body: ArraySlice<UInt8>) -> Bool {
    guard body.count >= 2 else { return false }
    let topicLength = Int(body[body.startIndex]) << 8 | Int(body[body.startIndex + 1])
    let at = body.startIndex + 2 + topicLength + (header.flags & 0x06 == 0 ? 0 : 2)
    return at < body.endIndex && body[at] == 0
  }

  /// A connection that began before the capture never showed its CONNECT: take MQTT 5 when the first
  /// PUBLISH reads as one (its properties parse, to the byte), else 3.1.1. A 3.1.1 payload rarely does: its
  /// first byte would have to be a property length that the following bytes fill exactly with properties —
  /// only a payload beginning with a zero byte does, and loses that byte.
  private func guessVersion(_ header: FixedHeader, _ body: ArraySlice<UInt8>) {
    versionGuessed = true
    version = PublishPacket(flags: header.flags, body: body, version: 5) == nil ? 4 : 5
  }

  // MARK: - Report

  /// Adds this connection's lines to the ledger: bytes lost, what was guessed.
  func report() {
    guard kind == .mqtt else { return }
    let broker = guessBroker()
    let client = broker == key.low ? key.high : key.low
    if beganBeforeCapture {
      var line = "\(client) ↔ \(broker) began before the capture"
      var guesses: [String] = []
      if roleGuessed { guesses.append("the broker is taken to be \(broker)") }
      if versionGuessed { guesses.append("MQTT \(version == 5 ? "5" : "3.1.1") is guessed from its packets") }
      if misreadAsVersion5 > 0 {
        guesses.append(
          "\(formatCount(misreadAsVersion5, "message")) before the PUBLISH that showed it \(misreadAsVersion5 == 1 ? "was" : "were") "
            + "read as MQTT 5, without the first byte of \(misreadAsVersion5 == 1 ? "its" : "their") payload (00)")
      }
      if !guesses.isEmpty { line += ": " + guesses.joined(separator: "; ") }
      context.ledger.add(.line(line))
    }
    for half in halves where half.lostBytes > 0 || half.skippedBytes > 0 {
      let to = half.source == broker ? client : broker
      var parts: [String] = []
      if half.lostBytes > 0 { parts.append("\(formatCount(half.lostBytes, "byte")) not in the capture") }
      if half.skippedBytes > 0 {
        parts.append("\(formatCount(half.skippedBytes, "byte")) skipped to find the next packet")
      }
      context.ledger.add(.line("\(half.source) → \(to): " + parts.joined(separator: ", ")))
    }
  }
}
