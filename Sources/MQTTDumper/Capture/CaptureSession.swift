import Glibc
import MQTTCapture

/// Everything `mqtt-dumper capture` needs to know.
public struct CaptureConfiguration: Sendable {
  /// The broker and how to reach it.
  public var connection = ConnectionOptions()
  /// Topic filters, recorded once each even where they overlap.
  public var filters = ["#"]
  /// Messages on topics matching any of these are not recorded (mosquitto_sub's `-T`); empty records all.
  public var excludes: [TopicFilter] = []
  /// Maximum QoS asked for; 2 so that the recorded QoS is the publisher's.
  public var qos = MQTTQoS.exactlyOnce
  /// The capture file, or `-` for plain JSON Lines on standard output.
  public var output = "-"
  /// What to do when the capture file exists; refuse by default.
  public var mode = CaptureWriter.Mode.createNew
  /// When to continue into the next numbered file; never by default.
  public var rotation = CaptureRotation()
  /// Stop after this many messages.
  public var maxMessages: Int?
  /// Stop after this long.
  public var duration: Duration?
  /// A persistent session under this client id (expiring after 7 days away): with QoS ≥ 1 the broker keeps
  /// messages while we are away. nil for a clean session.
  public var sessionName: String?
  /// zlib level, 1–9.
  public var compressionLevel: Int32 = 6
  /// Record as a member of this group (shared subscriptions to every filter); nil records alone.
  public var group: CaptureGroup?
  /// Written to the header without a group (`--instance` alone); the group's instance otherwise.
  public var instance: String?
  /// Read the broker's retained messages once at the start, over a connection of their own, and record
  /// them between `retained_snapshot` events (for a group, whose shared subscriptions get none).
  public var retainedSnapshot = false
  /// How long no retained message must come, after the broker acknowledged the snapshot's
  /// subscriptions, for the snapshot to be complete.
  public var snapshotQuiet: Duration = .milliseconds(300)

  /// Every topic (`#`) at QoS 2 to standard output, until stopped.
  public init() {}
}

/// How a capture is going, for the status line and the final summary.
public struct CaptureProgress: Sendable {
  /// Messages recorded so far (live traffic; `-C` counts these).
  public var messages = 0
  /// Messages of the retained snapshot recorded (`--retained-snapshot`).
  public var snapshotMessages = 0
  /// Bytes written to the capture files, after compression.
  public var fileBytes: UInt64 = 0
  /// Bytes of JSON Lines written, before compression.
  public var uncompressedBytes: UInt64 = 0
  /// Time since recording started (once the broker had accepted the connection and the file was open).
  public var elapsed: Duration = .zero
  /// Whether the connection is up now.
  public var connected = false
  /// Times the connection was lost.
  public var disconnections = 0
  /// Why the connection was last lost, while it is down.
  public var lastProblem: String?
  /// The files written so far, the current one last (`-` for standard output).
  public var paths: [String] = []
}

/// Subscribes to a broker and records every message it delivers into a capture (file or stdout),
/// reconnecting when the broker goes away, until stopped.
public final class CaptureSession {
  /// What the session records, from where, to where.
  public let configuration: CaptureConfiguration
  /// Where records go, once the broker accepted the subscriptions.
  var writer: (any CaptureSink)?
  /// Why the session must stop, set from a callback.
  var failure: Error?
  /// What arrived before the file was open.
  var early: [CapturedMessage] = []
  /// How far recording got, for the status line and the summary.
  var progress = CaptureProgress()
  /// The distinct filters subscribed to, in the order given.
  var filters: [TopicFilter]
  /// `configuration.excludes`; with none, a message costs nothing more.
  let excludes: [TopicFilter]
  /// A group's recorder over MQTT 3.1.1 cannot ask for no retained messages on subscribing, and
  /// mosquitto before 2.0.13 sends them to shared subscriptions: the retain flag marks them there.
  private let dropsStoredMessages: Bool
  /// The last time written: records never go back in time, even where the wall clock or the order of
  /// callbacks would have them.
  private var lastTimestamp = Timestamp(microseconds: 0)
  private var backoff = ReconnectBackoff()
  private var takeover = SessionTakeoverDetector()
  /// How often each reason for a lost connection was seen, to warn once when one repeats.
  private var lossCounts: [String: Int] = [:]

