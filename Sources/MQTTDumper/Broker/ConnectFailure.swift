import Glibc

/// Why no connection to a broker came about (the broker never answered CONNECT).
public enum ConnectFailure: Equatable, Sendable, CustomStringConvertible {
  /// The host name does not resolve.
  case unknownHost(String)
  /// The TLS handshake failed: the certificates do not fit, or the broker does not speak TLS there.
  case tlsHandshakeFailed
  /// A system call failed with this `errno` (connection refused, network unreachable, …).
  case system(errno: Int32)
  /// The broker closed the connection before it answered CONNECT.
  case closedBeforeAnswer(reason: String, protocolVersion: MQTTProtocolVersion)
  /// Any other libmosquitto error, in libmosquitto's words.
  case other(String)

  /// What happened, as a clause.
  public var description: String {
    switch self {
    case .unknownHost(let host): return "the host name '\(host)' cannot be resolved"
    case .tlsHandshakeFailed: return "the TLS handshake failed"
    case .system(let code): return String(cString: strerror(code)).lowercased()
    case .closedBeforeAnswer(let reason, _): return "the broker closed the connection (\(reason))"
    case .other(let text): return text
    }
  }

  /// What to do about it, in the library's terms.
  public var advice: String {
    switch self {
    case .unknownHost:
      return "check the host name"
    case .tlsHandshakeFailed:
      return "check the CA certificates (they must sign the broker's certificate, which must name the host), "
        + "the client certificate and key, and the TLS version"
    case .system(let code):
      return code == ECONNREFUSED
        ? "is a broker running there? Check the host and port" : "check the host, the port and the network"
    case .closedBeforeAnswer(_, let version):
      return version == .v5
        ? "it may not speak MQTT v5 (try MQTT 3.1.1) or may need TLS (mqtts://)"
        : "it may need TLS (mqtts://) or other credentials"
    case .other:
      return "check the connection options"
    }
  }
}
