import Glibc
import Testing

@testable import MQTTDumper

@Suite("library errors keep libmosquitto's codes and speak the library's terms")
struct MQTTErrorTests {
  private var options: ConnectionOptions {
    var o = ConnectionOptions()
    o.host = "broker.invalid"
    return o
  }

  /// Every case, built the ways the client builds them.
  private var samples: [MQTTError] {
    [
      .invalidURL("mqtt://h/x", .path), .invalidTopicFilter("a/#/b"), .invalidTopic("a/+"),
      .clientNotCreated(clientID: "x", errno: ENOMEM), .tlsFileUnreadable(.caFile, path: "/ca.crt", errno: ENOENT),
      .tlsFilesRejected(code: 8, text: "a TLS error occurred"), .networkThreadFailed(code: 10, text: "x"),
      .connect(rc: 15, errno: 0, options: options), .connect(rc: 8, errno: 0, options: options),
      .connect(rc: 14, errno: ECONNREFUSED, options: options), .connect(rc: 14, errno: ENETUNREACH, options: options),
      .connect(rc: 4, errno: 0, options: options),
      .connectFailed(broker: "b:1", code: 7, failure: .closedBeforeAnswer(reason: "x", protocolVersion: .v5)),
      .refused(code: 132, options: options), .refused(code: 133, options: options),
      .refused(code: 4, options: options), .refused(code: 135, options: options),
      .refused(code: 136, options: options), .refused(code: 149, options: options),
      .timedOut(broker: "b:1"), .connectionLost(broker: "b:1", reason: "x"),
      .publishFailed(topic: "t", code: 4, reason: "x"), .subscriptionRejected(filter: "f", broker: "b:1", reason: "x"),
      .sessionTakenOver(broker: "b:1", clientID: "c"),
      .publishesRefused(broker: "b:1", refused: 1, answered: 2, unanswered: 3, firstTopic: "t", reason: "x"),
      .connectFailed(
        broker: "b:1", code: 8, failure: .tlsHandshakeFailed(.unknownCA(reason: "certificate verify failed"))),
      .connectFailed(broker: "b:1", code: 8, failure: .tlsHandshakeFailed(.hostNameMismatch(host: "b"))),
      .connectFailed(broker: "b:1", code: 14, failure: .tlsHandshakeFailed(.clientCertificateRequired(reason: "x"))),
      .connectFailed(broker: "b:1", code: 14, failure: .tlsHandshakeFailed(.clientCertificateRefused(reason: "x"))),
      .connectFailed(
        broker: "b:1", code: 8, failure: .tlsHandshakeFailed(.notTLS(reason: "x", answersPlainMQTT: true))),
      .connectFailed(
        broker: "b:1", code: 14, failure: .tlsHandshakeFailed(.endedAfterHandshake(clientCertificate: false))),
      .connectFailed(broker: "b:1", code: 8, failure: .tlsHandshakeFailed(.other(reason: nil))),
      .connectFailed(broker: "b:1", code: 7, failure: .expectsTLS),
      .connectFailed(broker: "b:1", code: 7, failure: .onlyMQTT311(closed: true)),
      .connectFailed(
        broker: "b:1", code: 7, failure: .closedBeforeAnswer(reason: "x", protocolVersion: .v311, tls: true)),
      .replayStopped(broker: "b:1", reason: "x", sent: 1234, total: 4000, gaveUpReconnecting: true),
      .replayStopped(broker: "b:1", reason: "x", sent: 1, total: nil, gaveUpReconnecting: false),
      .invalidURL("mqtt://u:***@h", .encoding),
    ]
  }

  @Test("sentences have no doubled punctuation, and libmosquitto's texts become clauses")
  func punctuation() throws {
    for error in samples {
      for doubled in ["..", ".;", ";;", ".)", ".,", ",.", ";."] {
        #expect(!error.description.contains(doubled), "\(doubled) in \(error)")
      }
    }
    #expect(MQTTError.clause("The connection was lost.") == "the connection was lost")
    #expect(MQTTError.clause("TLS error.") == "TLS error")
    #expect(
      MQTTError.replayStopped(broker: "b:1", reason: "x", sent: 1234, total: 4000, gaveUpReconnecting: true).description
        == "lost the connection to b:1 (x) and could not get it back, after sending 1,234 of 4,000 messages; check "
        + "the broker, then replay the rest.")
  }

  @Test("no sentence names a command-line flag")
  func noFlags() throws {
    let flag = try Regex(#"(^|[\s(/])--?[A-Za-z]"#)
    for error in samples {
      #expect(error.description.firstMatch(of: flag) == nil, "\(error)")
      #expect(error.description.hasSuffix("."))
    }
  }

  @Test("libmosquitto's return code and the errno stay with the error")
  func codesKept() {
    #expect(
      MQTTError.connect(rc: 14, errno: ECONNREFUSED, options: options)
        == .connectFailed(broker: "broker.invalid:1883", code: 14, failure: .system(errno: ECONNREFUSED)))
    #expect(
      MQTTError.connect(rc: 15, errno: 0, options: options)
        == .connectFailed(broker: "broker.invalid:1883", code: 15, failure: .unknownHost("broker.invalid")))
    #expect(
      MQTTError.refused(code: 134, options: options)
        == .refusedByBroker(broker: "broker.invalid:1883", code: 134, refusal: .badCredentials))
    #expect(
      MQTTError.connect(rc: 4, errno: 0, options: options)
        == .connectFailed(
          broker: "broker.invalid:1883", code: 4, failure: .other("the client is not currently connected")))
  }
}
