/// What all connections of one packet capture share: the direction wanted, the loss ledger, and the
/// sessions by client id.
final class DecodingContext {
  let direction: PcapDirection
  let ledger = LossLedger()
  private var sessions: [String: MQTTSession] = [:]

  init(direction: PcapDirection) { self.direction = direction }

  /// The session of `clientID`: a new one on a clean start (or without an id), else the one it had.
  func session(for clientID: String, cleanStart: Bool) -> MQTTSession {
    if clientID.isEmpty { return MQTTSession() }
    if cleanStart || sessions[clientID] == nil { sessions[clientID] = MQTTSession() }
    return sessions[clientID]!
  }
}
