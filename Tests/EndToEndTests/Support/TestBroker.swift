import Foundation

/// A real mosquitto broker on a free loopback port, with its config in a temporary directory, in a process
/// group of its own (Foundation's Process puts it there) and stopped by signal to that group. Every test that
/// crosses the network starts its own.
final class TestBroker {
  let port: Int
  let directory: URL
  private var process: Process?
  private let extraConfig: String
  /// mosquitto's own limits (20 messages in flight, 1,000 queued per client) instead of none.
  private let defaults: Bool

  /// Starts `mosquitto -c <tmp>/mosquitto.conf` listening on 127.0.0.1:<free port>.
  init(extraConfig: String = "allow_anonymous true\n") throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-broker-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    port = try freeLoopbackPort()
    self.extraConfig = extraConfig
    self.defaults = false
    try start()
  }

  /// Starts a broker as mosquitto is installed: its config holds only the listener, the persistence
  /// location, the log and `allow_anonymous true`, then `extraConfig` (`persistence true`, `acl_file …`).
  /// The directory is world-writable: mosquitto started as root runs as user mosquitto, and must be able to
  /// write its log and persistence database there.
  init(defaults: Bool, extraConfig: String = "") throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-broker-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
    port = try freeLoopbackPort()
    self.extraConfig = defaults ? "allow_anonymous true\n" + extraConfig : extraConfig
    self.defaults = defaults
    try start()
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }

  /// (Re)starts the broker on the same port.
  func start() throws {
    let config =
      defaults
      ? """
      listener \(port) 127.0.0.1
      persistence_location \(directory.path)/
      log_dest file \(directory.path)/mosquitto.log
      \(extraConfig)
      """
      : """
      listener \(port) 127.0.0.1
      max_queued_messages 0
      max_inflight_messages 0
      persistence_location \(directory.path)/
      log_dest file \(directory.path)/mosquitto.log
      \(extraConfig)
      """
    let configURL = directory.appendingPathComponent("mosquitto.conf")
    try config.write(to: configURL, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try which("mosquitto"))
    p.arguments = ["-c", configURL.path]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    unblockStopSignals()
    try p.run()
    process = p
    // Ready when the port accepts connections.
    let deadline = Date().addingTimeInterval(10)
    while !canConnect(port: port) {
      guard p.isRunning, Date() < deadline else {
        let log = (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
        throw TestFailure("mosquitto did not start on port \(port): \(log)")
      }
      usleep(20_000)
    }
  }

  /// Stops the broker (SIGTERM to its process group) and waits for it to exit.
  func stop() {
    guard let p = process else { return }
    if p.isRunning {
      if kill(-p.processIdentifier, SIGTERM) != 0 { kill(p.processIdentifier, SIGTERM) }
      p.waitUntilExit()
    }
    kill(-p.processIdentifier, SIGKILL)  // anything left in its group
    process = nil
  }

  var url: String { "mqtt://127.0.0.1:\(port)" }

  /// What the broker logged so far (readable when it could write it: `init(defaults:)` brokers).
  var log: String {
    (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
  }
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Binds port 0 on loopback and returns the port the kernel chose.
func freeLoopbackPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var addr = sockaddr_in()
  addr.sin_family = sa_family_t(AF_INET)
  addr.sin_addr.s_addr = inet_addr("127.0.0.1")
  addr.sin_port = 0
  var len = socklen_t(MemoryLayout<sockaddr_in>.size)
  let ok = withUnsafeMutablePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { ptr in
      bind(fd, ptr, len) == 0 && getsockname(fd, ptr, &len) == 0
    }
  }
  guard ok else { throw TestFailure("cannot find a free port") }
  return Int(UInt16(bigEndian: addr.sin_port))
}

func canConnect(port: Int) -> Bool {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var addr = sockaddr_in()
  addr.sin_family = sa_family_t(AF_INET)
  addr.sin_addr.s_addr = inet_addr("127.0.0.1")
  addr.sin_port = UInt16(port).bigEndian
  return withUnsafePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
    }
  }
}

func which(_ tool: String) throws -> String {
  for dir in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"] {
    let path = "\(dir)/\(tool)"
    if FileManager.default.isExecutableFile(atPath: path) { return path }
  }
  throw TestFailure("\(tool) is not installed; `make test` installs it")
}
