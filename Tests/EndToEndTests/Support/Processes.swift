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
