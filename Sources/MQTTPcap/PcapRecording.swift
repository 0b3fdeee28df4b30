import MQTTCapture

/// Which side of the broker a packet capture's PUBLISH packets are taken from.
public enum PcapDirection: String, CaseIterable, Sendable {
  /// What publishers sent to the broker: each message once (the default).
  case fromPublishers = "from-publishers"
  /// What the broker sent to its subscribers: a message once per subscriber that got it.
  case toSubscribers = "to-subscribers"
}

/// The MQTT messages in a pcap or pcapng file, in packet-time order.
///
/// Placeholder: issue 13's packet-capture reader replaces this.
public final class PcapRecording: ForeignRecording {
  /// What could not be decoded or was skipped.
  public private(set) var losses: [String] = []

  /// Opens `path`, a pcap or pcapng file.
  /// - Throws: `CaptureError` when the file cannot be read or is not a packet capture.
  public init(path: String, direction: PcapDirection = .fromPublishers) throws {
    throw CaptureError.notACapture(path: path, reason: "reading packet captures is not built yet")
  }

  /// The next PUBLISH as a message.
  public func next() throws -> CapturedMessage? { nil }
}
