import ArgumentParser
import Foundation
import MQTTCapture
import MQTTPcap

struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Convert other tools' recordings into a capture, and captures into CSV or mosquitto_sub JSON.",
    discussion: """
      Reads (--from, told from the file's start when not given): capture, mosquitto-json \
      (mosquitto_sub -F %j or %J), mosquitto-verbose (mosquitto_sub -v), mqtt-recorder (mqtt_recorder CSV; \
      mqtt-recorder-text or mqtt-recorder-base64 say how its payloads are written), hivemq-json (HiveMQ \
      mqtt-cli sub -J), csv (what --to csv writes, told by its header row; properties are lost on the way) and \
      pcap (pcap or pcapng; --direction from-publishers, the default, or to-subscribers). Gzip input is read \
      everywhere; standard input (-) needs --from.

      Writes (--to): capture (gzip for a .gz name), csv (time, topic, qos, retain, encoding, payload: text, \
      or base64 when not plain UTF-8; convert reads it back) or mosquitto-json (%j lines, which convert reads \
      back). A capture's header names the broker, protocol and subscriptions when the input tells them (a \
      capture keeps its own; a pcap tells what its packets before the first message did), else unknown.

      What a format cannot hold is said on stderr, one warning a line. A capture converted into a capture \
      keeps its connection events. The output is written as OUT.partial-PID and renamed to OUT when \
      finished, as merge does: Ctrl-C or a failure removes it (a symbolic link, a file with other links or \
      another owner, a device or a pipe is written in place).

      Examples:
        mqtt-dumper convert sub.jsonl -o sub.jsonl.gz
        mqtt-dumper convert rec.csv --from mqtt-recorder-base64 \\
          -o rec.jsonl.gz
        mqtt-dumper convert print.jsonl.gz --to csv -o print.csv
        mqtt-dumper convert lo.pcap -o lo.jsonl.gz

      Exit status: 0 when converted; 2 on a usage error, an existing output (without --force), or an input \
      that cannot be read, whose format is unknown, or that is damaged or cut off (one sentence with the \
      file and line; the messages before it are converted).
      """,
    helpNames: [.long])

  @Argument(help: "The recording to convert (- for standard input, with --from).")
  var input: String

  @Option(name: [.customShort("o"), .long], help: "The converted file (- for standard output).")
  var output: String

  @Option(name: .long, help: "The input's format (default: told from its start).")
  var from: String?

  @Option(name: .long, help: "The output's format: capture, csv or mosquitto-json.")
  var to: String = "capture"

  @Option(name: .long, help: "For pcap input: from-publishers (default) or to-subscribers.")
  var direction: String?

  @Flag(name: .long, help: "Replace the output file if it exists.")
  var force = false

  @Flag(name: .long, help: "No summary.")
  var quiet = false

  func validate() throws {
    guard validating else { return }
    if let from, ConvertFormat(rawValue: from) == nil {
      let names = ConvertFormat.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("--from '\(from)' must be one of \(names).")
    }
    guard ConvertOutputFormat(rawValue: to) != nil else {
      let names = ConvertOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("--to '\(to)' must be one of \(names).")
    }
    if let direction, PcapDirection(rawValue: direction) == nil {
      throw ValidationError("--direction '\(direction)' must be from-publishers or to-subscribers.")
    }
    if input == "-" && from == nil {
      throw ValidationError("standard input can be read once, so its format cannot be told: give --from.")
    }
    if direction != nil, let from, from != ConvertFormat.pcap.rawValue {
      throw ValidationError("--direction is for pcap input only, not --from \(from).")
    }
  }

  func run() throws {
    try checkOutput(output, inputs: [input], force: force)
    removeStagedFilesOnSignal()
    warnAboutLeftoverPartials(output)
    let summary: Conversion.Summary
    let format: ConvertFormat
    do {
      format = try from.flatMap(ConvertFormat.init(rawValue:)) ?? ConvertFormat.detect(path: input)
      if direction != nil && format != .pcap {
        printError("--direction is for pcap input only; \(input) is \(format.rawValue).")
        throw ExitCode.error
      }
      let recording =
        try format.open(path: input)
        ?? PcapRecording(path: input, direction: direction.flatMap(PcapDirection.init(rawValue:)) ?? .fromPublishers)
      let out = try ConvertOutputFormat(rawValue: to)!.open(path: output, replace: force, source: input)
      summary = try Conversion.run(recording, into: out)
    } catch let error as CaptureError where error.isClosedPipe {
      return
    } catch let error as ExitCode {
      throw error
    } catch {
      printError(error)
      throw ExitCode.error
    }
    for loss in summary.losses { printWarning(loss.hasSuffix(".") ? loss : loss + ".") }
    if !quiet {
      writeToStandardError(
        "mqtt-dumper: converted \(formatCount(summary.messages, "message")) from \(format.rawValue) to \(to)"
          + (output == "-" ? "" : " in \(output)") + "\n")
    }
    if summary.cutOff { throw ExitCode.error }
  }
}
