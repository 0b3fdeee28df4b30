import Foundation
import MQTTCapture
import Testing

/// A broker that speaks only MQTT 3.1.1 (as old ones do): it answers a 3.1.1 CONNECT with a CONNACK, and an
/// MQTT v5 CONNECT by closing the connection (`close`) or with silence (`silent`). Python, on 127.0.0.1.
private func startMQTT311Broker(_ onV5: String) throws -> (Running, Int) {
  let script = try temporaryDirectory().appendingPathComponent("mqtt311.py").path
  try """
  import socket, sys, threading
  server = socket.socket()
  server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  server.bind(("127.0.0.1", int(sys.argv[2])))
  server.listen(8)
  def serve(c):
      try:
          data = b""
          while len(data) < 10:
              chunk = c.recv(64)
              if not chunk: return
              data += chunk
          if data[0] != 0x10: return              # not CONNECT: close
          i = 1
          while data[i] & 0x80: i += 1
          i += 1                                   # past the remaining length
          level = data[i + 2 + ((data[i] << 8) | data[i + 1])]
          if level == 4:
              c.sendall(bytes([0x20, 0x02, 0x00, 0x00]))
              while True:                          # SUBSCRIBE (one filter each) gets a SUBACK granting QoS 0
                  chunk = c.recv(4096)
                  if not chunk: break
                  if chunk[0] & 0xF0 == 0x80:
                      j = 1
                      while chunk[j] & 0x80: j += 1
                      c.sendall(bytes([0x90, 0x03, chunk[j + 1], chunk[j + 2], 0x00]))
          elif sys.argv[1] == "silent":
              while c.recv(64): pass
      finally:
          c.close()
  while True:
      c, _ = server.accept()
      threading.Thread(target=serve, args=(c,), daemon=True).start()
  """.write(toFile: script, atomically: true, encoding: .utf8)
  let port = try freeLoopbackPort()
  let server = try Running(try which("python3"), [script, onV5, "\(port)"])
  let deadline = Date().addingTimeInterval(10)
  while !canConnect(port: port) {
    guard Date() < deadline else { throw TestFailure("the MQTT 3.1.1 broker did not start") }
    usleep(20_000)
  }
  return (server, port)
}

/// Whether this machine has an IPv6 loopback address to listen on.
private func hasIPv6Loopback() -> Bool {
  let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  var addr = sockaddr_in6()
  addr.sin6_family = sa_family_t(AF_INET6)
  addr.sin6_addr = in6addr_loopback
  return withUnsafePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
    }
  }
}

