/// The MQTT protocol version spoken to the broker.
public enum MQTTProtocolVersion: String, Sendable, CaseIterable {
  /// MQTT 5: reason codes in acknowledgements, properties, subscription identifiers (`mqttv5`).
  case v5 = "mqttv5"
  /// MQTT 3.1.1, for brokers that do not speak v5 (`mqttv311`).
  case v311 = "mqttv311"
}

/// TLS settings, as mosquitto_sub names them.
public struct TLSOptions: Sendable, Equatable {
  /// A file of CA certificates that must sign the broker's (`--cafile`); with no `caPath` either, the
  /// system's CAs are used.
  public var caFile: String?
  /// A directory of CA certificates (`--capath`).
  public var caPath: String?
  /// The client certificate, for brokers that authenticate clients by certificate (`--cert`); goes with `keyFile`.
  public var certFile: String?
  /// The private key of `certFile` (`--key`).
  public var keyFile: String?
  /// `tlsv1.2` or `tlsv1.3`; nil lets OpenSSL choose.
  public var version: String?
  /// Skip the check that the certificate names the host. Never the default.
  public var insecure = false
  /// False only to find out whether a broker speaks TLS at all (no credentials are then sent).
  var verifyPeer = true
  /// TLS with the system's CAs, no client certificate, the host name checked.
  public init() {}
}

/// Where and how to connect: shared by every command that talks to a broker.
public struct ConnectionOptions: Sendable, Equatable {
  /// The broker's host name or address; `localhost` by default.
  public var host = "localhost"
  /// The broker's port; nil for 1883, or 8883 with TLS.
  public var port: Int?
  /// The client id; nil for a generated `mqtt-dumper-<pid>-<random>`, new for every client.
  public var clientID: String?
  /// MQTT keepalive in seconds: how long the link may stay silent before a ping; 60 by default.
  public var keepalive = 60
  /// The user name to log in with; nil for none.
  public var username: String?
  /// The password; sent only with a `username`, nil for none.
  public var password: String?
  /// The MQTT version spoken; v5 by default.
  public var protocolVersion = MQTTProtocolVersion.v5
  /// TLS settings; nil for plain TCP.
  public var tls: TLSOptions?
  /// How long to wait for the broker to accept the connection.
  public var connectTimeout: Duration = .seconds(10)

  /// `localhost:1883` over MQTT v5: no credentials, no TLS, a generated client id.
  public init() {}

  /// The port that will be used.
  public var effectivePort: Int { port ?? (tls == nil ? 1883 : 8883) }

  /// `host:port`, the broker as recorded in headers: never credentials.
  public var brokerDescription: String {
    host.contains(":") ? "[\(host)]:\(effectivePort)" : "\(host):\(effectivePort)"
  }

  /// Applies a URL of the form `mqtt://[user[:password]@]host[:port]` or `mqtts://…`; the user name and
  /// password may be percent-encoded (`%40` for `@`, `%3A` for `:`).
  /// - Throws: `MQTTError.invalidURL` for anything else, naming the URL without its password.
  public mutating func apply(url: String) throws {
    let shown = Self.redactingPassword(url)
    let scheme: String
    var rest: Substring
    if url.hasPrefix("mqtt://") {
      scheme = "mqtt"
      rest = url.dropFirst(7)
    } else if url.hasPrefix("mqtts://") {
      scheme = "mqtts"
      rest = url.dropFirst(8)
    } else {
      throw MQTTError.invalidURL(shown, .scheme)
    }
    if let slash = rest.firstIndex(of: "/") {
      guard rest[slash...].allSatisfy({ $0 == "/" }) else {
        throw MQTTError.invalidURL(shown, .path)
      }
      rest = rest[..<slash]
    }
    if let at = rest.lastIndex(of: "@") {
      let credentials = rest[..<at]
      let user: Substring
      var pass: Substring? = nil
      if let colon = credentials.firstIndex(of: ":") {
        user = credentials[..<colon]
        pass = credentials[credentials.index(after: colon)...]
      } else {
        user = credentials
      }
      guard let decodedUser = Self.percentDecoded(user) else { throw MQTTError.invalidURL(shown, .encoding) }
      username = decodedUser
      if let pass {
        guard let decoded = Self.percentDecoded(pass) else { throw MQTTError.invalidURL(shown, .encoding) }
        password = decoded
      }
      rest = rest[rest.index(after: at)...]
    }
    var hostPart = rest
    if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
      host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
      hostPart = hostPart[hostPart.index(after: close)...]
      if hostPart.hasPrefix(":") {
        guard let p = Int(hostPart.dropFirst()), (1...65535).contains(p) else {
          throw MQTTError.invalidURL(shown, .port)
        }
        port = p
      }
    } else if let colon = hostPart.lastIndex(of: ":") {
      guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
        throw MQTTError.invalidURL(shown, .port)
      }
      port = p
      host = String(hostPart[..<colon])
    } else {
      host = String(hostPart)
    }
    guard !host.isEmpty else { throw MQTTError.invalidURL(shown, .noHost) }
    if scheme == "mqtts", tls == nil { tls = TLSOptions() }
  }

  /// `url` with the password, if it has one, replaced by `***`, for messages: whatever follows the first `:`
  /// between `scheme://` and the last `@` (a password may hold `/` or `@` that were not percent-encoded).
  public static func redactingPassword(_ url: String) -> String {
    let start = url.firstRange(of: "://")?.upperBound ?? url.startIndex
    guard let at = url[start...].lastIndex(of: "@"), let colon = url[start..<at].firstIndex(of: ":") else {
      return url
    }
    return String(url[...colon]) + "***" + String(url[at...])
  }

  /// `text` with `%XX` escapes decoded as UTF-8; nil for a malformed escape or bytes that are not UTF-8.
  static func percentDecoded(_ text: Substring) -> String? {
    var bytes: [UInt8] = []
    var utf8 = text.utf8[...]
    while let byte = utf8.first {
      utf8 = utf8.dropFirst()
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else {
        return nil
      }
      bytes.append(value)
      utf8 = utf8.dropFirst(2)
    }
    return String(validating: bytes, as: UTF8.self)
  }
}
