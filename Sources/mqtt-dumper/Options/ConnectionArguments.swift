import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

/// The connection options every broker command shares, named as mosquitto_sub names them.
struct ConnectionArguments: ParsableArguments {
  @Option(name: [.customShort("h"), .long], help: "Broker host, or a URL mqtt://user@host:port (mqtts:// for TLS).")
  var host = "localhost"

  @Option(name: [.customShort("p"), .long], help: "Broker port (default 1883, or 8883 with TLS).")
  var port: Int?

  @Option(name: [.customShort("L"), .customLong("url")], help: "Broker URL: mqtt://[user@]host[:port] or mqtts://…")
  var url: String?

  @Option(name: [.customShort("i"), .customLong("id")], help: "Client id (default: mqtt-dumper-<pid>-<random>).")
  var clientID: String?

  @Option(name: [.customShort("k"), .long], help: "Keepalive in seconds.")
  var keepalive = 60

  @Option(name: [.customShort("u"), .long], help: "User name.")
  var username: String?

  @Option(
    name: [.customShort("P"), .customLong("pw")],
    help: ArgumentHelp("Password (visible in `ps`: prefer MQTT_PASSWORD or --password-file).", visibility: .hidden))
  var password: String?

  @Option(name: .long, help: "Read the password from the first line of this file.")
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

  @Option(name: .long, help: "tlsv1.2 or tlsv1.3.")
  var tlsVersion: String?

  @Flag(name: .long, help: "Do not check that the broker's certificate names the host (testing only).")
  var insecure = false

  func validate() throws {
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

  /// The library's options; warns on stderr where a choice is unsafe.
  func options() throws -> ConnectionOptions {
    var o = ConnectionOptions()
    if let url = url ?? (host.contains("://") ? host : nil) {
      try o.apply(url: url)
      if o.password != nil {
        warn("the password in the URL is visible to other users in `ps`; prefer MQTT_PASSWORD or --password-file.")
      }
    } else {
      o.host = host
    }
    if let port { o.port = port }
    o.clientID = clientID
    o.keepalive = keepalive
    if let username { o.username = username }
    o.protocolVersion = MQTTProtocolVersion(rawValue: protocolVersion)!
    if let password {
      warn("-P shows the password to other users in `ps`; prefer MQTT_PASSWORD or --password-file.")
      o.password = password
    } else if let passwordFile {
      guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
        throw ValidationError("cannot read the password file \(passwordFile); check its path and permissions.")
      }
      o.password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    } else if let env = ProcessInfo.processInfo.environment["MQTT_PASSWORD"] {
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

func warn(_ message: String) {
  FileHandle.standardError.write(Data("mqtt-dumper: warning: \(message)\n".utf8))
}
