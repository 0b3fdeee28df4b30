import ArgumentParser
import MQTTCapture

/// Writes a command's text to standard output now, so that a failed write is known and said.
///
/// A reader that went away (`| head`) ends the command quietly with status 0; any other failure (a full
/// disk) is one sentence on stderr and `failureStatus` (2 by the exit-status table: an output that cannot be
/// written).
/// - Throws: `ExitCode`: `.success` for a closed pipe, `failureStatus` when the text could not be written.
func writeOutput(_ text: String, failureStatus: Int32 = ExitCode.error.rawValue) throws {
  do {
    let output = BufferedOutput()
    try output.write(Array(text.utf8))
    try output.flush()
  } catch let error as CaptureError where error.isClosedPipe {
    throw ExitCode.success
  } catch {
    printError(error)
    throw ExitCode(failureStatus)
  }
}
