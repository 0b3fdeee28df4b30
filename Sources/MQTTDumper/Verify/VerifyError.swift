import Glibc

/// What can stop a consumer check before it reaches a verdict, each as a sentence.
public enum VerifyError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The expectation's window opens at an event that the stimulus never published.
  case eventNotInStimulus(String)
  /// The JUnit report could not be written (the system's `errno`).
  case cannotWriteReport(path: String, errno: Int32)

  /// The sentence.
  public var description: String {
    switch self {
    case .eventNotInStimulus(let name):
      return "the stimulus has no \(name) event, so the time after it cannot be checked."
    case .cannotWriteReport(let path, let code):
      return "cannot write the report \(path): \(String(cString: strerror(code))); check the path and its permissions."
    }
  }
}
