/// Line 1 of a capture (and of every session appended to it).
public struct CaptureHeader: Equatable, Sendable {
  /// The format version this build writes.
  public static let currentVersion = 1

  /// The format version the file was written in.
  public var version: Int
  /// When the session started, RFC 3339 in UTC with microseconds.
  public var created: String
  /// The program (and version) that wrote it.
  public var tool: String
  /// `host:port`, never credentials.
  public var broker: String
  /// `mqttv5` or `mqttv311`.
  public var protocolName: String
  /// What the recorder subscribed to.
  public var subscriptions: [CaptureSubscription]
  /// The captures a merged capture was made from (`mqtt-dumper merge`), as given; empty for a recording.
  public var sources: [String]
  /// The instance (`capture --instance`) each of `sources` was recorded by, in the same order, nil for a
  /// source that names none; empty when none does. Written as `instances`; a list of another length than
  /// `sources` is not read.
  public var sourceInstances: [String?]
  /// The shared-subscription group the recorder belonged to (`capture --share`): it subscribed to
  /// `$share/<group>/<filter>` for each of `subscriptions`; nil for a recorder of its own.
  public var group: String?
  /// The recorder's name within its group (`capture --instance`, by default host name and process id).
  public var instance: String?

  /// A header; the version is the one this build writes unless given.
  public init(
    version: Int = CaptureHeader.currentVersion, created: String, tool: String, broker: String,
    protocolName: String, subscriptions: [CaptureSubscription], sources: [String] = [], group: String? = nil,
    instance: String? = nil, sourceInstances: [String?] = []
  ) {
    self.version = version
    self.created = created
    self.tool = tool
    self.broker = broker
    self.protocolName = protocolName
    self.subscriptions = subscriptions
    self.sources = sources
    self.group = group
    self.instance = instance
    self.sourceInstances = sourceInstances
  }
}

/// One subscription of a capture session.
public struct CaptureSubscription: Equatable, Sendable {
  /// The topic filter.
  public var filter: String
  /// The maximum QoS asked for.
  public var qos: MQTTQoS
  /// A subscription to `filter` at up to `qos`.
  public init(filter: String, qos: MQTTQoS) {
    self.filter = filter
    self.qos = qos
  }
}
