/// A connection lost a second time for the same reason: told once, so that a loop of reconnects is noticed.
public struct RepeatedConnectionLoss: Equatable, Sendable, CustomStringConvertible {
  /// The broker, `host:port`.
  public let broker: String
  /// Why the connection was lost, both times.
  public let reason: String
  /// How the connection ended the second time.
  public let end: ConnectionEnd?
  /// The protocol spoken to the broker.
  public let protocolVersion: MQTTProtocolVersion

  /// What is going on: the sentence without its advice.
  public var problem: String {
    "the connection to \(broker) was lost again (\(reason)); reconnecting with growing pauses, "
      + "every loss is recorded as a 'disconnected' event"
  }

  /// Whether the losses look like a broker that mishandles MQTT v5, so that MQTT 3.1.1 is worth a try.
  public var suggestsMQTT311: Bool { end == .protocolError && protocolVersion == .v5 }

  /// What to do about it, in the library's terms.
  public var advice: String {
    switch end {
    case .protocolError:
      return suggestsMQTT311
        ? "if it goes on, the broker may mishandle MQTT v5: try MQTT 3.1.1" : "if it goes on, check the broker's log"
    case .closedByBroker, .disconnectedByBroker:
      return "the broker's log says why it closes the connection"
    default:
      return "check the network and the broker"
    }
  }

  /// The sentence: the problem, then the advice.
  public var description: String { "\(problem); \(advice)." }
}
