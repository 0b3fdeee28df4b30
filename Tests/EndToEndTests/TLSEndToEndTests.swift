import Foundation
import MQTTCapture
import Testing

/// Certificates made with the openssl command, in a temporary directory: a CA; a server certificate it signed
/// for 127.0.0.1, and one for another name; a client certificate it signed; and a client certificate signed
/// by another CA.
private func makeCertificates() throws -> URL {
  let dir = try temporaryDirectory()
  let openssl = try which("openssl")
  func run(_ args: [String]) throws {
    let r = try Running(openssl, args).wait()
    guard r.status == 0 else { throw TestFailure("openssl \(args.first ?? ""): \(r.stderr)") }
  }
  let p = { (name: String) in dir.appendingPathComponent(name).path }
  for ca in ["ca", "other-ca"] {
    try run([
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mqtt-dumper test \(ca)",
      "-keyout", p("\(ca).key"), "-out", p("\(ca).crt"),
    ])
  }
  /// A key and a certificate signed by `ca`, with `ext` as its extensions.
  func issue(_ name: String, by ca: String, subject: String, ext: String?) throws {
    try run([
      "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", p("\(name).key"), "-out", p("\(name).csr"),
    ])
    var args = [
      "x509", "-req", "-in", p("\(name).csr"), "-CA", p("\(ca).crt"), "-CAkey", p("\(ca).key"),
      "-CAcreateserial", "-days", "2", "-out", p("\(name).crt"),
    ]
    if let ext {
      try "\(ext)\n".write(toFile: p("\(name).ext"), atomically: true, encoding: .utf8)
      args += ["-extfile", p("\(name).ext")]
    }
    try run(args)
  }
  try issue("server", by: "ca", subject: "/CN=127.0.0.1", ext: "subjectAltName=IP:127.0.0.1")
  try issue("elsewhere", by: "ca", subject: "/CN=broker.example", ext: "subjectAltName=DNS:broker.example")
  try issue("client", by: "ca", subject: "/CN=client", ext: nil)
  try issue("stranger", by: "other-ca", subject: "/CN=stranger", ext: nil)
  // mosquitto drops privileges to its own user: let it read the files.
  for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) { chmod(p(name), 0o644) }
  chmod(dir.path, 0o755)
  return dir
}

@Suite("TLS against a real broker", .serialized)
struct TLSEndToEndTests {
  @Test("mqtts with the right CA records; without it the TLS failure is one sentence")
  func tls() throws {
    let certs = try makeCertificates()
    let broker = try TestBroker(
      extraConfig: """
        allow_anonymous true
        cafile \(certs.appendingPathComponent("ca.crt").path)
        certfile \(certs.appendingPathComponent("server.crt").path)
        keyfile \(certs.appendingPathComponent("server.key").path)
        """)
    let ca = certs.appendingPathComponent("ca.crt").path

    let ok = try mqttDumper([
      "capture", "-L", "mqtts://127.0.0.1:\(broker.port)", "--cafile", ca, "-W", "0.5", "-o", "-", "--quiet",
    ])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdoutText.contains(#""broker":"127.0.0.1:\#(broker.port)""#))
    #expect(ok.stdoutText.contains(#""event":"connected""#))

    // The system's CAs do not know our test CA.
    let untrusted = try mqttDumper(["capture", "-L", "mqtts://127.0.0.1:\(broker.port)", "-o", "-", "--quiet"])
    #expect(untrusted.status == 2)
    #expect(
      untrusted.stderr.contains(
        "cannot connect to 127.0.0.1:\(broker.port): the broker's certificate is not signed by a trusted CA, or has "
          + "expired (certificate verify failed); give the CA certificate that signed the broker's certificate with "
          + "--cafile or --capath."), "\(untrusted.stderr)")
    #expect(!untrusted.stderr.contains("Fatal error"))

    let missing = try mqttDumper(["capture", "-p", "\(broker.port)", "--cafile", "/nonexistent/ca.crt", "-o", "-"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read /nonexistent/ca.crt given to --cafile"), "\(missing.stderr)")
  }

  @Test(
    "each TLS failure is told apart: unknown CA, host name, client certificate required or refused, TLS and plain MQTT mixed up"
  )
  func failuresToldApart() throws {
    let certs = try makeCertificates()
    let p = { (name: String) in certs.appendingPathComponent(name).path }
    let (elsewhere, clientRequired, plain) = (try freeLoopbackPort(), try freeLoopbackPort(), try freeLoopbackPort())
    let broker = try TestBroker(
      extraConfig: """
        allow_anonymous true
        certfile \(p("server.crt"))
        keyfile \(p("server.key"))
        listener \(elsewhere) 127.0.0.1
        certfile \(p("elsewhere.crt"))
        keyfile \(p("elsewhere.key"))
        listener \(clientRequired) 127.0.0.1
        cafile \(p("ca.crt"))
        certfile \(p("server.crt"))
        keyfile \(p("server.key"))
        require_certificate true
        listener \(plain) 127.0.0.1
        """)
    func capture(_ port: Int, _ extra: [String]) throws -> Finished {
      try mqttDumper(["capture", "-h", "127.0.0.1", "-p", "\(port)", "-W", "0.3", "-o", "-", "--quiet"] + extra)
    }
    let cases: [(port: Int, flags: [String], says: [String])] = [
      (
        broker.port, ["--cafile", p("other-ca.crt")],
        ["is not signed by a trusted CA", "(certificate verify failed)", "with --cafile or --capath"]
      ),
      (
        elsewhere, ["--cafile", p("ca.crt")],
        [
          "the broker's certificate does not name 127.0.0.1 (host name verification failed)",
          "connect with -h to a name the certificate gives",
        ]
      ),
      (
        clientRequired, ["--cafile", p("ca.crt")],
        ["requires a client certificate", "give a client certificate with --cert and its key with --key"]
      ),
      (
        clientRequired, ["--cafile", p("ca.crt"), "--cert", p("stranger.crt"), "--key", p("stranger.key")],
        ["accept the client certificate", "a certificate signed by a CA the broker trusts"]
      ),
      (
        plain, ["--cafile", p("ca.crt")],
        ["the broker speaks plain MQTT there, not TLS", "connect without TLS (mqtt://"]
      ),
      (
        broker.port, [],
        [
          "the broker closed the connection before it answered, and answers MQTT over TLS there",
          "connect with TLS: mqtts:// or --cafile",
        ]
      ),
    ]
    for c in cases {
      let result = try capture(c.port, c.flags)
      #expect(result.status == 2, "\(c.flags): \(result.stderr)")
      for text in c.says { #expect(result.stderr.contains(text), "\(c.flags): \(result.stderr)") }
      #expect(result.stderr.split(separator: "\n").count == 1, "one sentence: \(result.stderr)")
      #expect(!result.stderr.contains("(success)") && !result.stderr.contains("protocol error"), "\(result.stderr)")
    }
    let accepted = try capture(
      clientRequired, ["--cafile", p("ca.crt"), "--cert", p("client.crt"), "--key", p("client.key")])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect(accepted.stdoutText.contains(#""event":"connected""#))
  }
}
