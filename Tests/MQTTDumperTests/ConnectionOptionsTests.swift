import Testing

@testable import MQTTDumper

@Suite("broker URLs and TLS failures")
struct ConnectionOptionsTests {
  @Test("user name and password in a URL are percent-decoded")
  func percentDecoding() throws {
    var o = ConnectionOptions()
    try o.apply(url: "mqtts://ma%40ker:p%3Ass%2Fw%25rd%C3%A9@broker.local:8884")
    #expect(o.username == "ma@ker")
    #expect(o.password == "p:ss/w%rdé")
    #expect(o.host == "broker.local")
    #expect(o.port == 8884)
    #expect(o.tls != nil)
    var v6 = ConnectionOptions()
    try v6.apply(url: "mqtt://[::1]:1884")
    #expect(v6.host == "::1")
    #expect(v6.brokerDescription == "[::1]:1884")
  }

  @Test(
    "a URL that is not taken is named without its password",
    arguments: [
      ("mqtt://maker:S3cr3t@127.0.0.1:notaport", "mqtt://maker:***@127.0.0.1:notaport", MQTTError.URLProblem.port),
      ("http://maker:S3cr3t@host", "http://maker:***@host", .scheme),
      ("mqtt://maker:S3cr3t@host/topic", "mqtt://maker:***@host/topic", .path),
      ("mqtt://maker:S3/cr@t@host/x", "mqtt://maker:***@host/x", .path),
      ("mqtt://maker:S3cr3t%zz@host", "mqtt://maker:***@host", .encoding),
      ("mqtt://maker:S3cr3t@", "mqtt://maker:***@", .noHost),
    ])
  func noPasswordInErrors(url: String, shown: String, problem: MQTTError.URLProblem) {
    var o = ConnectionOptions()
    #expect(throws: MQTTError.invalidURL(shown, problem)) { try o.apply(url: url) }
    #expect(!"\(MQTTError.invalidURL(shown, problem))".contains("S3"))
  }

  @Test(
    "OpenSSL's reason in libmosquitto's log tells the TLS failures apart",
    arguments: [
      (
        ["OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed"], false,
        TLSFailure.unknownCA(reason: "certificate verify failed")
      ),
      (
        [
          "Error: host name verification failed.",
          "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed",
        ],
        false, .hostNameMismatch(host: "h")
      ),
      (
        ["OpenSSL Error[0]: error:0A00045C:SSL routines::tlsv13 alert certificate required"], false,
        .clientCertificateRequired(reason: "tlsv13 alert certificate required")
      ),
      (
        ["OpenSSL Error[0]: error:0A000410:SSL routines::sslv3 alert handshake failure"], false,
        .clientCertificateRequired(reason: "sslv3 alert handshake failure")
      ),
      (
        ["OpenSSL Error[0]: error:0A000418:SSL routines::tlsv1 alert unknown ca"], true,
        .clientCertificateRefused(reason: "tlsv1 alert unknown ca")
      ),
      (
        ["OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading"], false,
        .notTLS(reason: "unexpected eof while reading", answersPlainMQTT: false)
      ),
      (
        ["OpenSSL Error[0]: error:0A00010B:SSL routines::wrong version number"], false,
        .notTLS(reason: "wrong version number", answersPlainMQTT: false)
      ),
      (
        ["OpenSSL Error[0]: error:0A000102:SSL routines::unsupported protocol"], false,
        .other(reason: "unsupported protocol")
      ),
    ])
  func tlsFailures(log: [String], clientCertificate: Bool, expected: TLSFailure) {
    #expect(TLSFailure(log: log, host: "h", clientCertificate: clientCertificate) == expected)
  }

  @Test("a log without TLS lines is no TLS failure")
  func notTLS() {
    #expect(TLSFailure(log: ["Client x sending CONNECT"], host: "h", clientCertificate: false) == nil)
  }
}
