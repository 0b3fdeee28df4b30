/// MQTT quality of service.
public enum MQTTQoS: UInt8, Sendable, Comparable, CaseIterable {
  case atMostOnce = 0
  case atLeastOnce = 1
  case exactlyOnce = 2

  public static func < (a: MQTTQoS, b: MQTTQoS) -> Bool { a.rawValue < b.rawValue }
}

/// One MQTT v5 user property (names may repeat, order matters).
public struct MQTTUserProperty: Equatable, Hashable, Sendable {
  public var name: String
  public var value: String
  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}

/// The MQTT v5 properties a PUBLISH may carry to its subscribers.
public struct MQTTProperties: Equatable, Hashable, Sendable {
  public var contentType: String?
  public var payloadFormatIndicator: UInt8?
  public var messageExpiryInterval: UInt32?
  public var responseTopic: String?
  public var correlationData: [UInt8]?
  public var userProperties: [MQTTUserProperty] = []

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

/// One message as it was received: the payload's bytes untouched.
public struct CapturedMessage: Equatable, Hashable, Sendable {
  public var timestamp: Timestamp
  public var topic: String
  public var payload: [UInt8]
  public var qos: MQTTQoS
  public var retain: Bool
  public var properties: MQTTProperties

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

/// One subscription of a capture session.
public struct CaptureSubscription: Equatable, Sendable {
  public var filter: String
  public var qos: MQTTQoS
  public init(filter: String, qos: MQTTQoS) {
    self.filter = filter
    self.qos = qos
  }
}

/// Line 1 of a capture (and of every session appended to it).
public struct CaptureHeader: Equatable, Sendable {
  /// The format version this build writes.
  public static let currentVersion = 1

  public var version: Int
  /// When the session started, RFC 3339 in UTC with microseconds.
  public var created: String
  public var tool: String
  /// `host:port`, never credentials.
  public var broker: String
  public var protocolName: String
  public var subscriptions: [CaptureSubscription]

  public init(
    version: Int = CaptureHeader.currentVersion, created: String, tool: String, broker: String,
    protocolName: String, subscriptions: [CaptureSubscription]
  ) {
    self.version = version
    self.created = created
    self.tool = tool
    self.broker = broker
    self.protocolName = protocolName
    self.subscriptions = subscriptions
  }
}

/// One line of a capture file.
public enum CaptureRecord: Equatable, Sendable {
  case header(CaptureHeader)
  case message(CapturedMessage)
  case event(ConnectionEvent)
}

/// The name and version this library writes into headers.
public enum MQTTDumperVersion {
  public static let string = "0.1.0"
}
