import CMosquitto
import Glibc

/// Everything `mqtt-dumper capture` needs to know.
public struct CaptureConfiguration: Sendable {
  public var connection = ConnectionOptions()
  /// Topic filters, recorded once each even where they overlap.
  public var filters = ["#"]
  /// Maximum QoS asked for; 2 so that the recorded QoS is the publisher's.
  public var qos = MQTTQoS.exactlyOnce
  /// The capture file, or `-` for plain JSON Lines on standard output.
  public var output = "-"
  public var mode = CaptureWriter.Mode.createNew
  public var rotation = CaptureRotation()
  /// Stop after this many messages.
  public var maxMessages: Int?
  /// Stop after this long.
  public var duration: Duration?
  /// A persistent session under this client id: with QoS ≥ 1 the broker keeps messages while we are away.
  public var sessionName: String?
  /// zlib level, 1–9.
  public var compressionLevel: Int32 = 6

  public init() {}
}

/// How a capture is going, for the status line and the final summary.
public struct CaptureProgress: Sendable {
  public var messages = 0
  public var fileBytes: UInt64 = 0
  public var uncompressedBytes: UInt64 = 0
  public var elapsed: Duration = .zero
  public var connected = false
  /// Times the connection was lost.
  public var disconnections = 0
  /// Why the connection was last lost, while it is down.
  public var lastProblem: String?
  public var paths: [String] = []
}

/// Subscribes to a broker and records every message it delivers into a capture (file or stdout),
/// reconnecting when the broker goes away, until stopped.
public final class CaptureSession {
  public let configuration: CaptureConfiguration
  private var writer: (any CaptureSink)?
  private var failure: Error?
  private var early: [CapturedMessage] = []
  private var progress = CaptureProgress()
  private var filters: [String]

  /// Checks the configuration and that the output may be written.
  /// - Throws: `MQTTError.invalidTopicFilter`, or `CaptureError` when the output exists (without
  ///   `--force`/`--append`) or cannot be appended to.
  public init(configuration: CaptureConfiguration) throws {
    self.configuration = configuration
    var unique: [String] = []
    for filter in configuration.filters where !unique.contains(filter) {
      guard mosquitto_sub_topic_check(filter) == MOSQ_ERR_SUCCESS.rawValue else {
        throw MQTTError.invalidTopicFilter(filter)
      }
      unique.append(filter)
    }
    filters = unique
    if configuration.output != "-", configuration.mode == .createNew, access(configuration.output, F_OK) == 0 {
      throw CaptureError.fileExists(path: configuration.output)
    }
  }

