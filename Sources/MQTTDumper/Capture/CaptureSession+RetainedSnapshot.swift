import MQTTCapture

// The retained snapshot (`capture --share GROUP --retained-snapshot`): read over a connection of its own
// while the group's shared subscription keeps receiving, then written as one block between two events.
extension CaptureSession {
  /// What the retained snapshot read: its messages, the time they are recorded at, and where they go
  /// among the messages that arrived meanwhile (those before the snapshot's subscription was acknowledged
  /// come first).
  struct SnapshotRecords {
    var messages: [CapturedMessage]
    var time: Timestamp
    var position: Int
  }

  /// Reads the retained store over a second connection while the first keeps receiving (into `early`).
  /// - Returns: nil when stopped before the snapshot was complete.
  func takeRetainedSnapshot(_ client: MQTTClient, shouldStop: () -> Bool) throws -> SnapshotRecords? {
    let snapshot = try RetainedSnapshot(
      connection: configuration.connection, filters: filters.map(\.text), excludes: excludes,
      qos: configuration.qos, quiet: configuration.snapshotQuiet)
    try snapshot.start()
    defer { snapshot.finish() }
    var split: (position: Int, time: Timestamp)?
    let deadline = ContinuousClock.now + configuration.connection.connectTimeout
    while failure == nil && !shouldStop() {
      if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: 5) {
        throw MQTTError.connectionLost(broker: configuration.connection.brokerDescription, reason: reason)
      }
      let complete = try snapshot.poll()
      if split == nil && snapshot.isAcknowledged { split = (early.count, stamp(.now())) }
      if split == nil && ContinuousClock.now > deadline {
        throw MQTTError.timedOut(broker: configuration.connection.brokerDescription)
      }
      if complete, let split {
        return SnapshotRecords(messages: snapshot.messages, time: split.time, position: split.position)
      }
    }
    if let failure { throw failure }
    return nil
  }

  /// Writes the snapshot between its two events, every record at its time.
  func write(_ snapshot: SnapshotRecords) throws {
    try writer?.write(ConnectionEvent(kind: .retainedSnapshot, timestamp: snapshot.time))
    for var message in snapshot.messages {
      message.timestamp = snapshot.time
      try writer?.write(message)
      progress.snapshotMessages += 1
    }
    try writer?.write(ConnectionEvent(kind: .retainedSnapshotEnd, timestamp: snapshot.time))
  }
}