  /// Checks the configuration and that the output may be written.
  /// - Throws: `MQTTError.invalidTopicFilter`, or `CaptureError` when the output exists (in mode
  ///   `.createNew`; with a rotation, any numbered file of its set too) or cannot be appended to.
  public init(configuration: CaptureConfiguration) throws {
    self.configuration = configuration
    var unique: [TopicFilter] = []
    for text in configuration.filters where !unique.contains(where: { $0.text == text }) {
      guard let filter = TopicFilter(text) else { throw MQTTError.invalidTopicFilter(text) }
      unique.append(filter)
    }
    filters = unique
    excludes = configuration.excludes
    dropsStoredMessages = configuration.group != nil && configuration.connection.protocolVersion == .v311
    if configuration.output != "-", configuration.mode == .createNew {
      if access(configuration.output, F_OK) == 0 { throw CaptureError.fileExists(path: configuration.output) }
      // A rotating capture would continue into the set's numbered files: one left from an older run would
      // mix two recordings in one set.
      let rotates = configuration.rotation.maxBytes != nil || configuration.rotation.interval != nil
      if rotates, let old = RotatingCaptureWriter.existingRotatedFiles(configuration.output).first {
        throw CaptureError.fileExists(path: old)
      }
    }
  }

  /// Connects, subscribes and records until `shouldStop` returns true, the count or duration is reached,
  /// writing fails, or another client takes over the session.
  /// - Parameters:
  ///   - shouldStop: polled every few tens of milliseconds (a signal flag, typically).
  ///   - report: called about twice a second with the progress.
  ///   - warn: told, once per reason, when the connection is lost a second time for the same reason.
  ///   - openSink: where records go once connected; by default the configured capture file(s).
  /// - Returns: the final progress; the file is complete and closed.
  /// - Throws: `MQTTError` when the first connection fails, a subscription is refused or the session is
  ///   taken over; `CaptureError` when writing fails. The file is complete and closed in every case.
  public func run(
    shouldStop: () -> Bool, report: ((CaptureProgress) -> Void)? = nil,
    warn: ((RepeatedConnectionLoss) -> Void)? = nil,
    openSink: ((CaptureHeader) throws -> any CaptureSink)? = nil
  ) throws -> CaptureProgress {
    let persistent = configuration.sessionName != nil
    var connection = configuration.connection
    if let name = configuration.sessionName { connection.clientID = name }
    let client = try MQTTClient(
      options: connection, cleanSession: !persistent, sessionExpiry: persistent ? 7 * 24 * 3600 : 0)
    client.onMessage = { [unowned self] message in self.received(message) }
    client.onSubscriptionRefused = { [unowned self] filter, code in
      guard self.failure == nil else { return }
      self.failure = MQTTError.subscriptionRejected(
        filter: filter, broker: connection.brokerDescription,
        reason: MQTTError.reasonText(code, protocolVersion: connection.protocolVersion))
    }

    let header = CaptureHeader(
      created: Timestamp.now().rfc3339, tool: "mqtt-dumper \(MQTTDumperVersion.string)",
      broker: connection.brokerDescription, protocolName: connection.protocolVersion.rawValue,
      subscriptions: filters.map { CaptureSubscription(filter: $0.text, qos: configuration.qos) },
      group: configuration.group?.name, instance: configuration.group?.instance ?? configuration.instance)
    // The file is opened only once the broker accepted us and our subscriptions, so a failed start leaves
    // nothing behind; the first `connected`, and what a persistent session delivers meanwhile, wait for it.
    var pendingConnect: Timestamp?
    client.onConnect = { [unowned self, unowned client] _ in
      self.backoff.connected()
      self.takeover.connected()
      if self.writer == nil { pendingConnect = self.stamp(.now()) }
      self.connected(client)
    }
    try client.connect()
    let deadline = ContinuousClock.now + connection.connectTimeout
    while failure == nil && client.subscriptionsAcknowledged < filters.count && !shouldStop() {
      if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: 20) {
        throw MQTTError.connectionLost(broker: connection.brokerDescription, reason: reason)
      }
      if ContinuousClock.now > deadline { throw MQTTError.timedOut(broker: connection.brokerDescription) }
    }
    if let failure { throw failure }
    let retained =
      configuration.retainedSnapshot && !shouldStop() ? try takeRetainedSnapshot(client, shouldStop: shouldStop) : nil
    writer =
      try openSink?(header)
      ?? RotatingCaptureWriter(
        path: configuration.output, mode: configuration.mode, header: header, rotation: configuration.rotation,
        level: configuration.compressionLevel)
    if let pendingConnect { try writer?.write(.connected(at: pendingConnect)) }
    for (i, message) in early.enumerated() {
      if let retained, retained.position == i { try write(retained) }
      try writer?.write(message)
    }
    if let retained, retained.position == early.count { try write(retained) }
    early = []
    progress.connected = true

