import MQTTCapture
import Yams

/// Reads a scenario's nodes into options, naming the line and field of whatever cannot be used.
struct ScenarioReader {
  func fail(_ node: Node?, _ field: String, _ problem: String) -> ScenarioError {
    ScenarioError(line: node?.mark?.line, field: field, problem: problem)
  }

  /// Refuses keys not in `allowed` (a misspelt key would silently do nothing).
  func check(_ mapping: Node.Mapping, allowed: Set<String>, at path: String) throws(ScenarioError) {
    for (key, _) in mapping {
      guard let name = key.string, allowed.contains(name) else {
        let field = path.isEmpty ? (key.string ?? "?") : "\(path).\(key.string ?? "?")"
        throw fail(key, field, "unknown field; use one of \(allowed.sorted().joined(separator: ", "))")
      }
    }
  }

  func string(_ node: Node, _ field: String) throws(ScenarioError) -> String {
    guard case .scalar(let s) = node, !s.string.isEmpty else { throw fail(node, field, "give a text value") }
    return s.string
  }

  func integer(_ node: Node, _ field: String) throws(ScenarioError) -> UInt64 {
    guard let text = node.string, let n = UInt64(text) else {
      throw fail(node, field, "'\(node.string ?? "?")' is not a whole number")
    }
    return n
  }

  func boolean(_ node: Node, _ field: String) throws(ScenarioError) -> Bool {
    switch node.string {
    case "true": return true
    case "false": return false
    default: throw fail(node, field, "'\(node.string ?? "?")' must be true or false")
    }
  }

  func number(_ node: Node, _ field: String, in range: ClosedRange<Double>) throws(ScenarioError) -> Double {
    guard let text = node.string, let n = Double(text), range.contains(n) else {
      throw fail(
        node, field, "'\(node.string ?? "?")' must be a number from \(range.lowerBound) to \(range.upperBound)")
    }
    return n
  }

  /// `30m`, `1h30m`, `90s`, `2h`: seconds.
  func duration(_ node: Node, _ field: String) throws(ScenarioError) -> Double {
    guard let text = node.string, let d = parseDuration(text), d > .zero else {
      let zero = node.string.flatMap(parseDuration) == .zero
      throw fail(
        node, field,
        "'\(node.string ?? "?")' \(zero ? "must be longer than zero" : "is not a duration"), like 20m or 1h30m")
    }
    return d / .seconds(1)
  }

  /// `40%` or `0.4`: a fraction of the job.
  func fraction(_ node: Node, _ field: String) throws(ScenarioError) -> Double {
    let text = node.string ?? ""
    let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
    guard let value, value > 0, value < 1 else {
      throw fail(node, field, "'\(text)' must be a share of the job between 0% and 100%, like 40%")
    }
    return value
  }

  func time(_ node: Node, _ field: String) throws(ScenarioError) -> Timestamp {
    let text = node.string ?? ""
    guard let t = Timestamp(rfc3339: text) else {
      throw fail(node, field, "'\(text)' is not a time like 2025-11-25T10:00:00Z")
    }
    return t
  }

  mutating func printer(_ node: Node, index i: Int, defaults: PrintJobOptions) throws(ScenarioError)
    -> Scenario.Printer
  {
    let path = "printers[\(i)]"
    guard case .mapping(let m) = node else { throw fail(node, path, "give a mapping with name: and jobs:") }
    try check(m, allowed: ["name", "jobs"], at: path)
    let name = try m["name"].map { (n) throws(ScenarioError) in try string(n, "\(path).name") } ?? "printer-\(i + 1)"
    guard !name.contains("/") && !name.contains("+") && !name.contains("#") else {
      throw fail(m["name"], "\(path).name", "'\(name)' must be one topic level, without /, + or #")
    }
    guard let list = m["jobs"], case .sequence(let steps) = list, !steps.isEmpty else {
      throw fail(m["jobs"] ?? node, "\(path).jobs", "give a list of jobs (and waits, disconnects, restarts)")
    }
    var result: [Scenario.Step] = []
    for (k, step) in steps.enumerated() {
      result.append(try self.step(step, at: "\(path).jobs[\(k)]", defaults: defaults))
    }
    guard result.contains(where: { if case .job = $0 { true } else { false } }) else {
      throw fail(list, "\(path).jobs", "give at least one job (a mapping with file: or duration:)")
    }
    return Scenario.Printer(name: name, steps: result)
  }

