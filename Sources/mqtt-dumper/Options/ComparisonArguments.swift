import ArgumentParser
import MQTTCapture

/// How captures are compared, shared by `diff` and `verify`.
struct ComparisonArguments: ParsableArguments {
  @Option(name: .long, help: "Leave this JSON field out of the comparison, e.g. _timestamp or position.x (repeatable).")
  var ignoreField: [String] = []

  @Flag(name: .long, help: "Compare payloads byte for byte.")
  var exact = false

  /// The library's options; `compareFlags` false leaves QoS and retain flags out.
  func options(compareFlags: Bool = true) -> ComparisonOptions {
    ComparisonOptions(exact: exact, ignoredFields: ignoreField, compareFlags: compareFlags)
  }
}
