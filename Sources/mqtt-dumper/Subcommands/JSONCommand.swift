import ArgumentParser
import Foundation
import MQTTCapture

struct JSONCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "json",
    abstract: "Pretty-print JSON Lines like `jq .`, changing nothing but white space.",
    discussion: """
      Each line of the input is one JSON text. Keys keep their order and numbers their spelling \
      (9.0, 1e400 and 12345678901234567890 stay as written), unlike jq and most JSON libraries; DEL and C1 \
      control characters in strings are written as \\u escapes, so that they cannot drive the terminal. \
      Gzip-compressed files (captures) are read like plain ones.

      Exit status: 0 when every line was formatted; 2 on a usage error, a file that cannot be read or is cut \
      off, or a line that is not JSON (the lines before it are written).
      """,
    helpNames: [.long])

  @Argument(help: "Files of JSON Lines, plain or gzip-compressed like captures (default: standard input).")
  var files: [String] = []

  @OptionGroup var color: ColorOption

  func run() throws {
    let formatter = JSONFormatter(colors: color.enabled ? JSONColors() : nil)
    let output = BufferedOutput()
    var cutOff = false
    do {
      for path in files.isEmpty ? ["-"] : files {
        let lines = try LineReader(path: path)
        while let line = try lines.next() {
          if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
          var failure: JSONFormatError?
          try output.append { out in
            line.withUnsafeBytes { bytes in
              guard isValidUTF8(bytes) else {
                failure = .invalid(message: "not UTF-8", offset: 0)
                return
              }
              do {
                try formatter.format(bytes, into: &out)
                out.append(0x0A)
              } catch {
                failure = error as? JSONFormatError
              }
            }
          }
          if let failure {
            try output.flush()
            printError(
              "\(path == "-" ? "standard input" : path), line \(lines.lineNumber): \(failure); fix or remove that line."
            )
            throw ExitCode.error
          }
        }
        if let truncation = lines.truncation {
          try output.flush()
          printWarning(truncation)
          cutOff = true
        }
      }
      try output.flush()
    } catch let error as CaptureError where error.isClosedPipe {
      return
    } catch let error as CaptureError {
      try? output.flush()
      printError(error)
      throw ExitCode.error
    }
    if cutOff { throw ExitCode.error }
  }
}
