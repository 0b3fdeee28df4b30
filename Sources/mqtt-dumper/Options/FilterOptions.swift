import ArgumentParser
import MQTTCapture
import MQTTDumper

/// The message filters shared by `print` and `samples`.
struct FilterOptions: ParsableArguments {
  @OptionGroup var selection: TopicSelectionOptions

  @Option(
    name: .long,
    help:
      "From this time: an offset from the start (10m), 2025-11-25 11:07 (local), 2025-11-25T11:07:36Z, or @UNIX-SECONDS."
  )
  var since: String?

  @Option(name: .long, help: "Until this time (same forms as --since).")
  var until: String?

  @Option(name: .long, help: "Stop after this many messages.")
  var limit: Int?

  @Option(name: .long, help: "Keep messages whose payload matches this regular expression.")
  var grep: String?

  func validate() throws {
    guard validating else { return }
    try checkTimeWindow(
      since: try since.map { try parseTimeBound($0, flag: "--since") },
      until: try until.map { try parseTimeBound($0, flag: "--until") }, sinceFlag: "--since", untilFlag: "--until",
      texts: (since ?? "", until ?? ""))
  }

  func filter() throws -> MessageFilter {
    var f = try selection.filter()
    f.since = try since.map { try parseTimeBound($0, flag: "--since") }
    f.until = try until.map { try parseTimeBound($0, flag: "--until") }
    if let limit {
      guard limit >= 1 else { throw ValidationError("--limit must be at least 1.") }
      f.limit = limit
    }
    if let grep {
      do {
        f.grep = try Regex(grep)
      } catch {
        throw ValidationError("--grep '\(grep)' is not a valid regular expression: \(error).")
      }
    }
    return f
  }
}
