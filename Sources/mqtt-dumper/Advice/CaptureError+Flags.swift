import MQTTCapture

extension CaptureError {
  /// The sentence the user sees: the library's, with advice in terms of this tool's flags where a flag is
  /// the fix.
  var userSentence: String {
    switch self {
    case .fileExists:
      // Every command that writes a file has --force; only `capture` can also --append (see there).
      return "\(problem); choose another file name, or pass --force to replace it."
    case .unknownFormat:
      let names = ConvertFormat.allCases.map(\.rawValue).joined(separator: ", ")
      return "\(problem); name its format with --from (\(names))."
    case .foreignInput:
      return "\(problem); the messages before it were converted (--from names another format)."
    case .writeFailed("standard output", _):
      return "\(problem); the output is incomplete."
    default:
      return description
    }
  }
}