  /// Connects, subscribes and records until `shouldStop` returns true, the count or duration is reached,
  /// or writing fails.
  /// - Parameters:
  ///   - shouldStop: polled every few tens of milliseconds (a signal flag, typically).
  ///   - report: called about twice a second with the progress.
  /// - Returns: the final progress; the file is complete and closed.
  /// - Throws: `MQTTError` when the first connection fails, `CaptureError` when writing fails.
  /// - Parameter openSink: where records go once connected; by default the configured capture file(s).
  public func run(
    shouldStop: () -> Bool, report: ((CaptureProgress) -> Void)? = nil,
    openSink: ((CaptureHeader) throws -> any CaptureSink)? = nil
  ) throws -> CaptureProgress {
    let persistent = configuration.sessionName != nil
    var connection = configuration.connection
    if let name = configuration.sessionName { connection.clientID = name }
    let client = try MQTTClient(
      options: connection, cleanSession: !persistent, sessionExpiry: persistent ? 7 * 24 * 3600 : 0)
    client.onMessage = { [unowned self] message in self.received(message) }
    client.onSubscriptionRefused = { [unowned self] _ in
      self.failure = MQTTError.subscriptionRejected(
        filter: self.filters.joined(separator: " "), broker: connection.brokerDescription)
    }

    let header = CaptureHeader(
      created: Timestamp.now().rfc3339, tool: "mqtt-dumper \(MQTTDumperVersion.string)",
      broker: connection.brokerDescription, protocolName: connection.protocolVersion.rawValue,
      subscriptions: filters.map { CaptureSubscription(filter: $0, qos: configuration.qos) })
    // Open the file only once the broker accepted us, so a failed start leaves nothing behind,
    // but record the first `connected` that happens inside connect().
    var pendingConnect: Timestamp?
    client.onConnect = { [unowned self, unowned client] _ in
      if self.writer == nil { pendingConnect = .now() }
      self.connected(client)
    }
    try client.connect()
    writer =
      try openSink?(header)
      ?? RotatingCaptureWriter(
        path: configuration.output, mode: configuration.mode, header: header, rotation: configuration.rotation,
        level: configuration.compressionLevel)
    if let pendingConnect { try writer?.write(.connected(at: pendingConnect)) }
    for message in early { try writer?.write(message) }
    early = []
    progress.connected = true

    let start = ContinuousClock.now
    var lastReport = start
    defer { client.disconnect() }
    while failure == nil && !shouldStop() && !reachedLimit(since: start) {
      if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: 20) {
        try recordDisconnection(reason)
        reconnect(client, since: start, shouldStop: shouldStop, report: report)
      }
      try writer?.flushIfDue()
      let now = ContinuousClock.now
      if let report, now - lastReport >= .milliseconds(500) {
        lastReport = now
        report(snapshot(since: start))
      }
    }
    if let failure {
      try? writer?.close()
      throw failure
    }
    try writer?.close()
    return snapshot(since: start)
  }

  private func reachedLimit(since start: ContinuousClock.Instant) -> Bool {
    if let max = configuration.maxMessages, progress.messages >= max { return true }
    if let duration = configuration.duration, ContinuousClock.now - start >= duration { return true }
    return false
  }

  private func snapshot(since start: ContinuousClock.Instant) -> CaptureProgress {
    var p = progress
    p.elapsed = ContinuousClock.now - start
    p.fileBytes = writer?.fileBytes ?? 0
    p.uncompressedBytes = writer?.uncompressedBytes ?? 0
    p.paths = writer?.paths ?? []
    return p
  }

  // MARK: - Broker events

  private func connected(_ client: MQTTClient) {
    do {
      let useIdentifiers = client.options.protocolVersion == .v5 && filters.count > 1
      for (i, filter) in filters.enumerated() {
        try client.subscribe(filter, qos: configuration.qos, identifier: useIdentifiers ? UInt32(i + 1) : nil)
      }
      progress.connected = true
      progress.lastProblem = nil
      try writer?.write(.connected(at: .now()))
    } catch {
      failure = error
    }
  }

  private func received(_ message: borrowing ReceivedMessage) {
    guard failure == nil else { return }
    if let id = message.subscriptionID, filters.count > 1, id != firstMatchingFilter(message.topic) {
      return  // a second copy for an overlapping filter: the first one was recorded
    }
    if let max = configuration.maxMessages, progress.messages >= max { return }
    guard let writer else {
      // A persistent session's queued messages arrive right after CONNACK, before the file is open.
      early.append(message.copy())
      progress.messages += 1
      return
    }
    do {
      try writer.writeMessage(
        timestamp: message.timestamp, topic: message.topic, payload: message.payload, qos: message.qos,
        retain: message.retain, properties: message.properties)
      progress.messages += 1
    } catch {
      failure = error
    }
  }

  /// The subscription identifier (1-based filter index) under which a message is recorded.
  private func firstMatchingFilter(_ topic: UnsafeRawBufferPointer) -> UInt32 {
    let base = topic.baseAddress?.assumingMemoryBound(to: CChar.self)
    for (i, filter) in filters.enumerated() {
      var matches = false
      mosquitto_topic_matches_sub2(filter, filter.utf8.count, base, topic.count, &matches)
      if matches { return UInt32(i + 1) }
    }
    return 0
  }

  private func recordDisconnection(_ reason: String) throws {
    progress.connected = false
    progress.disconnections += 1
    progress.lastProblem = reason
    try writer?.write(.disconnected(at: .now(), reason: reason))
    try writer?.flush()
  }

  /// Tries to connect again with growing pauses (0.25 s doubling to 10 s) until it works or we are stopped.
  private func reconnect(
    _ client: MQTTClient, since start: ContinuousClock.Instant, shouldStop: () -> Bool,
    report: ((CaptureProgress) -> Void)?
  ) {
    var pause = Duration.milliseconds(250)
    while !shouldStop() && !reachedLimit(since: start) {
      do {
        try client.reconnect()
        return
      } catch {
        progress.lastProblem = "\(error)"
        report?(snapshot(since: start))
      }
      let until = ContinuousClock.now + pause
      while ContinuousClock.now < until && !shouldStop() && !reachedLimit(since: start) {
        usleep(20_000)
      }
      pause = min(pause * 2, .seconds(10))
    }
  }
}
