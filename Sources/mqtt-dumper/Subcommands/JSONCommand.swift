import ArgumentParser
import Foundation
import MQTTCapture

struct JSONCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "json",
    abstract: "Pretty-print JSON like `jq .`, changing nothing but white space.",
    discussion: """
      The input is any number of JSON values separated by white space, as jq reads it: JSON Lines, several values on a line, or one value over many lines. Keys keep their order and numbers their spelling \
      (9.0, 1e400 and 12345678901234567890 stay as written), unlike jq and most JSON libraries; DEL and C1 \
      control characters in strings are written as \\u escapes, so that they cannot drive the terminal. \
      Gzip-compressed files (captures) are read like plain ones.

      Examples:
        mqtt-dumper json payload.json
        mqtt-dumper json -c capture.jsonl.gz
        echo '{"a": 1} {"b": 2}' | mqtt-dumper json --indent 4

      Exit status: 0 when every value was formatted; 2 on a usage error, a file that cannot be read or is cut \
      off, or text that is not JSON (the values before it are written).
      """,
    helpNames: [.long])

  @Argument(help: "Files of JSON Lines, plain or gzip-compressed like captures (default: standard input).")
  var files: [String] = []

  @Flag(name: [.customShort("c"), .long], help: "One line per value, without spaces, like jq -c.")
  var compact = false

  @Option(name: .long, help: "Spaces per level, 0 to 7 (default 2; 0 is --compact, as in jq).")
  var indent: Int?

  @OptionGroup var color: ColorOption

  func validate() throws {
    guard validating else { return }
    if let indent, !(0...7).contains(indent) { throw ValidationError("--indent must be from 0 to 7, not \(indent).") }
    if compact, let indent, indent != 0 {
      throw ValidationError("--compact and --indent \(indent) contradict each other; choose one.")
    }
  }

  func run() throws {
    var formatter = JSONFormatter(colors: color.enabled ? JSONColors() : nil)
    formatter.indent = indent ?? 2
    formatter.compact = compact || indent == 0
    let output = BufferedOutput()
    var cutOff = false
    do {
      for path in files.isEmpty ? ["-"] : files {
        let lines = try LineReader(path: path)
        var values = JSONSequenceFormatter(formatter: formatter)
        var failure: JSONSequenceFormatter.Failure?
        while failure == nil, let line = try lines.next() {
          try output.append { out in
            line.withUnsafeBytes { bytes in
              guard isValidUTF8(bytes) else {
                failure = .init(line: lines.lineNumber, error: .invalid(message: "not UTF-8", offset: 0))
                return
              }
              do {
                try values.append(line: bytes, to: &out)
              } catch {
                failure = error as? JSONSequenceFormatter.Failure
              }
            }
          }
        }
        if failure == nil {
          try output.append { out in
            do {
              try values.finish(to: &out)
            } catch {
              failure = error as? JSONSequenceFormatter.Failure
            }
          }
        }
        if let failure {
          try output.flush()
          printError(
            "\(CaptureError.shown(path)), line \(failure.line): \(failure.error); fix or remove that text."
          )
          throw ExitCode.error
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
