import MQTTCapture
import Yams

/// A simulation written down: printers, each with a queue of jobs and what happens between them — the
/// printer disconnecting, OctoPrint dying (the broker's last will) and starting again (`--scenario FILE`,
/// YAML; docs/simulation.md).
public struct Scenario: Sendable {
  /// One thing a printer does, in its queue's order.
  public enum Step: Sendable {
    /// A print job, as `simulate print-job`'s options describe one.
    case job(PrintJobOptions)
    /// The printer idles this many seconds.
    case wait(Double)
    /// OctoPrint disconnects from the printer; the next job reconnects after this many seconds.
    case disconnect(Double)
    /// OctoPrint dies (the broker publishes its last will) and starts again after this many seconds.
    case restart(Double)
  }

  /// One printer: its name (its topics are `<base>/<name>` when there are several) and its queue.
  public struct Printer: Sendable {
    /// The printer's name in topics.
    public var name: String
    /// What it does, in order.
    public var steps: [Step]
  }

  /// Seeds every random choice; nil: the command line's `--seed`.
  public var seed: UInt64?
  /// When the scenario starts; nil: the `--start` given, or now.
  public var start: Timestamp?
  /// The printers.
  public var printers: [Printer] = []
  /// Every printer's OctoPrint also runs the Home Assistant companion (`homeassistant: true`, like
  /// `--homeassistant`).
  public var homeAssistant = false
}

/// A scenario file that cannot be used: where, and what is wrong.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
  /// The line (1-based), when known.
  public var line: Int?
  /// The field, as a path (`printers[0].jobs[2].duration`), when known.
  public var field: String?
  /// What is wrong and what to write instead.
  public var problem: String

  /// `line 7: printers[0].jobs[1].duration: '20 minutes' is not a duration, like 20m or 1h30m`.
  public var description: String {
    var parts: [String] = []
    if let line { parts.append("line \(line)") }
    if let field { parts.append(field) }
    return (parts + [problem]).joined(separator: ": ")
  }
}

extension Scenario {
  /// Reads a scenario from YAML, starting from `defaults` for every job (the command line's options).
  /// - Throws: `ScenarioError` naming the line and field of the first thing that cannot be used.
  public init(yaml: String, defaults: PrintJobOptions = PrintJobOptions()) throws(ScenarioError) {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw ScenarioError(
        line: Self.line(of: error), field: nil, problem: "it is not YAML (\(Self.problem(of: error)))")
    } catch {
      throw ScenarioError(line: nil, field: nil, problem: "it is not YAML (\(error))")
    }
    guard let root, case .mapping(let top) = root else {
      throw ScenarioError(
        line: root?.mark?.line, field: nil, problem: "it must be a mapping with printers: (see docs/simulation.md)")
    }
    var reader = ScenarioReader()
    try reader.check(top, allowed: ["seed", "start", "homeassistant", "printers"], at: "")
    if let node = top["seed"] { seed = try reader.integer(node, "seed") }
    if let node = top["start"] { start = try reader.time(node, "start") }
    if let node = top["homeassistant"] {
      homeAssistant = try reader.boolean(node, "homeassistant")
      guard !homeAssistant || defaults.plugin == .current else {
        throw ScenarioError(
          line: node.mark?.line, field: "homeassistant",
          problem: "the companion needs the current plugin (OctoPrint-MQTT 0.8); drop --plugin 2017")
      }
    }
    guard let list = top["printers"], case .sequence(let printers) = list, !printers.isEmpty else {
      throw ScenarioError(
        line: top["printers"]?.mark?.line ?? root.mark?.line, field: "printers",
        problem: "give a list of printers, each with jobs:")
    }
    var names: Set<String> = []
    for (i, node) in printers.enumerated() {
      let printer = try reader.printer(node, index: i, defaults: defaults)
      guard names.insert(printer.name).inserted else {
        throw ScenarioError(
          line: node.mark?.line, field: "printers[\(i)].name",
          problem: "'\(printer.name)' names two printers; give each its own name")
      }
      self.printers.append(printer)
    }
  }

  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
    default: nil
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
    case .duplicatedKeysInMapping(let duplicates, _): "the key \(duplicates.joined(separator: ", ")) is given twice"
    default: "\(error)"
    }
  }
}
