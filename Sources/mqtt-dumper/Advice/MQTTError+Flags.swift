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
    case .connectFailed(_, _, .tlsHandshakeFailed):
      return "check --cafile/--capath (the broker's certificate must be signed by them and name the host), "
        + "--cert/--key and --tls-version"
    case .connectFailed(_, _, .system(let code)):
      return code == ECONNREFUSED ? "is a broker running there? Check -h and -p" : "check -h, -p and the network"
    case .connectFailed(_, _, .closedBeforeAnswer(_, .v5)):
      return "it may not speak MQTT v5 (try -V mqttv311) or may need TLS (mqtts://)"
    case .refusedByBroker(_, _, .unsupportedProtocol(let version)):
      return version == .v5 ? "try -V mqttv311" : "try -V mqttv5"
    case .refusedByBroker(_, _, .clientIDRejected):
      return "choose another with -i or --session"
    case .refusedByBroker(_, _, .badCredentials):
      return "check -u and the password (MQTT_PASSWORD or --password-file)"
    case .refusedByBroker(_, _, .notAuthorised):
      return "check -u and the password, or the broker's access rules"
    case .timedOut:
      return "check that -h and -p name an MQTT broker"
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

extension RepeatedConnectionLoss {
  /// The warning the user sees: the library's, naming the flag when MQTT 3.1.1 is worth a try.
  var userSentence: String {
    suggestsMQTT311 ? "\(problem); \(advice) (-V mqttv311)." : description
  }
}
