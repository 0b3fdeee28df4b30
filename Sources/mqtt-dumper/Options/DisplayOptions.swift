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

  @Option(name: .long, help: "Show at most this many bytes of each payload.")
  var maxBytes: Int?

  @OptionGroup var color: ColorOption

  func validate() throws {
    guard validating else { return }
    if compact && format != nil && format != .compact {
      throw ValidationError("--compact and --format \(format!.rawValue) contradict each other; choose one.")
    }
    if let maxBytes, maxBytes < 1 { throw ValidationError("--max-bytes must be at least 1.") }
  }

  func printer() -> MessagePrinter {
    let colors = color.enabled && format != .jsonl
    var formatter = JSONFormatter()
    if colors { formatter.colors = JSONColors() }
    var renderer = PayloadRenderer(formatter: formatter, maxBytes: maxBytes)
    if colors { renderer.dim = "\u{1B}[2m" }
    var printer = MessagePrinter(layout: compact ? .compact : (format ?? .pretty), renderer: renderer)
    printer.utc = utc
    if colors {
      printer.topicColor = "\u{1B}[1;33m"
      printer.dimColor = "\u{1B}[2m"
    }
    return printer
  }
}

extension MessagePrinter.Layout: ExpressibleByArgument {}
