import Foundation
import Testing

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
  func record(_ arguments: [String], into file: String, quiet: Bool = true) throws -> Recorder {
    try Recorder(processes, broker, arguments, into: file, quiet: quiet)
  }

  func finish(sourceLocation: SourceLocation = #_sourceLocation) {
    try? FileManager.default.removeItem(at: directory)
    broker.stop()
    processes.expectAllGone(sourceLocation: sourceLocation)
  }
}
