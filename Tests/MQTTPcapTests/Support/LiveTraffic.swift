import Foundation
import Testing

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A program started in the background with its output in files, stopped by its PID.
final class Background {
  let process = Process()
  let stdoutPath: String
  let stderrPath: String

  init(_ executable: String, _ arguments: [String], in directory: URL, name: String) throws {
    stdoutPath = directory.appendingPathComponent("\(name).out").path
    stderrPath = directory.appendingPathComponent("\(name).err").path
    _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
    process.standardError = FileHandle(forWritingAtPath: stderrPath)
    process.standardInput = FileHandle.nullDevice
    // The test runner's threads block the stop signals; a child would inherit that and ignore SIGINT.
    var set = sigset_t()
    sigemptyset(&set)
    for sig in [SIGINT, SIGTERM] { sigaddset(&set, sig) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    try process.run()
  }

  var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
  var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

  /// Waits until its standard error says `text` (a recorder is listening), or fails after `seconds`.
  func waitForStderr(_ text: String, seconds: Double = 10) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !stderr.contains(text) {
      guard process.isRunning, Date() < deadline else {
        throw TestFailure("\(process.executableURL!.lastPathComponent) did not say \"\(text)\": \(stderr)")
      }
      usleep(20_000)
    }
  }

  /// Sends `signal` (SIGINT lets a recorder write out what it holds) and waits for the end.
  func stop(_ signal: Int32 = SIGINT, seconds: Double = 10) {
    guard process.isRunning else { return }
    kill(process.processIdentifier, signal)
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning, Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }

  deinit { stop(SIGKILL) }
}

/// A free TCP port on 127.0.0.1 (bound to port 0, then released).
func freeLoopbackPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var addr = sockaddr_in()
  addr.sin_family = sa_family_t(AF_INET)
  addr.sin_addr.s_addr = inet_addr("127.0.0.1")
  var len = socklen_t(MemoryLayout<sockaddr_in>.size)
  let ok = withUnsafeMutablePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
  }
  guard ok else { throw TestFailure("cannot find a free port") }
  return Int(UInt16(bigEndian: addr.sin_port))
}

/// Runs a program to its end; its standard output.
func runToEnd(_ executable: String, _ arguments: [String], in directory: URL, name: String) throws -> String {
  let program = try Background(executable, arguments, in: directory, name: name)
  program.process.waitUntilExit()
  guard program.process.terminationStatus == 0 else {
    throw TestFailure("\(name) exited with \(program.process.terminationStatus): \(program.stderr)")
  }
  return program.stdout
}

/// The first of `names` found on PATH (or in /usr/sbin, where Debian puts tcpdump and mosquitto).
func findProgram(_ name: String) -> String? {
  let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/sbin"
  for directory in path.split(separator: ":") {
    let candidate = "\(directory)/\(name)"
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}

/// Tests/Scripts/<name>.
func scriptPath(_ name: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scripts/\(name)").path
}
