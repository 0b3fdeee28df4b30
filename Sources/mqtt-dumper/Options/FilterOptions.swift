import ArgumentParser
import MQTTCapture
import MQTTDumper

/// The message filters shared by `print`, `samples` and `replay`.
struct FilterOptions: ParsableArguments {
  @OptionGroup var selection: TopicSelectionOptions

  @OptionGroup var window: TimeWindowOptions

  @Option(name: .long, help: "Keep the first this many messages that pass the other filters, then stop.")
  var limit: Int?

  @Option(name: .long, help: "Keep messages whose payload matches this regular expression.")
  var grep: String?

  func filter() throws -> MessageFilter {
    var f = try selection.filter()
    try window.apply(to: &f)
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

/// The files a summary speaks of: their names when three or fewer, else how many.
func fileNames(_ files: [String]) -> String {
  guard files.count <= 3 else { return formatCount(files.count, "file") }
  return files.map { $0 == "-" ? "standard input" : VisibleText.name($0, limit: Info.nameLimit) }
    .joined(separator: ", ")
}

/// Says so when filters were given and left no message: a mistyped topic must not look like a quiet capture.
func warnIfNothingMatched(_ filter: MessageFilter, messages: Int, in files: [String]) {
  guard filter.narrows, messages == 0 else { return }
  printWarning(
    "no message in \(fileNames(files)) matched the filters; `mqtt-dumper info FILE` lists its topics and time span.")
}
