/// One message as it was received: the payload's bytes untouched.
public struct CapturedMessage: Equatable, Hashable, Sendable {
  /// When the recorder received it (or, in a simulation, when it is due).
  public var timestamp: Timestamp
  /// The topic it was published to.
  public var topic: String
  /// The payload's bytes, exactly as sent.
  public var payload: [UInt8]
  /// The QoS it was delivered with.
  public var qos: MQTTQoS
  /// Whether it was delivered as a retained message.
  public var retain: Bool
  /// Its MQTT v5 properties.
  public var properties: MQTTProperties

  /// A message; QoS 0, not retained and without properties unless given.
  public init(
    timestamp: Timestamp, topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
    properties: MQTTProperties = MQTTProperties()
  ) {
    self.timestamp = timestamp
    self.topic = topic
    self.payload = payload
    self.qos = qos
    self.retain = retain
    self.properties = properties
  }
}
