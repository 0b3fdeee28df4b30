import Glibc

/// Why no connection to a broker came about (the broker never answered CONNECT).
public enum ConnectFailure: Equatable, Sendable, CustomStringConvertible {
  /// The host name does not resolve.
  case unknownHost(String)
  /// The TLS handshake failed, or the broker ended the connection right after it: why, as far as known.
  case tlsHandshakeFailed(TLSFailure)
  /// A system call failed with this `errno` (connection refused, network unreachable, …).
  case system(errno: Int32)
  /// The broker closed the connection before it answered CONNECT, for reasons not found out.
  case closedBeforeAnswer(reason: String, protocolVersion: MQTTProtocolVersion, tls: Bool = false)
  /// The broker closed a plain connection before it answered CONNECT, and answers MQTT over TLS there.
  case expectsTLS
  /// The broker closed the connection on an MQTT v5 CONNECT (or did not answer it: `closed` false) and
  /// answers an MQTT 3.1.1 CONNECT.
  case onlyMQTT311(closed: Bool)
  /// Any other libmosquitto error, in libmosquitto's words.
  case other(String)

  /// What happened, as a clause.
  public var description: String {
    switch self {
    case .unknownHost(let host): return "the host name '\(host)' cannot be resolved"
    case .tlsHandshakeFailed(let failure): return failure.description
    case .system(let code): return MQTTError.clause(strerror(code))
    case .closedBeforeAnswer(let reason, _, _):
      let why = reason.isEmpty || reason == "the broker closed the connection" ? "" : " (\(reason))"
      return "the broker closed the connection before it answered\(why)"
    case .expectsTLS: return "the broker closed the connection before it answered, and answers MQTT over TLS there"
    case .onlyMQTT311(let closed):
      return "the broker \(closed ? "closed the connection on" : "did not answer") an MQTT v5 CONNECT, "
        + "but answers MQTT 3.1.1"
    case .other(let text): return text
    }
  }

  /// What to do about it, in the library's terms.
  public var advice: String {
    switch self {
    case .unknownHost:
      return "check the host name"
    case .tlsHandshakeFailed(let failure):
      return failure.advice
    case .system(let code):
      return code == ECONNREFUSED
        ? "is a broker running there? Check the host and port" : "check the host, the port and the network"
    case .closedBeforeAnswer(_, let version, let tls):
      switch (version, tls) {
      case (.v5, false): return "it may not speak MQTT v5 (try MQTT 3.1.1) or may need TLS (mqtts://)"
      case (.v5, true): return "it may not speak MQTT v5 (try MQTT 3.1.1); the broker's log says why"
      case (.v311, false): return "it may need TLS (mqtts://); the broker's log says why"
      case (.v311, true): return "the broker's log says why"
      }
    case .expectsTLS:
      return "connect with TLS (mqtts://)"
    case .onlyMQTT311:
      return "use MQTT 3.1.1"
    case .other:
      return "check the connection options"
    }
  }
}
