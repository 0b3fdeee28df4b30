import CMosquitto
import Glibc
import MQTTCapture

/// What went wrong talking to a broker, each as one sentence that says what to do.
public enum MQTTError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidURL(String, String)
  case invalidTopicFilter(String)
  case invalidTopic(String)
  case setupFailed(String)
  case connectFailed(broker: String, reason: String, advice: String)
  case refusedByBroker(broker: String, reason: String, advice: String)
  case timedOut(broker: String)
  case connectionLost(broker: String, reason: String)
  case publishFailed(topic: String, reason: String)
  case subscriptionRejected(filter: String, broker: String, reason: String)
  case sessionTakenOver(broker: String, clientID: String)
  case publishesRefused(broker: String, refused: Int, sent: Int, firstTopic: String, reason: String)

  public var description: String {
    switch self {
    case .invalidURL(let url, let why):
      return "\(url) is not a broker URL: \(why) (for example mqtt://user@host:1883)."
    case .invalidTopicFilter(let filter):
      return "'\(filter)' is not a valid topic filter: '+' and '#' must fill a whole level and '#' must come last."
    case .invalidTopic(let topic):
      return "'\(topic)' is not a valid topic to publish to: it must be non-empty UTF-8 without '+' or '#'."
    case .setupFailed(let why):
      return why
    case .connectFailed(let broker, let reason, let advice):
      return "cannot connect to \(broker): \(reason); \(advice)"
    case .refusedByBroker(let broker, let reason, let advice):
      return "the broker at \(broker) refused the connection: \(reason); \(advice)"
    case .timedOut(let broker):
      return "no answer from the broker at \(broker); check that -h and -p name an MQTT broker."
    case .connectionLost(let broker, let reason):
      return "lost the connection to \(broker): \(reason)."
    case .publishFailed(let topic, let reason):
      return "cannot publish to \(topic): \(reason)."
    case .subscriptionRejected(let filter, let broker, let reason):
      return
        "the broker at \(broker) refused the subscription to '\(filter)' (\(reason)); check the user's access rights (ACL)."
    case .sessionTakenOver(let broker, let clientID):
      return "the broker at \(broker) closed the connection because another client connected as \(clientID); "
        + "give each recorder its own id (-i or --session)."
    case .publishesRefused(let broker, let refused, let sent, let topic, let reason):
      return "the broker at \(broker) refused \(formatCount(refused)) of \(formatCount(sent)) messages, the first to "
        + "'\(topic)' (\(reason)); check the user's access rights (ACL)."
    }
  }

  /// The sentence for a libmosquitto error code returned while connecting.
  static func connect(rc: Int32, errno code: Int32, options: ConnectionOptions) -> MQTTError {
    let broker = options.brokerDescription
    switch rc {
    case Int32(MOSQ_ERR_EAI.rawValue):
      return .connectFailed(
        broker: broker, reason: "the host name '\(options.host)' cannot be resolved",
        advice: "check the spelling of -h.")
    case Int32(MOSQ_ERR_TLS.rawValue):
      return .connectFailed(
        broker: broker, reason: "the TLS handshake failed",
        advice: "check --cafile/--capath (the broker's certificate must be signed by them and name the host), "
          + "--cert/--key and --tls-version.")
    case Int32(MOSQ_ERR_ERRNO.rawValue):
      let text = String(cString: strerror(code))
      let advice =
        code == ECONNREFUSED
        ? "is a broker running there? Check -h and -p." : "check -h, -p and the network."
      return .connectFailed(broker: broker, reason: text.lowercased(), advice: advice)
    default:
      return .connectFailed(
        broker: broker, reason: String(cString: mosquitto_strerror(rc)).lowercased(),
        advice: "check the connection options.")
    }
  }

  /// The sentence for a CONNACK that refused the connection (v3 return code or v5 reason code).
  static func refused(code: Int32, options: ConnectionOptions) -> MQTTError {
    let broker = options.brokerDescription
    switch code {
    case 1, 132:
      let other = options.protocolVersion == .v5 ? "-V mqttv311" : "-V mqttv5"
      return .refusedByBroker(
        broker: broker, reason: "it does not support \(options.protocolVersion.rawValue)", advice: "try \(other).")
    case 2, 133:
      return .refusedByBroker(
        broker: broker, reason: "it does not accept the client id", advice: "choose another with -i or --session.")
    case 4, 134:
      return .refusedByBroker(
        broker: broker, reason: "bad user name or password",
        advice: "check -u and the password (MQTT_PASSWORD or --password-file).")
    case 5, 135:
      return .refusedByBroker(
        broker: broker, reason: "not authorised", advice: "check -u and the password, or the broker's access rules.")
    case 3, 136, 137:
      return .refusedByBroker(broker: broker, reason: "the server is unavailable or busy", advice: "try again later.")
    default:
      let text =
        code < 128 ? String(cString: mosquitto_connack_string(code)) : String(cString: mosquitto_reason_string(code))
      return .refusedByBroker(broker: broker, reason: text.lowercased(), advice: "check the connection options.")
    }
  }

  /// The words for a SUBACK, PUBACK or PUBREC failure code.
  static func reasonText(_ code: Int32, protocolVersion: MQTTProtocolVersion) -> String {
    protocolVersion == .v5 ? String(cString: mosquitto_reason_string(code)).lowercased() : "MQTT 3.1.1 gives no reason"
  }
}
