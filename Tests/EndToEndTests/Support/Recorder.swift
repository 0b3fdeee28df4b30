import Foundation

/// `mqtt-dumper capture -h 127.0.0.1 -p <port> <arguments> -o <file> [--quiet]` recording from a `TestBroker`,
/// started among a test's `Processes` (so killed with its process group when the test ends).
struct Recorder {
  let file: String
  let running: Running

  /// Starts the recorder and waits until its file holds its `connected` event and the broker has had a moment
  /// to acknowledge the subscriptions.
  init(_ processes: Processes, _ broker: TestBroker, _ arguments: [String], into file: String, quiet: Bool = true)
    throws
  {
    self.file = file
    running = try processes.start(
      try toolPath(),
      ["capture", "-h", "127.0.0.1", "-p", "\(broker.port)"] + arguments + ["-o", file] + (quiet ? ["--quiet"] : []))
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
