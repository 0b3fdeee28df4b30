/// What all connections of one packet capture share: the direction wanted, the loss ledger, what the
/// capture tells of its origin, and the sessions by client id.
final class DecodingContext {
  let direction: PcapDirection
  let ledger = LossLedger()
  /// Brokers, versions and subscriptions, for the capture header.
  let origin = OriginNotes()
  private var sessions: [String: MQTTSession] = [:]
  /// Ends known to be servers: they received a SYN, a CONNECT, or sent a CONNACK.
  private var servers: Set<Endpoint> = []

  init(direction: PcapDirection) { self.direction = direction }

  /// Notes that `endpoint` accepts connections (a SYN or CONNECT went to it).
  func noteServer(_ endpoint: Endpoint) { servers.insert(endpoint) }

  /// The broker's end of a connection nothing in it identified: an end known to accept connections, else
  /// the MQTT ports, else the lower port (clients connect from a high, ephemeral one).
  func likelyBroker(_ a: Endpoint, _ b: Endpoint) -> Endpoint {
    if servers.contains(a) != servers.contains(b) { return servers.contains(a) ? a : b }
    let known: Set<UInt16> = [1883, 8883, 1884, 8884, 8080, 8081, 8083, 8084, 9001, 443, 80]
    if known.contains(a.port) != known.contains(b.port) { return known.contains(a.port) ? a : b }
    return a.port <= b.port ? a : b
  }

  /// The session of `clientID`: a new one on a clean start (or without an id), else the one it had.
  func session(for clientID: String, cleanStart: Bool) -> MQTTSession {
    if clientID.isEmpty { return MQTTSession() }
    if cleanStart || sessions[clientID] == nil { sessions[clientID] = MQTTSession() }
    return sessions[clientID]!
  }
}