    let start = ContinuousClock.now
    var lastReport = start
    defer { client.disconnect() }
    while failure == nil && !shouldStop() && !reachedLimit(since: start) {
      // Wake up when the writer has a flush, sync or rotation due, so a quiet spell delays none of them.
      let due = writer?.timeUntilDue.map { ($0 / .milliseconds(1)).rounded(.up) } ?? 20
      if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: Int32(min(due, 20))) {
        try recordDisconnection(reason)
        if takeover.isTakeover(client.lastEnd) {
          failure = MQTTError.sessionTakenOver(broker: connection.brokerDescription, clientID: client.clientID)
          break
        }
        warnIfRepeated(reason, end: client.lastEnd, warn: warn)
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

  /// `time`, or the last time written if that is later.
  func stamp(_ time: Timestamp) -> Timestamp {
    if time.microseconds > lastTimestamp.microseconds { lastTimestamp = time }
    return lastTimestamp
  }

  // MARK: - Broker events

  private func connected(_ client: MQTTClient) {
    do {
      let useIdentifiers = client.options.protocolVersion == .v5 && filters.count > 1
      let group = configuration.group
      for (i, filter) in filters.enumerated() {
        try client.subscribe(
          group?.sharedFilter(filter.text) ?? filter.text, qos: configuration.qos,
          identifier: useIdentifiers ? UInt32(i + 1) : nil, sendRetained: group == nil)
      }
      progress.connected = true
      progress.lastProblem = nil
      try writer?.write(.connected(at: stamp(.now())))
    } catch {
      failure = error
    }
  }

  private func received(_ message: borrowing ReceivedMessage) {
    guard failure == nil else { return }
    if dropsStoredMessages && message.retain { return }  // sent from the store on subscribing
    if !excludes.isEmpty && isExcluded(message.topic) { return }
    if let id = message.subscriptionID, filters.count > 1, id != firstMatchingFilter(message.topic) {
      return  // a second copy for an overlapping filter: the first one was recorded
    }
    if let max = configuration.maxMessages, progress.messages >= max { return }
    guard let writer else {
      // A persistent session's queued messages arrive right after CONNACK, before the file is open.
      var copy = message.copy()
      copy.timestamp = stamp(copy.timestamp)
      early.append(copy)
      progress.messages += 1
      return
    }
    do {
      try writer.writeMessage(
        timestamp: stamp(message.timestamp), topic: message.topic, payload: message.payload, qos: message.qos,
        retain: message.retain, properties: message.properties)
      progress.messages += 1
    } catch {
      failure = error
    }
  }

  /// Whether a message on `topic` is left out by `excludes`.
  private func isExcluded(_ topic: UnsafeRawBufferPointer) -> Bool {
    let name = String(decoding: topic, as: UTF8.self)
    return excludes.contains { $0.matches(name) }
  }

  /// The subscription identifier (1-based filter index) under which a message is recorded.
  private func firstMatchingFilter(_ topic: UnsafeRawBufferPointer) -> UInt32 {
    let name = String(decoding: topic, as: UTF8.self)
    for (i, filter) in filters.enumerated() where filter.matches(name) {
      return UInt32(i + 1)
    }
    return 0
  }

  private func recordDisconnection(_ reason: String) throws {
    progress.connected = false
    progress.disconnections += 1
    progress.lastProblem = reason
    try writer?.write(.disconnected(at: stamp(.now()), reason: reason))
    try writer?.flush()
  }

  /// Says once, when a connection is lost a second time for the same reason, what is going on.
  private func warnIfRepeated(_ reason: String, end: ConnectionEnd?, warn: ((RepeatedConnectionLoss) -> Void)?) {
    let count = (lossCounts[reason] ?? 0) + 1
    lossCounts[reason] = count
    guard count == 2, let warn else { return }
    warn(
      RepeatedConnectionLoss(
        broker: configuration.connection.brokerDescription, reason: reason, end: end,
        protocolVersion: configuration.connection.protocolVersion))
  }

  /// Tries to connect again after the back-off's pause, with longer pauses each time, until it works or
  /// we are stopped. The file keeps being synced and rotated meanwhile.
  private func reconnect(
    _ client: MQTTClient, since start: ContinuousClock.Instant, shouldStop: () -> Bool,
    report: ((CaptureProgress) -> Void)?
  ) {
    var unreachable = false
    while !shouldStop() && !reachedLimit(since: start) {
      let until = ContinuousClock.now + backoff.nextPause(unreachable: unreachable)
      while ContinuousClock.now < until && !shouldStop() && !reachedLimit(since: start) {
        try? writer?.flushIfDue()
        usleep(UInt32(max(min(until - ContinuousClock.now, .milliseconds(20)), .zero) / .microseconds(1)))
      }
      if shouldStop() || reachedLimit(since: start) { return }
      do {
        try client.reconnect()
        return
      } catch {
        takeover.attemptFailed()
        unreachable = (error as? MQTTError)?.isUnreachable ?? false
        progress.lastProblem = (error as? MQTTError)?.problem ?? "\(error)"
        report?(snapshot(since: start))
      }
    }
  }
}
