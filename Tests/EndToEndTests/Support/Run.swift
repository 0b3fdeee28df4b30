import Foundation
import MQTTCapture

/// The result of a finished command.
struct Finished {
  var status: Int32
  var stdout: Data
  var stderr: String
  var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// The built `mqtt-dumper` binary (built by `swift build` before the tests; `make test` does).
func toolPath() throws -> String {
  if let env = ProcessInfo.processInfo.environment["MQTT_DUMPER_BIN"] { return env }
  var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = dir.appendingPathComponent("mqtt-dumper").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    dir = dir.deletingLastPathComponent()
  }
  let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/mqtt-dumper"
  guard FileManager.default.isExecutableFile(atPath: fallback) else {
    throw TestFailure("mqtt-dumper is not built; run `swift build` first (make test does)")
  }
  return fallback
}

/// A process started in the background, with its output collected.
///
/// Foundation starts it in a process group of its own; signals go to the whole group, and when the process
/// has ended (or this object goes away) whatever it started and left behind in its group is killed, so a
/// script's children (a consumer's mosquitto_sub) never outlive the test.
final class Running: @unchecked Sendable {
  let process = Process()
  private let out = Pipe()
  private let err = Pipe()
  private var outData = Data()
  private var errData = Data()
  private let lock = NSLock()

