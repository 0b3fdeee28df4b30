/// Why a TLS connection to a broker failed, told apart from OpenSSL's reason as libmosquitto logs it
/// (`OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed`) and libmosquitto's own
/// host name check (`host name verification failed`).
///
/// libmosquitto 2.0 returns `MOSQ_ERR_TLS` for every handshake failure and clears OpenSSL's error queue
/// before it returns, so its log is the one place the reason survives.
public enum TLSFailure: Equatable, Sendable, CustomStringConvertible {
  /// The broker's certificate is not signed by a trusted CA (or it expired): OpenSSL's verification failed.
  case unknownCA(reason: String)
  /// The broker's certificate does not name the host connected to.
  case hostNameMismatch(host: String)
  /// The broker asks for a client certificate and none was given.
  case clientCertificateRequired(reason: String)
  /// The broker did not accept the client certificate given.
  case clientCertificateRefused(reason: String)
  /// The broker closed the handshake at once, as a plain MQTT listener does; with `answersPlainMQTT` it
  /// was asked, and answered a plain MQTT CONNECT.
  case notTLS(reason: String, answersPlainMQTT: Bool)
  /// The broker ended the connection as soon as the handshake was done, with an alert whose reason
  /// libmosquitto did not log (it read it while sending CONNECT): most often a missing or refused client
  /// certificate.
  case endedAfterHandshake(clientCertificate: Bool)
  /// Anything else, with OpenSSL's reason when there is one.
  case other(reason: String?)

  /// Classifies a failed handshake, or a connection that failed during or right after it.
  /// - Parameters:
  ///   - log: libmosquitto's error log lines of the attempt.
  ///   - host: the host connected to.
  ///   - clientCertificate: whether a client certificate was given.
  /// - Returns: nil when the log holds nothing about TLS (the failure was not TLS's).
  public init?(log: [String], host: String, clientCertificate: Bool) {
    if log.contains(where: { $0.contains("host name verification failed") }) {
      self = .hostNameMismatch(host: host)
      return
    }
    guard let reason = log.lazy.compactMap(Self.openSSLReason).first else { return nil }
    switch reason {
    case _ where reason.contains("certificate verify failed"):
      self = .unknownCA(reason: reason)
    case _ where reason.contains("alert certificate required"):
      self = .clientCertificateRequired(reason: reason)
    case _ where reason.contains("alert handshake failure") && !clientCertificate:
      // TLS 1.2 servers answer a missing client certificate with a handshake failure.
      self = .clientCertificateRequired(reason: reason)
    case _
    where clientCertificate
      && [
        "alert unknown ca", "alert bad certificate", "alert certificate", "alert decrypt error",
        "alert access denied", "alert handshake failure",
      ].contains(where: reason.contains):
      self = .clientCertificateRefused(reason: reason)
    case _
    where ["unexpected eof while reading", "wrong version number", "packet length too long", "record layer failure"]
      .contains(where: reason.contains):
      self = .notTLS(reason: reason, answersPlainMQTT: false)
    default:
      self = .other(reason: reason)
    }
  }

  /// `certificate verify failed` from `OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed`.
  static func openSSLReason(_ line: String) -> String? {
    guard line.hasPrefix("OpenSSL Error") else { return nil }
    let reason = line.split(separator: ":", omittingEmptySubsequences: false).last ?? ""
    let trimmed = reason.drop { $0 == " " }
    return trimmed.isEmpty ? nil : String(trimmed)
  }

  /// What happened, as a clause.
  public var description: String {
    switch self {
    case .unknownCA(let reason):
      return "the broker's certificate is not signed by a trusted CA, or has expired (\(reason))"
    case .hostNameMismatch(let host):
      return "the broker's certificate does not name \(host) (host name verification failed)"
    case .clientCertificateRequired(let reason):
      return "the broker requires a client certificate (\(reason))"
    case .clientCertificateRefused(let reason):
      return "the broker did not accept the client certificate (\(reason))"
    case .notTLS(let reason, let plain):
      return plain
        ? "the broker speaks plain MQTT there, not TLS (\(reason))"
        : "the broker closed the TLS handshake at once (\(reason)); it may speak plain MQTT there"
    case .endedAfterHandshake(let certificate):
      return "the broker ended the TLS connection right after the handshake, most likely because it "
        + (certificate ? "does not accept the client certificate" : "requires a client certificate")
    case .other(let reason):
      return "the TLS handshake failed" + (reason.map { " (\($0))" } ?? "")
    }
  }

  /// What to do about it, in the library's terms.
  public var advice: String {
    switch self {
    case .unknownCA:
      return "give the CA certificate that signed the broker's certificate"
    case .hostNameMismatch:
      return "connect with a name the certificate gives"
    case .clientCertificateRequired:
      return "give a client certificate and its key"
    case .clientCertificateRefused:
      return "give a client certificate signed by a CA the broker trusts, with its key"
    case .notTLS:
      return "connect without TLS, or to the broker's TLS port"
    case .endedAfterHandshake(let certificate):
      return certificate
        ? "give a client certificate signed by a CA the broker trusts, with its key"
        : "give a client certificate and its key"
    case .other:
      return "check the CA certificates, the client certificate and key, and the TLS version"
    }
  }
}
