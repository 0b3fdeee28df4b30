/// MQTT quality of service.
public enum MQTTQoS: UInt8, Sendable, Comparable, CaseIterable {
  /// QoS 0: sent once, never acknowledged.
  case atMostOnce = 0
  /// QoS 1: acknowledged; may arrive twice.
  case atLeastOnce = 1
  /// QoS 2: a four-packet handshake delivers it exactly once.
  case exactlyOnce = 2

  /// Orders by level: `atMostOnce` < `atLeastOnce` < `exactlyOnce`.
  public static func < (a: MQTTQoS, b: MQTTQoS) -> Bool { a.rawValue < b.rawValue }
}
