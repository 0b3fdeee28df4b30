import Foundation
import MQTTCapture
import Testing

/// A CA and a server certificate for 127.0.0.1 made with the openssl command, in a temporary directory.
private func makeCertificates() throws -> URL {
  let dir = try temporaryDirectory()
  let openssl = try which("openssl")
  func run(_ args: [String]) throws {
    let r = try Running(openssl, args).wait()
    guard r.status == 0 else { throw TestFailure("openssl \(args.first ?? ""): \(r.stderr)") }
  }
  let p = { (name: String) in dir.appendingPathComponent(name).path }
  try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mqtt-dumper test CA",
           "-keyout", p("ca.key"), "-out", p("ca.crt")])
  try run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", p("server.key"), "-out", p("server.csr")])
  try "subjectAltName=IP:127.0.0.1\n".write(toFile: p("san.ext"), atomically: true, encoding: .utf8)
  try run(["x509", "-req", "-in", p("server.csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"), "-CAcreateserial",
           "-days", "2", "-extfile", p("san.ext"), "-out", p("server.crt")])
  // mosquitto drops privileges to its own user: let it read the files.
  for name in ["ca.crt", "server.crt", "server.key"] { chmod(p(name), 0o644) }
  chmod(dir.path, 0o755)
  return dir
}

@Suite("TLS against a real broker", .serialized)
struct TLSEndToEndTests {
  @Test("mqtts with the right CA records; without it the TLS failure is one sentence")
  func tls() throws {
    let certs = try makeCertificates()
    let broker = try TestBroker(extraConfig: """
      allow_anonymous true
      cafile \(certs.appendingPathComponent("ca.crt").path)
      certfile \(certs.appendingPathComponent("server.crt").path)
      keyfile \(certs.appendingPathComponent("server.key").path)
      """)
    let ca = certs.appendingPathComponent("ca.crt").path

    let ok = try mqttDumper(["capture", "-L", "mqtts://127.0.0.1:\(broker.port)", "--cafile", ca, "-W", "0.5", "-o", "-", "--quiet"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdoutText.contains(#""broker":"127.0.0.1:\#(broker.port)""#))
    #expect(ok.stdoutText.contains(#""event":"connected""#))

    // The system's CAs do not know our test CA.
    let untrusted = try mqttDumper(["capture", "-L", "mqtts://127.0.0.1:\(broker.port)", "-o", "-", "--quiet"])
    #expect(untrusted.status == 1)
    #expect(untrusted.stderr.contains("cannot connect to 127.0.0.1:\(broker.port): the TLS handshake failed; check --cafile"), "\(untrusted.stderr)")
    #expect(!untrusted.stderr.contains("Fatal error"))

    let missing = try mqttDumper(["capture", "-p", "\(broker.port)", "--cafile", "/nonexistent/ca.crt", "-o", "-"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("cannot read /nonexistent/ca.crt given to --cafile"), "\(missing.stderr)")
  }
}
