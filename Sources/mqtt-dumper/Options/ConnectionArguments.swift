import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

/// The connection options every broker command shares, named as mosquitto_sub names them.
struct ConnectionArguments: ParsableArguments {
  @Option(
    name: [.customShort("h"), .long],
    help: "Broker host (default localhost; [::1] for IPv6), or a URL mqtt://user@host:port (mqtts:// for TLS).")
  var host: String?

  @Option(name: [.customShort("p"), .long], help: "Broker port (default 1883, or 8883 with TLS).")
  var port: Int?

  @Option(name: [.customShort("L"), .customLong("url")], help: "Broker URL: mqtt://[user@]host[:port] or mqtts://…")
  var url: String?

  @Option(name: [.customShort("i"), .customLong("id")], help: "Client id (default: mqtt-dumper-<pid>-<random>).")
  var clientID: String?

  @Option(name: [.customShort("k"), .long], help: "Keepalive in seconds.")
  var keepalive = 60

  @Option(
    name: [.customShort("u"), .long],
    help: "User name; the password comes from MQTT_PASSWORD, --password-file or -P.")
  var username: String?

  @Option(
    name: [.customShort("P"), .customLong("pw")],
    help: ArgumentHelp(
      "Password; others can read it in `ps`, so prefer MQTT_PASSWORD or --password-file.", valueName: "password"))
  var password: String?

  @Option(name: .long, help: "Read the password from the first line of this file (without its LF or CRLF).")
  var passwordFile: String?

  @Option(name: [.customShort("V"), .customLong("protocol")], help: "mqttv5 or mqttv311.")
  var protocolVersion = "mqttv5"

  @Option(name: .long, help: "CA certificate file for TLS (implies TLS).")
  var cafile: String?

  @Option(name: .long, help: "Directory of CA certificates for TLS (implies TLS).")
  var capath: String?

  @Option(name: .long, help: "Client certificate for TLS.")
  var cert: String?

  @Option(name: .long, help: "Client private key for TLS.")
  var key: String?

  @Option(name: .long, help: "The lowest TLS version to accept: tlsv1.2 or tlsv1.3.")
  var tlsVersion: String?

  @Flag(name: .long, help: "Do not check that the broker's certificate names the host (testing only).")
  var insecure = false

  func validate() throws {
    guard validating else { return }
    guard MQTTProtocolVersion(rawValue: protocolVersion) != nil else {
      throw ValidationError("-V/--protocol must be mqttv5 or mqttv311, not '\(protocolVersion)'.")
    }
    if let port, !(1...65535).contains(port) {
      throw ValidationError("-p/--port must be from 1 to 65535, not \(port).")
    }
    guard (0...65535).contains(keepalive) else {
      throw ValidationError("-k/--keepalive must be from 0 to 65535 seconds.")
    }
    if let tlsVersion, !["tlsv1.2", "tlsv1.3"].contains(tlsVersion) {
      throw ValidationError("--tls-version must be tlsv1.2 or tlsv1.3, not '\(tlsVersion)'.")
    }
  }

  /// Whether any connection option was given (for commands that use them only sometimes).
  var isGiven: Bool {
    host != nil || port != nil || url != nil || clientID != nil || username != nil || password != nil
      || passwordFile != nil || cafile != nil || capath != nil || cert != nil || key != nil || tlsVersion != nil
      || insecure
  }

  /// The library's options; warns on stderr where a choice is unsafe.
  ///
  /// A password is used with a user name only: `-P` or `--password-file` without one is an error, and
  /// `MQTT_PASSWORD` is ignored without one, so that an exported password does not break anonymous use.
  /// - Throws: `ValidationError` when options contradict each other or the password file cannot be used;
  ///   `MQTTError.invalidURL` for a URL that cannot be used (named without its password).
  func options() throws -> ConnectionOptions {
    var o = ConnectionOptions()
    let hostURL = host.flatMap { $0.contains("://") ? $0 : nil }
    if let url = url ?? hostURL {
      if self.url != nil, host != nil {
        throw ValidationError("-L/--url and -h/--host both name the broker; give one.")
      }
      try o.apply(url: url)
      let flag = self.url != nil ? "-L" : "-h"
      if o.port != nil, port != nil {
        throw ValidationError("the URL given to \(flag) has a port, and so does -p; give one.")
      }
      if o.username != nil, username != nil {
        throw ValidationError("the URL given to \(flag) has a user name, and so does -u; give one.")
      }
      if o.password != nil, password != nil || passwordFile != nil {
        throw ValidationError(
          "the URL given to \(flag) has a password, and so does \(password != nil ? "-P" : "--password-file"); give one."
        )
      }
      if o.password != nil {
        warn("the password in the URL is visible to other users in `ps`; prefer MQTT_PASSWORD or --password-file.")
      }
    } else if let host {
      o.host = try Self.hostName(host)
    }
    if let port { o.port = port }
    o.clientID = clientID
    o.keepalive = keepalive
    if let username { o.username = username }
    o.protocolVersion = MQTTProtocolVersion(rawValue: protocolVersion)!
    if let password {
      if passwordFile != nil {
        throw ValidationError("-P and --password-file both give the password; give one.")
      }
      warn("-P shows the password to other users in `ps`; prefer MQTT_PASSWORD or --password-file.")
      o.password = password
    } else if let passwordFile {
      o.password = try Self.readPassword(passwordFile)
    } else if o.password == nil, o.username != nil, let env = ProcessInfo.processInfo.environment["MQTT_PASSWORD"] {
      o.password = env
    }
    if o.password != nil && o.username == nil {
      throw ValidationError("a password was given without a user name; add -u USER.")
    }
    if cafile != nil || capath != nil || cert != nil || key != nil || tlsVersion != nil || insecure || o.tls != nil {
      var tls = o.tls ?? TLSOptions()
      tls.caFile = cafile
      tls.caPath = capath
      tls.certFile = cert
      tls.keyFile = key
      tls.version = tlsVersion
      tls.insecure = insecure
      o.tls = tls
      if insecure { warn("--insecure: the broker's certificate is not checked against its host name.") }
    }
    if (cert == nil) != (key == nil) {
      throw ValidationError("--cert and --key go together; give both or neither.")
    }
    return o
  }
}

extension ConnectionArguments {
  /// The host `-h` names: `[::1]` is `::1`.
  /// - Throws: `ValidationError` for a host with a user name in it (never echoed: it may hold a password).
  static func hostName(_ text: String) throws -> String {
    if text.contains("@") {
      throw ValidationError(
        "-h takes a host name or a URL; give the user name with -u, or write a URL like mqtt://user@host.")
    }
    if text.hasPrefix("[") && text.hasSuffix("]") { return String(text.dropFirst().dropLast()) }
    return text
  }

  /// The password in `path`: its first line, without the LF or CRLF that ends it.
  /// - Throws: `ValidationError` when the file cannot be read or the password is empty.
  static func readPassword(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationError("cannot read the password file \(path); check its path and permissions.")
    }
    var line = data.prefix { $0 != 0x0A }
    if line.last == 0x0D { line = line.dropLast() }
    guard !line.isEmpty else {
      throw ValidationError("the password file \(path) holds no password on its first line; write the password there.")
    }
    guard let password = String(data: line, encoding: .utf8) else {
      throw ValidationError("the password in \(path) is not UTF-8 text.")
    }
    return password
  }
}

func warn(_ message: String) {
  writeToStandardError("mqtt-dumper: warning: \(message)\n")
}
