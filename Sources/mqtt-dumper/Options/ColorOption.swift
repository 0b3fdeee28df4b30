import ArgumentParser
import Foundation

/// `--color`: whether output is coloured (`print`, `json`).
struct ColorOption: ParsableArguments {
  /// The choices of `--color`.
  enum Choice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
  }

  @Option(name: .long, help: "When to colour; auto: on a terminal, unless NO_COLOR is set.")
  var color: Choice = .auto

  /// Whether to colour: `auto` colours when standard output is a terminal and NO_COLOR is not set.
  var enabled: Bool {
    switch color {
    case .always: return true
    case .never: return false
    case .auto:
      let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
      return isatty(STDOUT_FILENO) == 1 && !noColor
    }
  }
}
