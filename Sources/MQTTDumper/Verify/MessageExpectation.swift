import MQTTCapture

/// One message the consumer must publish, written `home/printer/power=off`: a topic, `=`, and a payload
/// (a JSON payload is compared as a value: key order and number spelling do not matter; flags are not
/// compared).
public struct MessageExpectation: Equatable, Sendable {
  /// The topic it must come on.
  public var topic: String
  /// The payload it must carry, as text.
  public var payload: String

  /// The message `payload` on `topic`.
  public init(topic: String, payload: String) {
    self.topic = topic
    self.payload = payload
  }

  /// Parses `topic=payload`, split at the first `=`.
  /// - Returns: nil when there is no `=`, or nothing before it.
  public init?(_ text: String) {
    guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
    topic = String(text[..<eq])
    payload = String(text[text.index(after: eq)...])
  }

  /// The expectation as it is written: `topic=payload`.
  public var text: String { "\(topic)=\(payload)" }

  /// The expected message as a capture would hold it (for reports), stamped `timestamp`.
  public func message(at timestamp: Timestamp) -> CapturedMessage {
    CapturedMessage(timestamp: timestamp, topic: topic, payload: Array(payload.utf8))
  }

  /// Whether `message` is the expected one: the same topic and the same payload.
  public func matches(_ message: CapturedMessage) -> Bool {
    guard message.topic == topic else { return false }
    var wanted = self.message(at: message.timestamp)
    (wanted.qos, wanted.retain) = (message.qos, message.retain)
    return CaptureComparison.compare(expected: [wanted], actual: [message]).isEmpty
  }

  /// Whether a matching message is among `messages` and came inside `window`, opened at `start`.
  public func isSatisfied(by messages: [CapturedMessage], window: ExpectationWindow, openedAt start: Timestamp) -> Bool
  {
    messages.contains { matches($0) && window.contains($0.timestamp, openedAt: start) }
  }
}
