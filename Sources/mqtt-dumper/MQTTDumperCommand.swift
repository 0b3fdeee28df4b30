import ArgumentParser
import Foundation
import MQTTCapture

@main
struct MQTTDumperCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mqtt-dumper",
    abstract: "Record MQTT traffic losslessly, show it, document it, play it back, simulate an OctoPrint printer, verify consumers.",
    discussion: """
      Captures are gzip-compressed JSON Lines (readable with `zcat FILE | jq`), described in docs/capture-format.md. \
      Connection options follow mosquitto_sub: -h, -p, -u, -i, -k, -V; help is --help (-h is the host).
      """,
    version: "mqtt-dumper \(MQTTDumperVersion.string)",
    subcommands: [Capture.self, Print.self, Samples.self, Replay.self, Simulate.self, Verify.self, Diff.self, Info.self, JSONCommand.self],
    // -h is --host, as in mosquitto_sub; help is --help only.
    helpNames: [.long]
  )

  static func main() {
    // Output to a closed pipe is an EPIPE error the commands handle, not a silent death.
    signal(SIGPIPE, SIG_IGN)
    // ArgumentParser's `main`, but a library error that escapes a command is shown as its user sentence.
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      exit(withError: UserFacingError.wrapping(error))
    }
  }
}
