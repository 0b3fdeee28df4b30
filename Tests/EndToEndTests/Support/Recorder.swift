import Foundation
import Testing

/// Every process a test starts. Each runs in a process group of its own (Foundation's Process puts it there);
/// `expectAllGone` kills every group still there, waits, and checks that none is left.
final class Processes: @unchecked Sendable {
  private var started: [Running] = []
  private let lock = NSLock()

  /// Starts a process in the background.
  func start(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> Running {
    let running = try Running(executable, arguments, stdin: stdin)
    lock.withLock { started.append(running) }
    return running
  }

  /// Runs a process to its end (killed after `timeout` seconds).
  func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, timeout: TimeInterval) throws -> Finished {
    let running = try start(executable, arguments, stdin: stdin)
    let deadline = Date().addingTimeInterval(timeout)
    while running.process.isRunning && Date() < deadline { usleep(10_000) }
    if running.process.isRunning { kill(-running.pid, SIGKILL) }
    return running.wait(timeout: 10)
  }

  func expectAllGone(sourceLocation: SourceLocation = #_sourceLocation) {
    let all = lock.withLock { started }
    for r in all { kill(-r.pid, SIGKILL) }
    for r in all { _ = r.wait(timeout: 10) }
    // Killed members of a group may take a moment to be reaped by init.
    let deadline = Date().addingTimeInterval(3)
    var left = all.map(\.pid).filter { kill(-$0, 0) == 0 }
    while !left.isEmpty && Date() < deadline {
      usleep(20_000)
      left = left.filter { kill(-$0, 0) == 0 }
    }
    #expect(left.isEmpty, "process groups still there after the test: \(left)", sourceLocation: sourceLocation)
  }
}

/// What a test against a live broker works with: its processes, a broker as mosquitto is installed
/// (`TestBroker(defaults: true)`) and a temporary directory. `finish()`, deferred, removes the directory,
/// stops the broker and kills and checks every process the test started.
final class LiveBroker {
  let processes = Processes()
  let broker: TestBroker
  let directory: URL

  init() throws {
    broker = try TestBroker(defaults: true)
    directory = try temporaryDirectory()
  }

  /// `<directory>/<name>`.
  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Starts `mqtt-dumper capture` against the broker into `file` and waits until it is subscribed.
  func record(_ arguments: [String], into file: String) throws -> Recorder {
    try Recorder(processes, broker, arguments, into: file)
  }

  func finish(sourceLocation: SourceLocation = #_sourceLocation) {
    try? FileManager.default.removeItem(at: directory)
    broker.stop()
    processes.expectAllGone(sourceLocation: sourceLocation)
  }
}

/// `mqtt-dumper capture -h 127.0.0.1 -p <port> <arguments> -o <file> --quiet` recording from a `TestBroker`,
/// started among a test's `Processes` (so killed with its process group when the test ends).
struct Recorder {
  let file: String
  let running: Running

  /// Starts the recorder and waits until its file holds its `connected` event and the broker has had a moment
  /// to acknowledge the subscriptions.
  init(_ processes: Processes, _ broker: TestBroker, _ arguments: [String], into file: String) throws {
    self.file = file
    running = try processes.start(
      try toolPath(), ["capture", "-h", "127.0.0.1", "-p", "\(broker.port)"] + arguments + ["-o", file, "--quiet"])
    try waitUntilRecording(file)
  }

  var pid: Int32 { running.pid }

  /// SIGINT to its process group (it writes out what it holds and exits), SIGKILL after `timeout` seconds.
  @discardableResult
  func stop(timeout: TimeInterval = 20) -> Finished {
    running.signal(SIGINT)
    return running.wait(timeout: timeout)
  }

  /// SIGKILL to its process group (kill -9: it writes nothing more), and waits for the end.
  func kill() {
    running.signal(SIGKILL)
    _ = running.wait(timeout: 10)
  }

  /// Sends SIGINT to all of `recorders` at once, then waits for each.
  static func stop(_ recorders: [Recorder], timeout: TimeInterval = 20) -> [Finished] {
    for recorder in recorders { recorder.running.signal(SIGINT) }
    return recorders.map { $0.running.wait(timeout: timeout) }
  }
}
