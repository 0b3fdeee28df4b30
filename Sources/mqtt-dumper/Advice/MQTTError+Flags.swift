import Foundation
import MQTTCapture
import MQTTDumper

extension MQTTError {
  /// The sentence the user sees: the library's problem, with advice in terms of this tool's flags where a
  /// flag is the fix.
  var userSentence: String {
    switch self {
    case .invalidURL(let url, .path):
      return "\(url) is not a broker URL: \(URLProblem.path); give topics with -t "
        + "(for example mqtt://user@host:1883)."
    case .tlsFileUnreadable(let file, let path, let code):
      return "cannot read \(path) given to \(Self.flag(for: file)): \(String(cString: strerror(code)))."
    default:
      return flagAdvice.map { "\(problem); \($0)." } ?? description
    }
  }

  /// Advice naming the flags that fix the problem, in place of the library's `advice`; nil to keep that.
  private var flagAdvice: String? {
    switch self {
    case .connectFailed(_, _, .unknownHost):
      return "check the spelling of -h"
    case .connectFailed(_, _, .tlsHandshakeFailed(let failure)):
      return failure.flagAdvice
    case .connectFailed(_, _, .system(let code)):
      return code == ECONNREFUSED ? "is a broker running there? Check -h and -p" : "check -h, -p and the network"
    case .connectFailed(_, _, .closedBeforeAnswer(_, .v5, let tls)):
      return tls
        ? "it may not speak MQTT v5 (try -V mqttv311); the broker's log says why"
        : "it may not speak MQTT v5 (try -V mqttv311) or may need TLS (mqtts:// or --cafile)"
    case .connectFailed(_, _, .closedBeforeAnswer(_, .v311, false)):
      return "it may need TLS (mqtts:// or --cafile); the broker's log says why"
    case .connectFailed(_, _, .expectsTLS):
      return "connect with TLS: mqtts:// or --cafile (its port is usually 8883)"
    case .connectFailed(_, _, .onlyMQTT311):
      return "add -V mqttv311"
    case .refusedByBroker(_, _, .unsupportedProtocol(let version)):
      return version == .v5 ? "try -V mqttv311" : "try -V mqttv5"
    case .refusedByBroker(_, _, .clientIDRejected):
      return "choose another with -i or --session"
    case .refusedByBroker(_, _, .badCredentials):
      return "check -u and the password (MQTT_PASSWORD or --password-file)"
    case .refusedByBroker(_, _, .notAuthorised):
      return "check -u and the password, or the broker's access rules"
    case .timedOut:
      return "check that -h and -p name an MQTT broker (an MQTT 3.1.1 one needs -V mqttv311)"
    case .tlsFilesRejected:
      return "check --cafile, --capath, --cert and --key"
    case .sessionTakenOver:
      return "give each recorder its own id (-i or --session)"
    default:
      return nil
    }
  }

  private static func flag(for file: TLSFile) -> String {
    switch file {
    case .caFile: return "--cafile"
    case .certificate: return "--cert"
    case .privateKey: return "--key"
    }
  }
}

extension TLSFailure {
  /// Advice naming the flags that fix the failure.
  var flagAdvice: String {
    switch self {
    case .unknownCA:
      return "give the CA certificate that signed the broker's certificate with --cafile or --capath"
    case .hostNameMismatch:
      return "connect with -h to a name the certificate gives (or, for testing only, --insecure)"
    case .clientCertificateRequired, .endedAfterHandshake(clientCertificate: false):
      return "give a client certificate with --cert and its key with --key"
    case .clientCertificateRefused, .endedAfterHandshake(clientCertificate: true):
      return "give with --cert a certificate signed by a CA the broker trusts, and its key with --key"
    case .notTLS:
      return "connect without TLS (mqtt://, port 1883, no --cafile/--capath/--cert/--key), or to the TLS port"
    case .other:
      return "check --cafile/--capath, --cert/--key and --tls-version"
    }
  }
}

extension RepeatedConnectionLoss {
  /// The warning the user sees: the library's, naming the flag when MQTT 3.1.1 is worth a try.
  var userSentence: String {
    suggestsMQTT311 ? "\(problem); \(advice) (-V mqttv311)." : description
  }
}