@Suite("connection options say what they do", .serialized)
struct ConnectionEndToEndTests {
  @Test("a password is never printed, in errors nor in the capture")
  func passwordNeverPrinted() throws {
    for url in [
      "mqtt://maker:S3cr3t@127.0.0.1:notaport", "http://maker:S3cr3t@127.0.0.1", "mqtt://maker:S3/cr3t@127.0.0.1/x",
    ] {
      let result = try mqttDumper(["capture", "-L", url, "-o", "-"])
      #expect(result.status == 2)
      #expect(result.stderr.contains("is not a broker URL"), "\(result.stderr)")
      #expect(!result.stderr.contains("S3"), "\(result.stderr)")
    }
    let inHost = try mqttDumper(["capture", "-h", "maker:S3cr3t@127.0.0.1", "-o", "-"])
    #expect(inHost.status == 2)
    #expect(inHost.stderr.contains("-h takes a host name or a URL"), "\(inHost.stderr)")
    #expect(!inHost.stderr.contains("S3"))

    let broker = try TestBroker()
    let ok = try mqttDumper(["capture", "-L", "mqtt://maker:S3cr3t@127.0.0.1:\(broker.port)", "-W", "0.3", "-o", "-"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(!ok.stderr.contains("S3") && !ok.stdoutText.contains("S3"))
    let help = try mqttDumper(["capture", "--help"])
    #expect(help.status == 0)
    #expect(!help.stdoutText.contains("S3"))
  }

  @Test("MQTT_PASSWORD is used with a user name only; anonymous use ignores it")
  func environmentPassword() throws {
    let broker = try TestBroker()
    let anonymous = try Running(
      try toolPath(), ["capture", "-p", "\(broker.port)", "-W", "0.3", "-o", "-", "--quiet"],
      environment: ["MQTT_PASSWORD": "exported"]
    ).wait()
    #expect(anonymous.status == 0, "\(anonymous.stderr)")
    #expect(anonymous.stdoutText.contains(#""event":"connected""#))
  }

  @Test("percent-encoded credentials, a CRLF password file; an empty one is an error")
  func credentials() throws {
    let dir = try temporaryDirectory()
    let passwords = dir.appendingPathComponent("passwd").path
    let made = try Running(try which("mosquitto_passwd"), ["-b", "-c", passwords, "ma@ker", "p:ss/w%rd"]).wait()
    #expect(made.status == 0, "\(made.stderr)")
    chmod(passwords, 0o644)
    let broker = try TestBroker(extraConfig: "allow_anonymous false\npassword_file \(passwords)\n")

    let url = try mqttDumper([
      "capture", "-L", "mqtt://ma%40ker:p%3Ass%2Fw%25rd@127.0.0.1:\(broker.port)", "-W", "0.3", "-o", "-", "--quiet",
    ])
    #expect(url.status == 0, "\(url.stderr)")
    #expect(url.stdoutText.contains(#""event":"connected""#))

    let crlf = dir.appendingPathComponent("pw-crlf").path
    try Data("p:ss/w%rd\r\n".utf8).write(to: URL(fileURLWithPath: crlf))
    let fromFile = try mqttDumper([
      "capture", "-p", "\(broker.port)", "-u", "ma@ker", "--password-file", crlf, "-W", "0.3", "-o", "-", "--quiet",
    ])
    #expect(fromFile.status == 0, "\(fromFile.stderr)")

    let empty = dir.appendingPathComponent("pw-empty").path
    try Data().write(to: URL(fileURLWithPath: empty))
    let refused = try mqttDumper([
      "capture", "-p", "\(broker.port)", "-u", "ma@ker", "--password-file", empty, "-o", "-",
    ])
    #expect(refused.status == 2)
    #expect(
      refused.stderr.hasPrefix("mqtt-dumper: error: the password file \(empty) holds no password"), "\(refused.stderr)")
  }

  @Test("-L with -h, or a port or user given twice, is a usage error")
  func conflicts() throws {
    let cases: [([String], String)] = [
      (["-L", "mqtt://127.0.0.1", "-h", "other"], "-L/--url and -h/--host both name the broker; give one."),
      (["-L", "mqtt://127.0.0.1:1884", "-p", "1885"], "the URL given to -L has a port, and so does -p; give one."),
      (["-h", "mqtt://me@127.0.0.1", "-u", "you"], "the URL given to -h has a user name, and so does -u; give one."),
    ]
    for (flags, message) in cases {
      let result = try mqttDumper(["capture", "-o", "-"] + flags)
      #expect(result.status == 2)
      #expect(result.stderr.hasPrefix("mqtt-dumper: error: \(message)\nUsage: mqtt-dumper capture"), "\(result.stderr)")
    }
  }

  @Test("-h '[::1]' reaches a broker on the IPv6 loopback", .enabled(if: hasIPv6Loopback()))
  func ipv6() throws {
    let v6 = try freeLoopbackPort()
    let broker = try TestBroker(extraConfig: "allow_anonymous true\nlistener \(v6) ::1\n")
    _ = broker
    let deadline = Date().addingTimeInterval(5)
    var result = try mqttDumper(["capture", "-h", "[::1]", "-p", "\(v6)", "-W", "0.3", "-o", "-", "--quiet"])
    while result.status != 0 && Date() < deadline {
      usleep(100_000)
      result = try mqttDumper(["capture", "-h", "[::1]", "-p", "\(v6)", "-W", "0.3", "-o", "-", "--quiet"])
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdoutText.contains(#""broker":"[::1]:\#(v6)""#))
  }

  @Test("a broker that speaks only MQTT 3.1.1 gets the advice -V mqttv311, whether it closes or stays silent")
  func mqtt311Only() throws {
    for behaviour in ["close", "silent"] {
      let (server, port) = try startMQTT311Broker(behaviour)
      defer { server.signal(SIGKILL) }
      let result = try mqttDumper(["capture", "-h", "127.0.0.1", "-p", "\(port)", "-o", "-", "--quiet"], timeout: 40)
      #expect(result.status == 2, "\(behaviour)")
      let verb = behaviour == "close" ? "closed the connection on" : "did not answer"
      #expect(
        result.stderr
          == "mqtt-dumper: error: cannot connect to 127.0.0.1:\(port): the broker \(verb) an MQTT v5 CONNECT, but "
          + "answers MQTT 3.1.1; add -V mqttv311.\n", "\(behaviour): \(result.stderr)")
      let v311 = try mqttDumper([
        "capture", "-h", "127.0.0.1", "-p", "\(port)", "-V", "mqttv311", "-W", "0.3", "-o", "-",
      ])
      #expect(v311.status == 0, "\(v311.stderr)")
    }
  }
}
