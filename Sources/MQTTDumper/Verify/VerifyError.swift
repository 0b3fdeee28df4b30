/// What can stop a consumer check before it reaches a verdict, each as a sentence.
public enum VerifyError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The expectation's window opens at an event that the stimulus never published.
  case eventNotInStimulus(String)

  /// The sentence.
  public var description: String {
    switch self {
    case .eventNotInStimulus(let name):
      return "the stimulus has no \(name) event, so the time after it cannot be checked."
    }
  }
}
