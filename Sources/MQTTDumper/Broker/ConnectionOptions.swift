/// The MQTT protocol version spoken to the broker.
public enum MQTTProtocolVersion: String, Sendable, CaseIterable {
  case v5 = "mqttv5"
  case v311 = "mqttv311"
}

/// TLS settings, as mosquitto_sub names them.
public struct TLSOptions: Sendable, Equatable {
  public var caFile: String?
  public var caPath: String?
  public var certFile: String?
  public var keyFile: String?
  /// `tlsv1.2` or `tlsv1.3`; nil lets OpenSSL choose.
  public var version: String?
  /// Skip the check that the certificate names the host. Never the default.
  public var insecure = false
  public init() {}
}

/// Where and how to connect: shared by every command that talks to a broker.
public struct ConnectionOptions: Sendable, Equatable {
  public var host = "localhost"
  /// nil: 1883, or 8883 with TLS.
  public var port: Int?
  /// The client id; nil for a generated `mqtt-dumper-<pid>-<random>`, new for every client.
  public var clientID: String?
  public var keepalive = 60
  public var username: String?
  public var password: String?
  public var protocolVersion = MQTTProtocolVersion.v5
  public var tls: TLSOptions?
  /// How long to wait for the broker to accept the connection.
  public var connectTimeout: Duration = .seconds(10)

  public init() {}

  /// The port that will be used.
  public var effectivePort: Int { port ?? (tls == nil ? 1883 : 8883) }

  /// `host:port`, the broker as recorded in headers: never credentials.
  public var brokerDescription: String {
    host.contains(":") ? "[\(host)]:\(effectivePort)" : "\(host):\(effectivePort)"
  }

  /// Applies a URL of the form `mqtt://[user[:password]@]host[:port]` or `mqtts://…`.
  /// - Throws: `MQTTError.invalidURL` for anything else.
  public mutating func apply(url: String) throws {
    let scheme: String
    var rest: Substring
    if url.hasPrefix("mqtt://") {
      scheme = "mqtt"
      rest = url.dropFirst(7)
    } else if url.hasPrefix("mqtts://") {
      scheme = "mqtts"
      rest = url.dropFirst(8)
    } else {
      throw MQTTError.invalidURL(url, .scheme)
    }
    if let slash = rest.firstIndex(of: "/") {
      guard rest[slash...].allSatisfy({ $0 == "/" }) else {
        throw MQTTError.invalidURL(url, .path)
      }
      rest = rest[..<slash]
    }
    if let at = rest.lastIndex(of: "@") {
      let credentials = rest[..<at]
      if let colon = credentials.firstIndex(of: ":") {
        username = String(credentials[..<colon])
        password = String(credentials[credentials.index(after: colon)...])
      } else {
        username = String(credentials)
      }
      rest = rest[rest.index(after: at)...]
    }
    var hostPart = rest
    if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
      host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
      hostPart = hostPart[hostPart.index(after: close)...]
      if hostPart.hasPrefix(":") {
        guard let p = Int(hostPart.dropFirst()), (1...65535).contains(p) else {
          throw MQTTError.invalidURL(url, .port)
        }
        port = p
      }
    } else if let colon = hostPart.lastIndex(of: ":") {
      guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
        throw MQTTError.invalidURL(url, .port)
      }
      port = p
      host = String(hostPart[..<colon])
    } else {
      host = String(hostPart)
    }
    guard !host.isEmpty else { throw MQTTError.invalidURL(url, .noHost) }
    if scheme == "mqtts", tls == nil { tls = TLSOptions() }
  }
}
