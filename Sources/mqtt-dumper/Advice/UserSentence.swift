import MQTTCapture
import MQTTDumper

// The libraries say what went wrong and what to do in their own terms; the command line knows which of
// its flags does that, and says so instead. Every error the user sees goes through `userSentence(for:)`:
// `printError` for the errors a command catches, `MQTTDumperCommand.main` for those that escape.

/// The one sentence the user sees for `error`.
func userSentence(for error: any Error) -> String {
  switch error {
  case let error as MQTTError: return error.userSentence
  case let error as CaptureError: return error.userSentence
  default: return "\(error)"
  }
}

/// An error of the libraries on its way out of `main`, carrying the sentence ArgumentParser then prints.
struct UserFacingError: Error, CustomStringConvertible {
  let description: String

  /// `error` with its user sentence, if it is one of the libraries'; any other error as it is.
  static func wrapping(_ error: any Error) -> any Error {
    error is MQTTError || error is CaptureError ? UserFacingError(description: userSentence(for: error)) : error
  }
}