  init(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = err
    if let environment {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    out.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      guard let self else { return }
      self.lock.lock()
      self.outData.append(d)
      self.lock.unlock()
    }
    err.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      guard let self else { return }
      self.lock.lock()
      self.errData.append(d)
      self.lock.unlock()
    }
    unblockStopSignals()
    try process.run()
    if let stdin {
      input.fileHandleForWriting.write(stdin)
      try input.fileHandleForWriting.close()
    }
  }

  var pid: Int32 { process.processIdentifier }

  /// What the process wrote to stdout so far.
  var stdoutSoFar: Data {
    lock.lock()
    defer { lock.unlock() }
    return outData
  }

  /// What the process wrote to stderr so far.
  var stderrSoFar: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: errData, as: UTF8.self)
  }

  /// Waits until the process has written `text` to stderr (a packet recorder says it is listening), or throws
  /// once it has ended or `timeout` seconds have passed.
  func waitForStderr(_ text: String, timeout: TimeInterval = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !stderrSoFar.contains(text) {
      guard process.isRunning, Date() < deadline else {
        let name = process.executableURL?.lastPathComponent ?? "the process"
        throw TestFailure("\(name) did not say \"\(text)\" within \(timeout) s: \(stderrSoFar)")
      }
      usleep(20_000)
    }
  }

  /// Sends `sig` to the process and everything in its process group.
  func signal(_ sig: Int32) { kill(-process.processIdentifier, sig) }

  deinit {
    if process.isRunning {
      kill(-process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    kill(-process.processIdentifier, SIGKILL)
  }

  /// Waits for the process to end (killing it after `timeout` seconds).
  @discardableResult
  func wait(timeout: TimeInterval = 60) -> Finished {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      kill(-process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    kill(-process.processIdentifier, SIGKILL)  // what it left behind in its group
    // Drain what is left in the pipes.
    out.fileHandleForReading.readabilityHandler = nil
    err.fileHandleForReading.readabilityHandler = nil
    let restOut = out.fileHandleForReading.readDataToEndOfFile()
    let restErr = err.fileHandleForReading.readDataToEndOfFile()
    lock.lock()
    defer { lock.unlock() }
    return Finished(
      status: process.terminationStatus, stdout: outData + restOut,
      stderr: String(decoding: errData + restErr, as: UTF8.self))
  }
}

/// `Tests/Scripts/<name>`.
func scriptPath(_ name: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scripts/\(name)").path
}

/// The python3 that has paho-mqtt (`make test` installs it): $PYTHON, else python3 on PATH, resolved to the
/// real executable (pyenv's shims are scripts).
private let pythonExecutable: String? = {
  let environment = ProcessInfo.processInfo.environment
  if let explicit = environment["PYTHON"] { return explicit }
  let candidates =
    (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
    + ["/usr/bin/python3"]
  guard let first = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
    let running = try? Running(first, ["-c", "import sys, paho.mqtt; print(sys.executable)"])
  else { return nil }
  let result = running.wait(timeout: 30)
  let path = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
  return result.status == 0 && !path.isEmpty ? path : nil
}()

/// python3 with paho-mqtt, for the scripts that publish.
func pahoPython() throws -> String {
  guard let pythonExecutable else {
    throw TestFailure("python3 with paho-mqtt is not installed; `make test` installs it (pip install paho-mqtt)")
  }
  return pythonExecutable
}

/// Runs `mqtt-dumper` with `arguments` to the end.
func mqttDumper(_ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 60) throws -> Finished {
  try Running(try toolPath(), arguments, stdin: stdin).wait(timeout: timeout)
}

/// Starts `mqtt-dumper` in the background.
func startMQTTDumper(_ arguments: [String], environment: [String: String]? = nil) throws -> Running {
  try Running(try toolPath(), arguments, environment: environment)
}

/// Runs mosquitto_pub (an independent client) against `broker` and checks it succeeded.
func mosquittoPub(_ broker: TestBroker, _ arguments: [String], stdin: Data? = nil) throws {
  let result = try Running(
    try which("mosquitto_pub"), ["-h", "127.0.0.1", "-p", "\(broker.port)"] + arguments, stdin: stdin
  )
  .wait(timeout: 30)
  guard result.status == 0 else { throw TestFailure("mosquitto_pub \(arguments) failed: \(result.stderr)") }
}

/// Waits until the capture at `path` has recorded its `connected` event (the subscriptions are then on
/// their way), then a little longer for the broker to acknowledge them.
func waitUntilRecording(_ path: String, timeout: TimeInterval = 10) throws {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if let records = try? readAll(path),
      records.records.contains(where: { if case .event = $0 { true } else { false } })
    {
      usleep(300_000)
      return
    }
    usleep(20_000)
  }
  throw TestFailure("the capture into \(path) did not start recording within \(timeout) s")
}

/// Every record of a capture, and whether it was cut off.
func readAll(_ path: String) throws -> (records: [CaptureRecord], truncation: String?) {
  let reader = try CaptureReader(path: path)
  var records: [CaptureRecord] = []
  while let r = try reader.next() { records.append(r) }
  return (records, reader.truncation)
}

func messages(_ records: [CaptureRecord]) -> [CapturedMessage] {
  records.compactMap { if case .message(let m) = $0 { m } else { nil } }
}

func events(_ records: [CaptureRecord]) -> [ConnectionEvent] {
  records.compactMap { if case .event(let e) = $0 { e } else { nil } }
}

/// The processes whose command line contains `text` (from /proc), to check that a test left none behind.
func processes(mentioning text: String) -> [Int32] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap { entry -> Int32? in
    guard let pid = Int32(entry), pid != getpid(),
      let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
    else { return nil }
    let command = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    return command.contains(text) ? pid : nil
  }
}

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The test runner blocks SIGINT and SIGTERM in its threads, and spawned children inherit that mask:
/// unblock them in this thread before spawning, so brokers and captures can be stopped by signal.
func unblockStopSignals() {
  var set = sigset_t()
  sigemptyset(&set)
  for sig in [SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2] { sigaddset(&set, sig) }
  pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// The JSON blocks of the 2017 document (a copy in Tests/Fixtures): the expected output, written by a person.
func documentBlocks() throws -> [String] {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/octoprint-mqtt-events-2017.md")
  let text = try String(contentsOf: url, encoding: .utf8)
  var blocks: [String] = []
  var current: [Substring]?
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if line == "```json" {
      current = []
    } else if line == "```", let lines = current {
      blocks.append(lines.joined(separator: "\n"))
      current = nil
    } else {
      current?.append(line)
    }
  }
  return blocks
}
