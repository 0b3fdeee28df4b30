import CMosquitto
import Glibc

// A broker that closes the connection, or never answers, without saying why looks the same whether it
// wants TLS, speaks only plain MQTT, or does not know MQTT v5. After such a failure of the first
// connection, `connect()` asks the broker with short connections of its own, which carry no user name or
// password (the TLS one checks no certificate, so it must not), and names what it found.

extension MQTTClient {
  /// How long each question may take.
  static let probeTimeout: Duration = .seconds(3)

  /// `error`, made precise where the broker's answer to another kind of connection tells why it failed.
  func diagnosed(_ error: MQTTError) -> MQTTError {
    switch error {
    case .connectFailed(let broker, let code, .closedBeforeAnswer(_, let version, false)):
      if Self.answersOverTLS(options) {
        return .connectFailed(broker: broker, code: code, failure: .expectsTLS)
      }
      if version == .v5 && Self.answers(options, protocolVersion: .v311) {
        return .connectFailed(broker: broker, code: code, failure: .onlyMQTT311(closed: true))
      }
    case .connectFailed(let broker, let code, .closedBeforeAnswer(_, .v5, true)):
      if Self.answers(options, protocolVersion: .v311) {
        return .connectFailed(broker: broker, code: code, failure: .onlyMQTT311(closed: true))
      }
    case .timedOut(let broker) where options.protocolVersion == .v5:
      if Self.answers(options, protocolVersion: .v311) {
        return .connectFailed(broker: broker, code: 0, failure: .onlyMQTT311(closed: false))
      }
    case .connectFailed(let broker, let code, .tlsHandshakeFailed(.notTLS(let reason, false))):
      var plain = options
      plain.tls = nil
      if Self.answers(plain, protocolVersion: options.protocolVersion) {
        return .connectFailed(
          broker: broker, code: code, failure: .tlsHandshakeFailed(.notTLS(reason: reason, answersPlainMQTT: true)))
      }
    default:
      break
    }
    return error
  }

  /// Whether the broker answers a CONNECT (with any CONNACK, a refusal too) of `protocolVersion` over the
  /// transport of `options`, without credentials.
  static func answers(_ options: ConnectionOptions, protocolVersion: MQTTProtocolVersion) -> Bool {
    var probe = Self.probeOptions(options)
    probe.protocolVersion = protocolVersion
    guard let client = try? MQTTClient(options: probe) else { return false }
    defer { client.disconnect() }
    do {
      try client.connectOnce()
      return true
    } catch MQTTError.refusedByBroker {
      return true
    } catch {
      return false
    }
  }

  /// Whether the broker answers an MQTT 3.1.1 CONNECT over TLS (its certificate not checked, so the
  /// question carries no credentials); every MQTT v5 broker answers 3.1.1 too.
  static func answersOverTLS(_ options: ConnectionOptions) -> Bool {
    var tls = TLSOptions()
    tls.verifyPeer = false
    var probe = options
    probe.tls = tls
    return answers(probe, protocolVersion: .v311)
  }

  /// `options` for a question: the same address, no credentials, a short timeout.
  private static func probeOptions(_ options: ConnectionOptions) -> ConnectionOptions {
    var probe = options
    probe.port = options.effectivePort
    probe.username = nil
    probe.password = nil
    probe.clientID = "mqtt-dumper-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    probe.keepalive = 10
    probe.connectTimeout = probeTimeout
    return probe
  }
}
