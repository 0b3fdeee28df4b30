import CMosquitto
import Glibc
import MQTTCapture

/// A message as libmosquitto hands it over: its bytes are borrowed, valid only during the callback.
public struct ReceivedMessage: ~Copyable {
  /// When the message was taken from the socket (messages of one burst share it, to within 1 ms).
  public let timestamp: Timestamp
  /// The topic's UTF-8.
  public let topic: UnsafeRawBufferPointer
  /// The payload's bytes, untouched.
  public let payload: UnsafeRawBufferPointer
  /// The QoS it was delivered with: the publisher's, at most the subscription's.
  public let qos: MQTTQoS
  /// Whether it was delivered as retained (a v5 subscription with retain-as-published: as the publisher set it).
  public let retain: Bool
  /// Its MQTT v5 properties; empty over MQTT 3.1.1.
  public let properties: MQTTProperties
  /// The smallest MQTT v5 subscription identifier on the message, used to record overlapping
  /// subscriptions once.
  public let subscriptionID: UInt32?

  /// A copy that may outlive the callback.
  public func copy() -> CapturedMessage {
    CapturedMessage(
      timestamp: timestamp, topic: String(decoding: topic, as: UTF8.self), payload: Array(payload), qos: qos,
      retain: retain, properties: properties)
  }
}

/// A connection to one broker over libmosquitto, driven by the caller's loop (`runOnce`) on the caller's
/// thread, or, for a subscriber that must keep listening while its caller is busy, by a libmosquitto thread
/// of its own (`startBackgroundLoop(onMessage:)`).
///
/// The files in `Broker/` are the only ones that speak libmosquitto; everything above them sees
/// `CapturedMessage`s and `MQTTError`s.
public final class MQTTClient {
  /// What the client was built with.
  public let options: ConnectionOptions
  /// True between an accepted CONNACK and the loss of the connection.
  public var isConnected: Bool { backgroundLoop?.isConnected ?? connected }
  /// `isConnected` while the caller runs the loop.
  var connected = false
  /// What libmosquitto's thread may touch while it runs the loop; nil while the caller runs it.
  var backgroundLoop: BackgroundLoop?

  /// Called for every message received, with a view that is valid only during the call.
  public var onMessage: ((borrowing ReceivedMessage) -> Void)?
  /// Called after each accepted connection (the place to subscribe).
  public var onConnect: ((_ sessionPresent: Bool) -> Void)?
  /// Called when the broker refuses a subscription: the filter and the SUBACK reason code.
  public var onSubscriptionRefused: ((_ filter: String, _ code: Int32) -> Void)?
  /// How the last connection ended, once it has.
  public internal(set) var lastEnd: ConnectionEnd?
  /// QoS 1/2 messages the broker refused (MQTT v5 PUBACK/PUBREC reason code 0x80 or above).
  public internal(set) var refusedPublishes = 0
  /// QoS 1/2 messages whose MQTT v5 acknowledgement (with its verdict) came; QoS 0 messages and MQTT 3.1.1
  /// acknowledgements carry none.
  public internal(set) var answeredPublishes = 0
  /// The first refused message's topic and the broker's reason.
  public internal(set) var firstRefusal: (topic: String, reason: String)?
  /// Topics of QoS 1/2 messages awaiting their acknowledgement (v5 only), to name a refused one.
  var unacknowledgedTopics: [Int32: String] = [:]
  /// The filter of each SUBSCRIBE awaiting its SUBACK.
  var pendingSubscriptions: [Int32: String] = [:]
  /// The reason code of a DISCONNECT the broker sent, until the connection's end is recorded.
  var brokerDisconnectCode: Int32?

