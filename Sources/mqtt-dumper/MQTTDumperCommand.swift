import ArgumentParser
import Foundation
import MQTTCapture
import Synchronization

@main
struct MQTTDumperCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mqtt-dumper",
    abstract:
      "Record MQTT traffic losslessly, show it, document it, play it back, simulate an OctoPrint printer, verify consumers.",
    discussion: """
      Captures are gzip-compressed JSON Lines (readable with `zcat FILE | jq`), described in docs/capture-format.md. \
      Connection options follow mosquitto_sub: -h, -p, -u, -i, -k, -V; help is --help (-h is the host).

      \(ExitCode.table)
      """,
    version: "mqtt-dumper \(MQTTDumperVersion.string)",
    subcommands: [
      Capture.self, Print.self, Samples.self, Report.self, Replay.self, Simulate.self, Verify.self, Diff.self,
      Info.self, Stats.self, Schema.self, Check.self, Merge.self, Convert.self, JSONCommand.self,
    ],
    // -h is --host, as in mosquitto_sub; help is --help only.
    helpNames: [.long]
  )

  static func main() {
    // Output to a closed pipe is an EPIPE error the commands handle, not a silent death.
    signal(SIGPIPE, SIG_IGN)
    // ArgumentParser's `main`, in the tool's voice: every error is `mqtt-dumper: error: <sentence>`, and
    // usage errors (argument-parser's own included) exit with the usage status of the table, not 64.
    var command: any ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      exit(reporting: syntaxError() ?? error, usage: nil)
    }
    do {
      try command.run()
    } catch {
      exit(reporting: error, usage: type(of: command))
    }
  }

  /// Prints what `error` says and exits with its status: help and `--version` on stdout with 0, an
  /// `ExitCode` silently, a usage error with the usage hint, anything else as its sentence.
  /// - Parameter usage: the command that ran, for the usage hint of a `ValidationError` it threw.
  private static func exit(reporting error: any Error, usage command: (any ParsableCommand.Type)?) -> Never {
    if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
    let code = exitCode(for: error)
    if code == .success {
      print(fullMessage(for: error))
      Foundation.exit(0)
    }
    var text: String
    if code == .validationFailure {
      let message = message(for: error)
      text = "mqtt-dumper: error: \(sentence(message))\n"
      if let command, error is ValidationError {
        text += "Usage: \(usageString(for: command))\n  See '\(commandPath(command)) --help' for more information.\n"
      } else {
        // argument-parser's text after its own "Error: <message>" line: the help and usage lines.
        let full = fullMessage(for: error)
        let own = "Error: \(message)\n"
        text += full.hasPrefix(own) ? String(full.dropFirst(own.count)) : full
        if !text.hasSuffix("\n") { text += "\n" }
      }
    } else {
      text = "mqtt-dumper: error: \(sentence(userSentence(for: error)))\n"
    }
    writeToStandardError(text)
    Foundation.exit(ExitCode.error.rawValue)
  }

  /// argument-parser's own usage error (an unknown option, a value of the wrong type), if the arguments have
  /// one: argument-parser calls the commands' `validate()` before it looks for those, so parse again
  /// without validation to find them, and report them first.
  private static func syntaxError() -> (any Error)? {
    skipValidation.store(true, ordering: .relaxed)
    defer { skipValidation.store(false, ordering: .relaxed) }
    do {
      _ = try parseAsRoot()
      return nil
    } catch {
      return exitCode(for: error) == .validationFailure ? error : nil
    }
  }

  /// `message` in the tool's voice: argument-parser's "Unknown option '--x'" becomes "unknown option '--x'.".
  static func sentence(_ message: String) -> String {
    var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
    let letters = Array(text.prefix(2))
    if letters.count == 2, letters[0].isUppercase, letters[1].isLowercase {
      text = letters[0].lowercased() + text.dropFirst()
    }
    if let last = text.last, !".?!".contains(last) { text += "." }
    return text
  }

  /// `mqtt-dumper simulate print-job`: the words that run `command`.
  static func commandPath(_ command: any ParsableCommand.Type) -> String {
    func path(from node: any ParsableCommand.Type, _ words: [String]) -> [String]? {
      let words = words + [node._commandName]
      if node == command { return words }
      for sub in node.configuration.subcommands {
        if let found = path(from: sub, words) { return found }
      }
      return nil
    }
    return (path(from: self, []) ?? [_commandName, command._commandName]).joined(separator: " ")
  }
}

/// True while `main` parses only to find argument-parser's own errors: every `validate()` then passes.
private let skipValidation = Atomic<Bool>(false)

/// Whether `validate()` methods should check (they begin with `guard validating else { return }`).
var validating: Bool { !skipValidation.load(ordering: .relaxed) }

extension ExitCode {
  /// 1: what the command exists to find: `diff`, the captures differ; `verify`, the consumer failed;
  /// `check`, a message does not validate.
  static let difference = ExitCode(1)
  /// 2: a usage error, an input or output file that cannot be used, or a broker error.
  static let error = ExitCode(2)

  /// The exit-status table, as every `--help` shows it.
  static let table = """
    Exit status: 0 success; 1 a difference (diff: the captures differ; verify: the consumer failed the \
    check; check: a message does not validate); 2 a usage error, an input or output file that cannot be used (cut off, corrupt, exists), or a \
    broker error (unreachable, refused, gone for good).
    """
}
