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
  /// False only to find out whether a broker speaks TLS at all (no credentials are then sent).
  var verifyPeer = true
  public init() {}
}

/// Where and how to connect: shared by every command that talks to a broker.
public struct ConnectionOptions: Sendable, Equatable {
  public var host = "localhost"
  /// nil: 1883, or 8883 with TLS.
  public var port: Int?
  /// nil: a generated `mqtt-dumper-<pid>` id.
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