  let handle: OpaquePointer
  var connackCode: Int32?
  var sessionPresent = false
  var outstandingPublishes = 0
  var lastDisconnectReason: String?
  /// SUBACKs received so far.
  public internal(set) var subscriptionsAcknowledged = 0
  /// A generous size of recent incoming packets (the largest, decaying slowly), for reading bursts.
  var packetEstimate = 256
  /// The libmosquitto code of the last loop failure, and the `errno` of a system error.
  var lastErrorCode: Int32 = 0
  var lastErrno: Int32 = 0
  /// libmosquitto's error log lines since the last connection attempt began (OpenSSL's reasons, its host
  /// name check), the last few only.
  var errorLog: [String] = []
  /// The receive time given to messages: taken when the loop wakes up and renewed once it is 1 ms old,
  /// so messages that arrived together in one burst share it (and compress to almost nothing).
  var receiveTime = Timestamp(microseconds: 0)
  private let sessionExpiry: UInt32
  private let cleanSession: Bool
  private let lowLatency: Bool
  /// The client id the broker knows us by.
  public let clientID: String
  private var will: Will?

  private struct Will {
    var topic: String
    var payload: [UInt8]
    var qos: MQTTQoS
    var retain: Bool
  }

  private static let libraryInitialised: Void = { mosquitto_lib_init() }()

