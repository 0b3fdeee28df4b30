import ArgumentParser
import Foundation
import MQTTCapture
import MQTTDumper

struct Print: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show captures (or, with --live, a broker's traffic) readably.",
    discussion: """
      JSON payloads are pretty-printed without changing anything but white space: keys keep their \
      order and numbers their spelling (9.0 stays 9.0). Other text is shown as text, binary payloads \
      as a hex dump, each cut at 64 KiB unless --max-bytes says otherwise. Control characters are shown \
      as \\x1b and C1 controls as \\u{9B}, and in topics also bidi and zero-width characters (\\u{202E}), so \
      that a capture cannot drive the terminal.

      Examples:
        mqtt-dumper print print.jsonl.gz --since 10m \\
          -t 'octoPrint/event/#' --limit 20
        mqtt-dumper print print.jsonl.gz --compact | grep ZChange
        mqtt-dumper print print.jsonl.gz --format jsonl \\
          -t 'octoPrint/temperature/+' > temps.jsonl
        mqtt-dumper print --live -h octopi.local -t 'octoPrint/#'
        mqtt-dumper print --live -t 'octoPrint/temperature/#' \\
          -C 10 -W 1m

      Exit status: 0 when every file was shown (with --live: when it stopped as asked, by Ctrl-C, -C, -W or \
      --limit); 2 on a usage error, a file that cannot be read, is not a \
      capture, is corrupt or cut off (shown up to the damage), or a broker error (--live).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files (- for standard input). None with --live.")
  var files: [String] = []

  @Flag(name: .long, help: "Subscribe to a broker and show its messages as they arrive.")
  var live = false

  @OptionGroup(title: "Display") var display: DisplayOptions
  @OptionGroup(title: "Filters") var filters: FilterOptions
  @OptionGroup(title: "Stop (with --live)") var stop: StopOptions
  @OptionGroup(title: "Connection (with --live)") var connection: ConnectionArguments

  func validate() throws {
    guard validating else { return }
    if live && !files.isEmpty { throw ValidationError("--live shows a broker's traffic; give no files with it.") }
    if !live && files.isEmpty {
      throw ValidationError("name a capture file to print, or use --live to watch a broker.")
    }
    if !live && connection.isGiven {
      throw ValidationError("connection options go with --live; a capture file needs none.")
    }
    if !live && stop.isGiven {
      throw ValidationError("-C and -W go with --live; for a capture file use --limit and --until.")
    }
  }

  func run() throws {
    var printer = display.printer()
    var filter = try filters.filter()
    let output = BufferedOutput()
    do {
      if live {
        try runLive(printer: printer, filter: filter, output: output)
      } else {
        var failed = false
        for path in files {
          do {
            // A cut-off file is shown in full, then said, and the exit status says so too.
            if try !printFile(path, printer: &printer, filter: &filter, output: output) { failed = true }
          } catch let error as CaptureError where !error.isWriteFailure {
            try output.flush()
            printError(error)
            failed = true
          }
          if filter.isExhausted { break }
        }
        try output.flush()
        warnIfNothingMatched(filter, messages: filter.accepted, in: files)
        if failed { throw ExitCode.error }
      }
    } catch let error as CaptureError where error.isClosedPipe {
      return  // the reader went away (| head): not an error
    } catch let error as CaptureError where error.isWriteFailure {
      printError(error)  // a full disk: the output is incomplete
      throw ExitCode.error
    }
  }

  /// - Returns: false when the file was cut off.
  private func printFile(
    _ path: String, printer: inout MessagePrinter, filter: inout MessageFilter, output: BufferedOutput
  ) throws -> Bool {
    let reader = try CaptureReader(path: path)
    try output.append { printer.append(reader.header, path: path, to: &$0) }
    while !filter.isExhausted, let record = try reader.next() {
      switch record {
      case .message(let m):
        if filter.accept(m) { try output.append { printer.append(m, to: &$0) } }
      case .event(let e):
        try output.append { printer.append(e, to: &$0) }
      case .header(let h):  // a session added with --append
        try output.append { printer.append(h, path: path, to: &$0) }
      }
    }
    if let truncation = reader.truncation {
      try output.flush()
      printWarning(truncation)
      return false
    }
    return true
  }

  private func runLive(printer: MessagePrinter, filter: MessageFilter, output: BufferedOutput) throws {
    var config = CaptureConfiguration()
    config.connection = try connection.options()
    // Subscribe to what will be shown; the filter then only narrows.
    config.filters = filters.selection.topics.isEmpty ? ["#"] : filters.selection.topics
    config.qos = .exactlyOnce
    config.output = "-"
    config.duration = stop.duration.flatMap(parseDuration)
    installStopHandlers()
    // -C counts the messages shown, as --limit does: the filter may leave out some that arrive.
    var filter = filter
    if let count = stop.count { filter.limit = min(filter.limit ?? count, count) }
    let sink = LiveSink(printer: printer, filter: filter, output: output)
    do {
      let session = try CaptureSession(configuration: config)
      _ = try session.run(
        shouldStop: { stopRequested.load(ordering: .relaxed) || sink.isExhausted }, openSink: { _ in sink })
    } catch let error as CaptureError where error.isClosedPipe {
      return
    } catch {
      try? output.flush()
      printError(error)
      throw ExitCode.error
    }
  }
}

/// Shows messages as a capture session receives them.
final class LiveSink: CaptureSink {
  private var printer: MessagePrinter
  private var filter: MessageFilter
  private let output: BufferedOutput
  private var count = 0
  var isExhausted: Bool { filter.isExhausted }

  init(printer: MessagePrinter, filter: MessageFilter, output: BufferedOutput) {
    self.printer = printer
    self.filter = filter
    self.output = output
  }

  func writeMessage(
    timestamp: Timestamp, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: MQTTQoS, retain: Bool,
    properties: MQTTProperties
  ) throws {
    try write(
      CapturedMessage(
        timestamp: timestamp, topic: String(decoding: topic, as: UTF8.self), payload: Array(payload), qos: qos,
        retain: retain, properties: properties))
  }

  func write(_ message: CapturedMessage) throws {
    guard filter.accept(message) else { return }
    count += 1
    try output.append { printer.append(message, to: &$0) }
  }

  func write(_ event: ConnectionEvent) throws {
    try output.append { printer.append(event, to: &$0) }
  }

  func flushIfDue() throws { try output.flush() }
  func flush() throws { try output.flush() }
  func close() throws { try output.flush() }
  var fileBytes: UInt64 { 0 }
  var uncompressedBytes: UInt64 { 0 }
  var paths: [String] { ["-"] }
}
