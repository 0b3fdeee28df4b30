/// A message as a comparison holds it: what of a `CapturedMessage` is compared or reported (not its
/// properties), its payload whole or, for a large one in `diff`, as a digest (`PayloadDigester`).
public struct ComparedMessage: Equatable, Sendable {
  /// When it was received.
  public var timestamp: Timestamp
  /// The topic it was published to.
  public var topic: String
  /// Its payload, whole or as a digest.
  public var payload: ComparedPayload
  /// The QoS it was delivered with.
  public var qos: MQTTQoS
  /// Whether it was delivered as a retained message.
  public var retain: Bool

  /// `message` with all of its payload (the bytes are shared, not copied).
  public init(_ message: CapturedMessage) {
    self.init(message, payload: .bytes(message.payload))
  }

  /// `message` with `payload` in place of its payload.
  public init(_ message: CapturedMessage, payload: ComparedPayload) {
    timestamp = message.timestamp
    topic = message.topic
    self.payload = payload
    qos = message.qos
    retain = message.retain
  }
}