  /// Creates a client (not yet connected).
  /// - Parameters:
  ///   - cleanSession: false for a persistent session the broker keeps while we are away.
  ///   - sessionExpiry: MQTT v5 session expiry in seconds, for persistent sessions.
  ///   - lowLatency: send every packet at once (no Nagle), for publishing on a schedule; costs throughput.
  /// - Throws: `MQTTError` when libmosquitto cannot create the client or rejects an option (TLS files that
  ///   cannot be read or are not accepted, for example).
  public init(
    options: ConnectionOptions, cleanSession: Bool = true, sessionExpiry: UInt32 = 0, lowLatency: Bool = false
  )
    throws
  {
    Self.libraryInitialised
    self.options = options
    self.sessionExpiry = sessionExpiry
    self.cleanSession = cleanSession
    self.lowLatency = lowLatency
    clientID = options.clientID ?? "mqtt-dumper-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    guard let handle = mosquitto_new(clientID, cleanSession, nil) else {
      throw MQTTError.clientNotCreated(clientID: clientID, errno: errno)
    }
    self.handle = handle
    try configure()
  }

  deinit {
    if backgroundLoop != nil {
      mosquitto_disconnect(handle)
      mosquitto_loop_stop(handle, false)
    }
    mosquitto_destroy(handle)
  }

  /// Gives a new (or reinitialised) handle every setting; libmosquitto forgets them all on reinitialising.
  private func configure() throws {
    installCallbacks()
    let version = options.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
    mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version)
    // libmosquitto announces a Receive Maximum of 20 and drops the connection with a protocol error when a
    // 21st QoS 1/2 message arrives unacknowledged. mosquitto 2.0.11 sends QoS 2 bursts past that limit (its
    // inflight accounting, fixed in 2.0.13), so with the default a QoS 2 burst ends in a reconnect storm.
    // The largest allowed value equals the packet-id space: the broker can never have more in flight.
    mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, 65535)
    mosquitto_max_inflight_messages_set(handle, 1000)
    // No Nagle when timing matters: a message must leave when it is due, not when the previous one is acknowledged.
    if lowLatency { mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1) }
    if let user = options.username {
      mosquitto_username_pw_set(handle, user, options.password)
    }
    if let tls = options.tls { try configureTLS(tls) }
    if let will {
      let rc = will.payload.withUnsafeBytes { bytes in
        mosquitto_will_set(
          handle, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos.rawValue), will.retain)
      }
      guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError.invalidTopic(will.topic) }
    }
  }

  private func configureTLS(_ tls: TLSOptions) throws {
    let files: [(MQTTError.TLSFile, String?)] = [
      (.caFile, tls.caFile), (.certificate, tls.certFile), (.privateKey, tls.keyFile),
    ]
    for (file, path) in files {
      if let path, access(path, R_OK) != 0 { throw MQTTError.tlsFileUnreadable(file, path: path, errno: errno) }
    }
    if tls.caFile == nil && tls.caPath == nil {
      mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1)
    } else {
      let rc = mosquitto_tls_set(handle, tls.caFile, tls.caPath, tls.certFile, tls.keyFile, nil)
      guard rc == MOSQ_ERR_SUCCESS.rawValue else {
        throw MQTTError.tlsFilesRejected(code: rc, text: MQTTError.clause(mosquitto_strerror(rc)))
      }
    }
    if tls.version != nil || tls.insecure || !tls.verifyPeer {
      mosquitto_tls_opts_set(handle, tls.verifyPeer ? 1 : 0, tls.version, nil)
    }
    if tls.insecure || !tls.verifyPeer { mosquitto_tls_insecure_set(handle, true) }
  }

  /// Sets the message the broker publishes for us if we go away without saying goodbye; takes effect at the
  /// next connect.
  /// - Throws: `MQTTError.invalidTopic` when libmosquitto does not take the will; the previous will stays.
  public func setWill(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool) throws {
    let previous = will
    will = Will(topic: topic, payload: payload, qos: qos, retain: retain)
    do {
      try configure()
    } catch {
      will = previous
      throw error
    }
  }

  // MARK: - Connecting

  /// Connects and waits for the broker to accept.
  ///
  /// When the broker closes the connection or does not answer, asks it (with connections of its own that
  /// carry no credentials) whether it speaks TLS, plain MQTT or MQTT 3.1.1 there, to say which.
  /// - Throws: `MQTTError` with the reason (refused, unknown host, TLS, credentials, protocol, timeout).
  public func connect() throws {
    do {
      try connectOnce()
    } catch let error as MQTTError {
      throw diagnosed(error)
    }
  }

  /// `connect()` without the questions after a failure.
  func connectOnce() throws {
    requireCallerLoop()
    connackCode = nil
    errorLog = []
    // With TLS, CONNECT is left for the loop to send: sent inside the connect call, it may meet the alert of
    // a broker that wants a client certificate, and libmosquitto does not log OpenSSL's reason there; the
    // loop reads before it writes, and logs it.
    if options.tls != nil { mosquitto_threaded_set(handle, true) }
    defer { if options.tls != nil { mosquitto_threaded_set(handle, false) } }
    var rc: Int32
    if options.protocolVersion == .v5 && sessionExpiry > 0 {
      var props: OpaquePointer? = nil
      mosquitto_property_add_int32(&props, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), sessionExpiry)
      rc = mosquitto_connect_bind_v5(
        handle, options.host, Int32(options.effectivePort), Int32(options.keepalive), nil, props)
      mosquitto_property_free_all(&props)
    } else {
      rc = mosquitto_connect(handle, options.host, Int32(options.effectivePort), Int32(options.keepalive))
    }
    let savedErrno = errno
    guard rc == MOSQ_ERR_SUCCESS.rawValue else {
      throw MQTTError.connect(rc: rc, errno: savedErrno, options: options, log: errorLog)
    }
    try awaitConnack()
  }

  /// Connects again after a loss, with the same options and session.
  ///
  /// Without a persistent session the handle starts afresh: libmosquitto keeps QoS 2 messages that were
  /// awaiting PUBREL across reconnects, and in a new session their packet ids are given to new messages,
  /// whose PUBREL would then deliver the stale message in place of the new one. A handle with messages of
  /// its own still unacknowledged keeps them instead, so that libmosquitto sends them again.
  /// - Throws: `MQTTError`, as `connect()` does.
  public func reconnect() throws {
    requireCallerLoop()
    connackCode = nil
    if cleanSession && outstandingPublishes == 0 {
      mosquitto_reinitialise(handle, clientID, true, nil)
      try configure()
      return try connectOnce()
    }
    errorLog = []
    let rc = mosquitto_reconnect(handle)
    let savedErrno = errno
    guard rc == MOSQ_ERR_SUCCESS.rawValue else {
      throw MQTTError.connect(rc: rc, errno: savedErrno, options: options, log: errorLog)
    }
    try awaitConnack()
  }

  private func awaitConnack() throws {
    let deadline = ContinuousClock.now + options.connectTimeout
    while connackCode == nil {
      if case .connectionLost(let reason) = runOnce(timeoutMilliseconds: 100) {
        if let code = connackCode, code != 0 { break }
        // With TLS 1.3 the broker checks the client certificate after the handshake: its alert ends the
        // connection here, and OpenSSL's reason is in the log.
        if options.tls != nil,
          case .connectFailed(_, _, .tlsHandshakeFailed) = MQTTError.connect(
            rc: lastErrorCode, errno: lastErrno, options: options, log: errorLog)
        {
          throw MQTTError.connect(rc: lastErrorCode, errno: lastErrno, options: options, log: errorLog)
        }
        throw MQTTError.connectFailed(
          broker: options.brokerDescription, code: lastErrorCode,
          failure: .closedBeforeAnswer(
            reason: reason, protocolVersion: options.protocolVersion, tls: options.tls != nil))
      }
      if ContinuousClock.now > deadline { throw MQTTError.timedOut(broker: options.brokerDescription) }
    }
    if let code = connackCode, code != 0 {
      throw MQTTError.refused(code: code, options: options)
    }
  }

  /// Sends DISCONNECT and closes the socket.
  public func disconnect() {
    if isConnected {
      mosquitto_disconnect(handle)
      connected = false
    }
  }

  // MARK: - Subscribing and publishing

  /// Subscribes to `filter`.
  /// - Parameters:
  ///   - retainAsPublished: MQTT v5: deliver the retain flag the publisher set (else only retained-on-subscribe).
  ///   - identifier: MQTT v5 subscription identifier (1…268,435,455), echoed on matching messages.
  ///   - sendRetained: MQTT v5: false asks the broker not to send its retained messages on subscribing
  ///     (retain handling 2; mosquitto before 2.0.13 sends them to shared subscriptions otherwise).
  /// - Throws: `MQTTError.invalidTopicFilter`, or `MQTTError.connectionLost` when the SUBSCRIBE cannot be sent.
  public func subscribe(
    _ filter: String, qos: MQTTQoS, retainAsPublished: Bool = true, identifier: UInt32? = nil,
    sendRetained: Bool = true
  ) throws {
    requireCallerLoop()
    guard mosquitto_sub_topic_check(filter) == MOSQ_ERR_SUCCESS.rawValue else {
      throw MQTTError.invalidTopicFilter(filter)
    }
    var rc: Int32
    var mid: Int32 = 0
    if options.protocolVersion == .v5 {
      var props: OpaquePointer? = nil
      if let identifier {
        mosquitto_property_add_varint(&props, Int32(MQTT_PROP_SUBSCRIPTION_IDENTIFIER.rawValue), identifier)
      }
      var flags = retainAsPublished ? Int32(MQTT_SUB_OPT_RETAIN_AS_PUBLISHED.rawValue) : 0
      if !sendRetained { flags |= Int32(MQTT_SUB_OPT_SEND_RETAIN_NEVER.rawValue) }
      rc = mosquitto_subscribe_v5(handle, &mid, filter, Int32(qos.rawValue), flags, props)
      mosquitto_property_free_all(&props)
    } else {
      rc = mosquitto_subscribe(handle, &mid, filter, Int32(qos.rawValue))
    }
    guard rc == MOSQ_ERR_SUCCESS.rawValue else {
      throw MQTTError.connectionLost(
        broker: options.brokerDescription, reason: MQTTError.clause(mosquitto_strerror(rc)))
    }
    pendingSubscriptions[mid] = filter
  }

  /// Queues a message for the broker; `runOnce` or `drain` send it. Properties are sent over MQTT v5 only.
  /// - Throws: `MQTTError.invalidTopic`, or `MQTTError.publishFailed` when libmosquitto does not take it.
  public func publish(
    topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
    properties: MQTTProperties = MQTTProperties()
  ) throws {
    requireCallerLoop()
    var props: OpaquePointer? = nil
    defer { mosquitto_property_free_all(&props) }
    if options.protocolVersion == .v5 { props = Self.makeProperties(properties) }
    var mid: Int32 = 0
    let rc = payload.withUnsafeBytes { bytes in
      mosquitto_publish_v5(
        handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos.rawValue), retain, props)
    }
    guard rc == MOSQ_ERR_SUCCESS.rawValue else {
      if rc == MOSQ_ERR_INVAL.rawValue || rc == MOSQ_ERR_MALFORMED_UTF8.rawValue {
        throw MQTTError.invalidTopic(topic)
      }
      let reason = MQTTError.clause(mosquitto_strerror(rc))
      throw MQTTError.publishFailed(topic: topic, code: rc, reason: reason)
    }
    outstandingPublishes += 1
    // Only MQTT v5 acknowledgements carry a reason code; 3.1.1 brokers drop refused messages silently.
    if qos != .atMostOnce && options.protocolVersion == .v5 { unacknowledgedTopics[mid] = topic }
  }

  static func makeProperties(_ p: MQTTProperties) -> OpaquePointer? {
    guard !p.isEmpty else { return nil }
    var props: OpaquePointer? = nil
    if let v = p.contentType { mosquitto_property_add_string(&props, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), v) }
    if let v = p.payloadFormatIndicator {
      mosquitto_property_add_byte(&props, Int32(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR.rawValue), v)
    }
    if let v = p.messageExpiryInterval {
      mosquitto_property_add_int32(&props, Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue), v)
    }
    if let v = p.responseTopic { mosquitto_property_add_string(&props, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), v) }
    if let v = p.correlationData {
      _ = v.withUnsafeBytes { bytes in
        mosquitto_property_add_binary(
          &props, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), bytes.baseAddress, UInt16(bytes.count))
      }
    }
    for pair in p.userProperties {
      mosquitto_property_add_string_pair(&props, Int32(MQTT_PROP_USER_PROPERTY.rawValue), pair.name, pair.value)
    }
    return props
  }

  /// Runs the loop until every queued message has left and every QoS 1/2 handshake has finished.
  /// - Throws: `MQTTError.connectionLost`, or `MQTTError.timedOut` after `timeout`.
  public func drain(timeout: Duration = .seconds(30)) throws {
    let deadline = ContinuousClock.now + timeout
    while outstandingPublishes > 0 || mosquitto_want_write(handle) {
      if case .connectionLost(let reason) = runOnce(timeoutMilliseconds: 50) {
        throw MQTTError.connectionLost(broker: options.brokerDescription, reason: reason)
      }
      if ContinuousClock.now > deadline { throw MQTTError.timedOut(broker: options.brokerDescription) }
    }
  }

  // MARK: - The loop

  /// What one turn of the loop found.
  public enum LoopResult: Equatable {
    /// The connection is still up.
    case ok
    /// The connection went away; the reason, as a clause (`the broker closed the connection`).
    case connectionLost(String)
  }

  /// Waits up to `timeoutMilliseconds` for traffic, then reads every packet already received,
  /// writes what is queued and keeps the connection alive.
  ///
  /// `mosquitto_loop` handles one packet per call and a `select` each time; this reads packets
  /// back to back while the socket has bytes waiting, which is what keeps up with a full-rate broker.
  public func runOnce(timeoutMilliseconds: Int32) -> LoopResult {
    requireCallerLoop()
    let socket = mosquitto_socket(handle)
    guard socket >= 0 else {
      if brokerDisconnectCode != nil || lastEnd == nil { lastEnd = end(after: MOSQ_ERR_CONN_LOST.rawValue) }
      return .connectionLost(lastDisconnectReason ?? "not connected")
    }
    if options.tls != nil {
      let rc = mosquitto_loop(handle, timeoutMilliseconds, 1)
      return rc == MOSQ_ERR_SUCCESS.rawValue ? .ok : lost(rc)
    }
    var pfd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    if mosquitto_want_write(handle) { pfd.events |= Int16(POLLOUT) }
    let ready = poll(&pfd, 1, timeoutMilliseconds)
    receiveTime = .now()
    if ready > 0 {
      if pfd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
        // Ask the kernel how much is waiting only when the packets known to be there are read: with
        // bytes waiting / the largest recent packet, a burst costs one ioctl per few hundred packets.
        var packets = 0
        var certain = 0
        while packets < 50_000 {
          let rc = mosquitto_loop_read(handle, 1)
          if rc != MOSQ_ERR_SUCCESS.rawValue { return lost(rc) }
          packets += 1
          if certain > 0 {
            certain -= 1
            continue
          }
          let waiting = Int(mqttdumper_bytes_available(socket))
          if waiting <= 0 { break }
          certain = waiting / max(packetEstimate, 16)
        }
      }
      if mosquitto_want_write(handle) {
        let rc = mosquitto_loop_write(handle, 1)
        if rc != MOSQ_ERR_SUCCESS.rawValue { return lost(rc) }
      }
    }
    let rc = mosquitto_loop_misc(handle)
    return rc == MOSQ_ERR_SUCCESS.rawValue ? .ok : lost(rc)
  }

  private func lost(_ rc: Int32) -> LoopResult {
    connected = false
    lastErrorCode = rc
    lastErrno = rc == MOSQ_ERR_ERRNO.rawValue ? errno : 0
    lastEnd = end(after: rc)
    var reason: String
    switch rc {
    case _ where lastDisconnectReason != nil: reason = lastDisconnectReason!
    case MOSQ_ERR_CONN_LOST.rawValue: reason = "the broker closed the connection"
    case MOSQ_ERR_ERRNO.rawValue where errno == 0: reason = "the broker closed the connection"
    case MOSQ_ERR_ERRNO.rawValue where errno == EPROTO && errorLog.contains(where: { $0.hasPrefix("OpenSSL") }):
      reason = errorLog.lazy.compactMap(TLSFailure.openSSLReason).first ?? "a TLS error"
    case MOSQ_ERR_ERRNO.rawValue: reason = MQTTError.clause(strerror(errno))
    default: reason = MQTTError.clause(mosquitto_strerror(rc))
    }
    while reason.hasSuffix(".") { reason.removeLast() }
    lastDisconnectReason = nil
    return .connectionLost(reason)
  }

  /// What a loop error (or the broker's DISCONNECT before it) says about how the connection ended.
  private func end(after rc: Int32) -> ConnectionEnd {
    defer { brokerDisconnectCode = nil }
    if let code = brokerDisconnectCode { return .disconnectedByBroker(reasonCode: code) }
    if rc == MOSQ_ERR_CONN_LOST.rawValue { return .closedByBroker }
    return rc == MOSQ_ERR_PROTOCOL.rawValue ? .protocolError : .failed(code: rc)
  }
}

/// How a connection to a broker ended.
public enum ConnectionEnd: Equatable, Sendable {
  /// The broker closed the socket without a DISCONNECT (MQTT 3.1.1 brokers, and mosquitto, when another
  /// client takes over the session).
  case closedByBroker
  /// The broker sent an MQTT v5 DISCONNECT with this reason code (0x8E: session taken over).
  case disconnectedByBroker(reasonCode: Int32)
  /// The packets did not follow the protocol (libmosquitto closed the connection).
  case protocolError
  /// Any other libmosquitto error code (network errors, TLS).
  case failed(code: Int32)

  /// MQTT v5 reason code 0x8E.
  public static let sessionTakenOverCode: Int32 = 0x8E
}
