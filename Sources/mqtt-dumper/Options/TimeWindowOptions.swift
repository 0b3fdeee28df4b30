import ArgumentParser
import MQTTCapture

/// `--since` and `--until`: the time window of `print`, `samples` and `replay`. `--from` and `--to`, the names
/// `replay` had, are hidden aliases of them; giving both names of one bound is an error.
struct TimeWindowOptions: ParsableArguments {
  @Option(
    name: .long,
    help:
      "From this time: an offset from the start (10m), 2025-11-25 11:07 (local), 2025-11-25T11:07:36Z, or @UNIX-SECONDS."
  )
  var since: String?

  @Option(name: .long, help: "Until this time (same forms as --since).")
  var until: String?

  @Option(name: .long, help: .hidden)
  var from: String?

  @Option(name: .long, help: .hidden)
  var to: String?

  /// The start as given, with the flag it was given with (`--since`, or its alias `--from`).
  var start: (text: String, flag: String)? { since.map { ($0, "--since") } ?? from.map { ($0, "--from") } }
  /// The end as given, with the flag it was given with (`--until`, or its alias `--to`).
  var end: (text: String, flag: String)? { until.map { ($0, "--until") } ?? to.map { ($0, "--to") } }

  /// The window as the user wrote it (`--since 10m --until 20m`), or nil when none was given.
  var given: String? {
    let parts = [start, end].compactMap { $0.map { "\($0.flag) \($0.text)" } }
    return parts.isEmpty ? nil : parts.joined(separator: " ")
  }

  func validate() throws {
    guard validating else { return }
    if since != nil && from != nil { throw ValidationError("--from is another name for --since; give only one.") }
    if until != nil && to != nil { throw ValidationError("--to is another name for --until; give only one.") }
    try checkTimeWindow(
      since: try start.map { try parseTimeBound($0.text, flag: $0.flag) },
      until: try end.map { try parseTimeBound($0.text, flag: $0.flag) }, sinceFlag: start?.flag ?? "--since",
      untilFlag: end?.flag ?? "--until", texts: (start?.text ?? "", end?.text ?? ""))
  }

  /// Sets `filter`'s time window.
  /// - Throws: `ValidationError` for a bound that is not a time.
  func apply(to filter: inout MessageFilter) throws {
    filter.since = try start.map { try parseTimeBound($0.text, flag: $0.flag) }
    filter.until = try end.map { try parseTimeBound($0.text, flag: $0.flag) }
  }
}
