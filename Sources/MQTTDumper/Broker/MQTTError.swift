import CMosquitto
import Glibc
import MQTTCapture

/// What went wrong talking to a broker, as one sentence: what, where, and what to do, in this library's
/// terms (a program built on it says which of its own options to change; see `problem` and `advice`).
///
/// Cases that come from a libmosquitto call keep its return code, and the `errno` behind a system error.
public enum MQTTError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A broker URL that `ConnectionOptions.apply(url:)` cannot take.
  case invalidURL(String, URLProblem)
  /// A topic filter with misplaced wildcards.
  case invalidTopicFilter(String)
  /// A topic that cannot be published to.
  case invalidTopic(String)
  /// libmosquitto could not create a client (`mosquitto_new`): no memory, or an id it does not accept.
  case clientNotCreated(clientID: String, errno: Int32)
  /// A TLS file cannot be read.
  case tlsFileUnreadable(TLSFile, path: String, errno: Int32)
  /// libmosquitto did not accept the TLS files (`mosquitto_tls_set`): its return code and text.
  case tlsFilesRejected(code: Int32, text: String)
  /// libmosquitto could not start its network thread (`mosquitto_loop_start`): its return code and text.
  case networkThreadFailed(code: Int32, text: String)
  /// No connection came about; `code` is libmosquitto's return code.
  case connectFailed(broker: String, code: Int32, failure: ConnectFailure)
  /// The broker answered CONNECT with a refusal; `code` is the MQTT 3.1.1 return code or v5 reason code.
  case refusedByBroker(broker: String, code: Int32, refusal: ConnectRefusal)
  /// The broker did not answer in time (`ConnectionOptions.connectTimeout`, or a wait for acknowledgements).
  case timedOut(broker: String)
  /// An established connection went away.
  case connectionLost(broker: String, reason: String)
  /// libmosquitto did not take a message (`mosquitto_publish_v5`): its return code and text.
  case publishFailed(topic: String, code: Int32, reason: String)
  /// The broker refused a subscription (SUBACK reason code 0x80 or above).
  case subscriptionRejected(filter: String, broker: String, reason: String)
  /// The broker dropped us because another client connected with our client id.
  case sessionTakenOver(broker: String, clientID: String)
  /// The broker refused QoS 1/2 messages (PUBACK/PUBREC reason code 0x80 or above).
  ///
  /// `answered` messages carried a verdict; `unanswered` ones (QoS 0, or MQTT 3.1.1) could not say.
  case publishesRefused(
    broker: String, refused: Int, answered: Int, unanswered: Int, firstTopic: String, reason: String)
  /// A replay lost its connection for good: reconnecting failed for `Replayer.reconnectPatience`, or the
  /// connection went while the broker acknowledged the last messages (`gaveUpReconnecting` false). `sent`
  /// of `total` messages (all passes; nil when not known) were handed to the broker.
  case replayStopped(broker: String, reason: String, sent: Int, total: Int?, gaveUpReconnecting: Bool)

  /// Why a broker URL was not taken.
  public enum URLProblem: Equatable, Sendable, CustomStringConvertible {
    /// Neither `mqtt://` nor `mqtts://`.
    case scheme
    /// It has a path; topics are not part of the URL.
    case path
    /// The port is not a number from 1 to 65535.
    case port
    /// It names no host.
    case noHost
    /// The user name or password has a `%` that is not followed by two hex digits, or is not UTF-8.
    case encoding

    /// The problem, as a clause.
    public var description: String {
      switch self {
      case .scheme: return "it must start with mqtt:// or mqtts://"
      case .path: return "a path is not allowed"
      case .port: return "the port must be a number from 1 to 65535"
      case .noHost: return "it names no host"
      case .encoding: return "the user name or password has a bad %-escape (write %25 for %)"
      }
    }
  }

  /// The TLS files of `TLSOptions`.
  public enum TLSFile: Equatable, Sendable, CustomStringConvertible {
    /// `TLSOptions.caFile`.
    case caFile
    /// `TLSOptions.certFile`.
    case certificate
    /// `TLSOptions.keyFile`.
    case privateKey

    /// What the file is, in words.
    public var description: String {
      switch self {
      case .caFile: return "CA certificate file"
      case .certificate: return "client certificate"
      case .privateKey: return "client private key"
      }
    }
  }

  /// What is wrong, where: the sentence without its advice.
  public var problem: String {
    switch self {
    case .invalidURL(let url, let why):
      return "\(url) is not a broker URL: \(why) (for example mqtt://user@host:1883)"
    case .invalidTopicFilter(let filter):
      return "'\(filter)' is not a valid topic filter: '+' and '#' must fill a whole level and '#' must come last"
    case .invalidTopic(let topic):
      return "'\(topic)' is not a valid topic to publish to: it must be non-empty UTF-8 without '+' or '#'"
    case .clientNotCreated(let clientID, _):
      return "cannot create an MQTT client: out of memory or invalid client id '\(clientID)'"
    case .tlsFileUnreadable(let file, let path, let code):
      return "cannot read the \(file) \(path): \(String(cString: strerror(code)))"
    case .tlsFilesRejected(_, let text):
      return "the TLS files were not accepted (\(text))"
    case .networkThreadFailed(_, let text):
      return "cannot start the MQTT network thread: \(text)"
    case .connectFailed(let broker, _, let failure):
      return "cannot connect to \(broker): \(failure)"
    case .refusedByBroker(let broker, _, let refusal):
      return "the broker at \(broker) refused the connection: \(refusal)"
    case .timedOut(let broker):
      return "no answer from the broker at \(broker)"
    case .connectionLost(let broker, let reason):
      return "lost the connection to \(broker): \(reason)"
    case .publishFailed(let topic, _, let reason):
      return "cannot publish to \(topic): \(reason)"
    case .subscriptionRejected(let filter, let broker, let reason):
      return "the broker at \(broker) refused the subscription to '\(filter)' (\(reason))"
    case .sessionTakenOver(let broker, let clientID):
      return
        "the broker at \(broker) keeps closing the connection right after accepting it: another client connected as \(clientID)"
    case .replayStopped(let broker, let reason, let sent, let total, let gaveUp):
      let count = total.map { "\(formatCount(sent)) of \(formatCount($0, "message"))" } ?? formatCount(sent, "message")
      return gaveUp
        ? "lost the connection to \(broker) (\(reason)) and could not get it back, after sending \(count)"
        : "lost the connection to \(broker) (\(reason)) while the broker acknowledged the last messages, after "
          + "sending \(count) (the last ones may not have arrived)"
    case .publishesRefused(let broker, let refused, let answered, let unanswered, let topic, let reason):
      let rest =
        unanswered == 0
        ? "" : ", and \(formatCount(unanswered)) sent at QoS 0 get no answer that could say so"
      return "the broker at \(broker) refused \(formatCount(refused)) of \(formatCount(answered, "message")) it "
        + "answered, the first to '\(topic)' (\(reason))\(rest)"
    }
  }

  /// What to do about it, in this library's terms; nil where the problem says it all.
  public var advice: String? {
    switch self {
    case .invalidURL, .invalidTopicFilter, .invalidTopic, .clientNotCreated, .tlsFileUnreadable,
      .networkThreadFailed, .connectionLost, .publishFailed:
      return nil
    case .tlsFilesRejected:
      return "check the CA file or directory, the client certificate and its key"
    case .connectFailed(_, _, let failure):
      return failure.advice
    case .refusedByBroker(_, _, let refusal):
      return refusal.advice
    case .timedOut:
      return "check that the host and port name an MQTT broker"
    case .subscriptionRejected, .publishesRefused:
      return "check the user's access rights (ACL)"
    case .sessionTakenOver:
      return "give each client its own id"
    case .replayStopped:
      return "check the broker, then replay the rest"
    }
  }

  /// The sentence: the problem, then the advice.
  public var description: String {
    advice.map { "\(problem); \($0)." } ?? "\(problem)."
  }

  // MARK: - From libmosquitto's codes

  /// The error for a libmosquitto return code from `mosquitto_connect*` or `mosquitto_reconnect`.
  /// - Parameter log: libmosquitto's error log lines of the attempt, which hold OpenSSL's reason.
  static func connect(rc: Int32, errno code: Int32, options: ConnectionOptions, log: [String] = []) -> MQTTError {
    // The handshake is done, and CONNECT sent, inside the call: a failure there (an alert asking for a
    // client certificate, for one) may reach us as a system error, with OpenSSL's reason in the log.
    let tls = options.tls.flatMap { TLSFailure(log: log, host: options.host, clientCertificate: $0.certFile != nil) }
    let failure: ConnectFailure
    switch (rc, tls) {
    case (Int32(MOSQ_ERR_EAI.rawValue), _): failure = .unknownHost(options.host)
    case (_, .some(let tls)): failure = .tlsHandshakeFailed(tls)
    case (Int32(MOSQ_ERR_TLS.rawValue), nil): failure = .tlsHandshakeFailed(.other(reason: nil))
    case (Int32(MOSQ_ERR_ERRNO.rawValue), nil) where code == EPROTO && options.tls != nil:
      failure = .tlsHandshakeFailed(.endedAfterHandshake(clientCertificate: options.tls?.certFile != nil))
    case (Int32(MOSQ_ERR_ERRNO.rawValue), nil): failure = .system(errno: code)
    default: failure = .other(clause(mosquitto_strerror(rc)))
    }
    return .connectFailed(broker: options.brokerDescription, code: rc, failure: failure)
  }

  /// The error for a CONNACK that refused the connection (v3 return code or v5 reason code).
  static func refused(code: Int32, options: ConnectionOptions) -> MQTTError {
    let refusal: ConnectRefusal
    switch code {
    case 1, 132: refusal = .unsupportedProtocol(options.protocolVersion)
    case 2, 133: refusal = .clientIDRejected
    case 4, 134: refusal = .badCredentials
    case 5, 135: refusal = .notAuthorised
    case 3, 136, 137: refusal = .serverUnavailable
    default:
      refusal = .other(clause(code < 128 ? mosquitto_connack_string(code) : mosquitto_reason_string(code)))
    }
    return .refusedByBroker(broker: options.brokerDescription, code: code, refusal: refusal)
  }

  /// The words for a SUBACK, PUBACK or PUBREC failure code.
  static func reasonText(_ code: Int32, protocolVersion: MQTTProtocolVersion) -> String {
    protocolVersion == .v5 ? clause(mosquitto_reason_string(code)) : "MQTT 3.1.1 gives no reason"
  }

  /// libmosquitto's (or the C library's) text as a clause of a sentence: `the connection was lost`, not
  /// `The connection was lost.`; acronyms keep their capitals.
  static func clause(_ text: UnsafePointer<CChar>?) -> String {
    var clause = text.map { String(cString: $0) } ?? ""
    while clause.hasSuffix(".") || clause.hasSuffix(" ") { clause.removeLast() }
    let start = Array(clause.prefix(2))
    if start.count == 2, start[0].isUppercase, start[1].isLowercase {
      clause = start[0].lowercased() + clause.dropFirst()
    }
    return clause
  }

  /// Whether nothing listened at the broker's address (connection refused): the broker is down or restarting.
  public var isUnreachable: Bool {
    if case .connectFailed(_, _, .system(let code)) = self { return code == ECONNREFUSED }
    return false
  }
}
