/// The MQTT v5 properties a PUBLISH may carry to its subscribers.
public struct MQTTProperties: Equatable, Hashable, Sendable {
  /// Content Type: the payload's MIME type, as the publisher said.
  public var contentType: String?
  /// Payload Format Indicator: 1 when the publisher declared the payload UTF-8.
  public var payloadFormatIndicator: UInt8?
  /// Message Expiry Interval in seconds.
  public var messageExpiryInterval: UInt32?
  /// Response Topic, for request/response.
  public var responseTopic: String?
  /// Correlation Data, for request/response: bytes, not text.
  public var correlationData: [UInt8]?
  /// User Properties in the order sent (names may repeat).
  public var userProperties: [MQTTUserProperty] = []

  /// Properties as given; all absent by default.
  public init(
    contentType: String? = nil, payloadFormatIndicator: UInt8? = nil, messageExpiryInterval: UInt32? = nil,
    responseTopic: String? = nil, correlationData: [UInt8]? = nil, userProperties: [MQTTUserProperty] = []
  ) {
    self.contentType = contentType
    self.payloadFormatIndicator = payloadFormatIndicator
    self.messageExpiryInterval = messageExpiryInterval
    self.responseTopic = responseTopic
    self.correlationData = correlationData
    self.userProperties = userProperties
  }

  /// True when no property is present.
  public var isEmpty: Bool {
    contentType == nil && payloadFormatIndicator == nil && messageExpiryInterval == nil
      && responseTopic == nil && correlationData == nil && userProperties.isEmpty
  }
}

/// One MQTT v5 user property (names may repeat, order matters).
public struct MQTTUserProperty: Equatable, Hashable, Sendable {
  /// The property's name.
  public var name: String
  /// The property's value.
  public var value: String
  /// A name–value pair.
  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}
