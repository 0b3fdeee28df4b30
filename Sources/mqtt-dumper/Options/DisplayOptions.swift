import ArgumentParser
import MQTTCapture
import MQTTDumper

/// The options that decide how messages look, shared by `print` and `print --live`.
struct DisplayOptions: ParsableArguments {
  @Flag(name: .long, help: "One line per message: topic and payload, like mosquitto_sub -v.")
  var compact = false

  @Option(name: .long, help: "pretty (default), compact, or jsonl (capture lines, for pipes).")
  var format: MessagePrinter.Layout?

  @Flag(name: .long, help: "Show times in UTC instead of local time.")
  var utc = false

  @Option(
    name: .long,
    help: """
      Show at most this many bytes of each payload, then how many were left out; not for jsonl. \
      0 shows all, topics too (else cut at 200 characters).
      """)
  var maxBytes = DisplayOptions.defaultMaxBytes

  /// 64 KiB: a screenful of hex dump many times over, and a 50 MB payload no longer floods the terminal.
  static let defaultMaxBytes = 65_536

  @OptionGroup var color: ColorOption

  func validate() throws {
    guard validating else { return }
    if compact && format != nil && format != .compact {
      throw ValidationError("--compact and --format \(format!.rawValue) contradict each other; choose one.")
    }
    if maxBytes < 0 { throw ValidationError("--max-bytes must be 0 (all) or more.") }
  }

  func printer() -> MessagePrinter {
    let colors = color.enabled && format != .jsonl
    var formatter = JSONFormatter()
    if colors { formatter.colors = JSONColors() }
    var renderer = PayloadRenderer(formatter: formatter, maxBytes: maxBytes == 0 ? nil : maxBytes)
    renderer.cutHint = " (--max-bytes 0 shows all)"
    if colors { renderer.dim = "\u{1B}[2m" }
    var printer = MessagePrinter(layout: compact ? .compact : (format ?? .pretty), renderer: renderer)
    printer.utc = utc
    printer.topicLimit = maxBytes == 0 ? nil : Info.nameLimit
    if colors {
      printer.topicColor = "\u{1B}[1;33m"
      printer.dimColor = "\u{1B}[2m"
    }
    return printer
  }
}

extension MessagePrinter.Layout: ExpressibleByArgument {}
