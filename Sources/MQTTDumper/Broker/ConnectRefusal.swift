/// Why a broker refused a connection in its CONNACK.
public enum ConnectRefusal: Equatable, Sendable, CustomStringConvertible {
  /// It does not speak this protocol version.
  case unsupportedProtocol(MQTTProtocolVersion)
  /// It does not accept the client id.
  case clientIDRejected
  /// Bad user name or password.
  case badCredentials
  /// The user may not connect.
  case notAuthorised
  /// The server is unavailable or busy.
  case serverUnavailable
  /// Another reason, in the broker's (libmosquitto's) words.
  case other(String)

  /// The reason, as a clause.
  public var description: String {
    switch self {
    case .unsupportedProtocol(let version): return "it does not support \(version.rawValue)"
    case .clientIDRejected: return "it does not accept the client id"
    case .badCredentials: return "bad user name or password"
    case .notAuthorised: return "not authorised"
    case .serverUnavailable: return "the server is unavailable or busy"
    case .other(let text): return text
    }
  }

  /// What to do about it, in the library's terms.
  public var advice: String {
    switch self {
    case .unsupportedProtocol(let version): return version == .v5 ? "try MQTT 3.1.1" : "try MQTT v5"
    case .clientIDRejected: return "choose another client id"
    case .badCredentials: return "check the user name and password"
    case .notAuthorised: return "check the user name and password, or the broker's access rules"
    case .serverUnavailable: return "try again later"
    case .other: return "check the connection options"
    }
  }
}
