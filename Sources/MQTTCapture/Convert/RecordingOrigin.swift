/// What a recording knows of where it was made, for the header of the capture `convert` writes from it:
/// the broker, the protocol, what was subscribed to. The header is written with the first message, so only
/// what the recording knew by then goes in.
public struct RecordingOrigin: Equatable, Sendable {
  /// The broker's `host:port` (several joined by `, `, as `merge` writes them), or nil when the input does
  /// not say.
  public var broker: String?
  /// `mqttv5`, `mqttv311` or `mqttv31`, or nil when the input does not say.
  public var protocolName: String?
  /// The topic filters (and QoS) asked for; empty when the input does not say.
  public var subscriptions: [CaptureSubscription]

  /// What a recording that says nothing of its origin knows: nothing (a capture header `unknown`, no
  /// subscriptions).
  public static let unknown = RecordingOrigin()

  /// An origin; nil and empty for what is not known.
  public init(broker: String? = nil, protocolName: String? = nil, subscriptions: [CaptureSubscription] = []) {
    self.broker = broker
    self.protocolName = protocolName
    self.subscriptions = subscriptions
  }
}
