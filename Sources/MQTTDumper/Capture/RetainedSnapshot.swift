import MQTTCapture

/// The retained messages a broker holds for some filters, read over a short connection of its own.
///
/// A shared subscription gets no retained messages (mosquitto ≥ 2.0.13, and by MQTT 5's intent; the
/// recorder asks for none on older brokers), so a group's recorder that wants the retained store reads it
/// this way: a clean session with its own client id (and packet ids) subscribes to the same filters,
/// without retain-as-published, so that the retain flag marks exactly the messages sent from the store.
/// Live messages it also receives are ignored: the shared subscription records them. The snapshot is
/// complete when no retained message came for `quiet` after the broker acknowledged the subscriptions.
final class RetainedSnapshot {
  /// The store's messages, one per topic, in the order the broker sent them.
  private(set) var messages: [CapturedMessage] = []
  /// Whether the broker acknowledged every subscription (it sends the store right after).
  var isAcknowledged: Bool { client.subscriptionsAcknowledged >= filters.count }

  private let client: MQTTClient
  private let filters: [String]
  private let excludes: [TopicFilter]
  private let qos: MQTTQoS
  private let quiet: Duration
  private var topics: Set<String> = []
  private var acknowledged: ContinuousClock.Instant?
  private var lastArrival: ContinuousClock.Instant?
  private var failure: Error?

  /// A snapshot of `filters` (leaving out `excludes`) over `connection`, under a client id of its own.
  /// - Throws: `MQTTError` when libmosquitto cannot create the client.
  init(connection: ConnectionOptions, filters: [String], excludes: [TopicFilter], qos: MQTTQoS, quiet: Duration)
    throws
  {
    var options = connection
    options.clientID = nil
    client = try MQTTClient(options: options)
    self.filters = filters
    self.excludes = excludes
    self.qos = qos
    self.quiet = quiet
    client.onMessage = { [unowned self] message in self.received(message) }
    client.onSubscriptionRefused = { [unowned self] filter, code in
      guard self.failure == nil else { return }
      self.failure = MQTTError.subscriptionRejected(
        filter: filter, broker: options.brokerDescription,
        reason: MQTTError.reasonText(code, protocolVersion: options.protocolVersion))
    }
  }

  /// Connects and subscribes.
  /// - Throws: `MQTTError` when the broker cannot be reached or refuses.
  func start() throws {
    try client.connect()
    for filter in filters { try client.subscribe(filter, qos: qos, retainAsPublished: false) }
  }

  /// Reads what has arrived, without waiting.
  /// - Returns: true once the snapshot is complete.
  /// - Throws: `MQTTError` when the connection is lost or a subscription refused.
  func poll() throws -> Bool {
    if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: 0) {
      throw MQTTError.connectionLost(broker: client.options.brokerDescription, reason: reason)
    }
    if let failure { throw failure }
    let now = ContinuousClock.now
    if acknowledged == nil && isAcknowledged { acknowledged = now }
    guard let acknowledged else { return false }
    return now - max(acknowledged, lastArrival ?? acknowledged) >= quiet
  }

  /// Leaves: a clean session's subscriptions end with its connection.
  func finish() { client.disconnect() }

  private func received(_ message: borrowing ReceivedMessage) {
    guard message.retain else { return }  // live: the shared subscription records it
    let topic = String(decoding: message.topic, as: UTF8.self)
    // Overlapping filters bring a retained message once per filter; the store holds one per topic.
    guard !excludes.contains(where: { $0.matches(topic) }), topics.insert(topic).inserted else { return }
    lastArrival = .now
    messages.append(message.copy())
  }
}