  static let jobFields: Set<String> = [
    "file", "size", "duration", "layers", "layer_height", "outcome", "cancel_at", "fail_at", "pause_at",
    "pause_for", "tool_temp", "bed_temp", "timelapse",
  ]

  func step(_ node: Node, at path: String, defaults: PrintJobOptions) throws(ScenarioError) -> Scenario.Step {
    guard case .mapping(let m) = node else {
      throw fail(node, path, "give a job (file:, duration:, …), wait:, disconnect: or restart:")
    }
    for single in ["wait", "disconnect", "restart"] {
      guard let value = m[single] else { continue }
      try check(m, allowed: [single], at: path)
      let seconds = try duration(value, "\(path).\(single)")
      switch single {
      case "wait": return .wait(seconds)
      case "disconnect": return .disconnect(seconds)
      default: return .restart(seconds)
      }
    }
    try check(m, allowed: Self.jobFields, at: path)
    var o = defaults
    if let n = m["file"] { o.fileName = try string(n, "\(path).file") }
    if let n = m["size"] { o.fileSize = Int(try integer(n, "\(path).size")) }
    if let n = m["duration"] {
      o.duration = try duration(n, "\(path).duration")
      guard o.duration >= 30 else { throw fail(n, "\(path).duration", "a job lasts at least 30s") }
    }
    if let n = m["layers"] { o.layers = Int(try number(n, "\(path).layers", in: 1...100_000)) }
    if let n = m["layer_height"] { o.layerHeight = try number(n, "\(path).layer_height", in: 0.01...2) }
    if let n = m["tool_temp"] { o.toolTemperature = try number(n, "\(path).tool_temp", in: 0...500) }
    if let n = m["bed_temp"] { o.bedTemperature = try number(n, "\(path).bed_temp", in: 0...150) }
    if let n = m["timelapse"] {
      guard let text = n.string, ["zchange", "off"].contains(text) else {
        throw fail(n, "\(path).timelapse", "use zchange or off")
      }
      o.timelapse = text == "zchange"
    }
    var outcome: PrintJobOptions.Outcome = .done
    if let n = m["outcome"] {
      guard let text = n.string, let value = PrintJobOptions.Outcome(rawValue: text) else {
        throw fail(
          n, "\(path).outcome", "'\(n.string ?? "?")' is not an outcome; use done, cancelled, paused-resumed or failed")
      }
      outcome = value
    }
    if let n = m["cancel_at"] {
      o.stopAt = try fraction(n, "\(path).cancel_at")
      outcome = .cancelled
    }
    if let n = m["fail_at"] {
      guard m["cancel_at"] == nil else {
        throw fail(n, "\(path).fail_at", "a job is either cancelled or fails; give cancel_at or fail_at")
      }
      o.stopAt = try fraction(n, "\(path).fail_at")
      outcome = .failed
    }
    if let n = m["pause_at"] {
      guard o.stopAt == nil else {
        throw fail(n, "\(path).pause_at", "a paused job prints to its end here; drop cancel_at/fail_at")
      }
      o.pauseAt = try fraction(n, "\(path).pause_at")
      outcome = .pausedResumed
    }
    if let n = m["pause_for"] {
      guard o.pauseAt != nil || outcome == .pausedResumed else {
        throw fail(n, "\(path).pause_for", "give pause_at (where the job pauses) with pause_for")
      }
      o.pauseLength = try duration(n, "\(path).pause_for")
    }
    o.outcome = outcome
    return .job(o)
  }
}
