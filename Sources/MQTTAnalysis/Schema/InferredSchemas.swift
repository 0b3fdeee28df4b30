import MQTTCapture

/// What `SchemaInference` found: the channels of a capture, each with its topics, messages and schema.
public struct InferredSchemas: Sendable {
  /// The channels, in the order their first message arrived.
  public var channels: [InferredChannel]
  /// How many messages were described.
  public var messageCount: Int
  /// What the document leaves out, one sentence each (the messages on the empty topic, which no topic
  /// filter can name).
  public var notes: [String] = []

  /// The channel that describes `topic`: the one listing it, else the first wildcard channel matching it.
  public func channel(forTopic topic: String) -> InferredChannel? {
    channels.first { $0.topics.contains(topic) }
      ?? channels.first { $0.kind != .topic && TopicFilter($0.filter)?.matches(topic) == true }
  }
}

/// A set of topics described together: one topic, a wildcard over sibling topics of one shape
/// (`octoPrint/temperature/+`) or an event family with one message per event (`octoPrint/event/{event}`).
public struct InferredChannel: Sendable {
  /// How a channel's topics were grouped.
  public enum Kind: Sendable, Equatable {
    /// One topic.
    case topic
    /// Topics of one shape that differ in some levels: `parent/+` for siblings, `dev/+/state` for a fleet;
    /// one message.
    case wildcard
    /// The topics under a level named `event` or `events`: `parent/+`, one message per event.
    case events
  }

  /// How its topics were grouped.
  public var kind: Kind
  /// A name usable as a key in `$defs` and AsyncAPI (`octoPrint.temperature`): letters, digits, `.`, `_`, `-`.
  public var id: String
  /// The MQTT topic filter it covers: the topic itself, or with `+` for the levels that vary.
  public var filter: String
  /// The AsyncAPI address: the filter with each `+` as its `{parameter}`.
  public var address: String
  /// The names of the address parameters, one per `+` level of `filter` in order (`event`,
  /// `temperatureId`; `devId` for `dev/{devId}/state`); empty for a single topic.
  public var parameters: [String]
  /// The concrete topics seen, first seen first (at most `Options.maxTopicsListed`).
  public var topics: [String]
  /// How many concrete topics there were (may exceed `topics.count`).
  public var topicCount: Int
  /// The kinds of message on this channel: one, or one per event of an event family.
  public var messages: [InferredMessage]
  /// How many messages were seen on it.
  public var messageCount: Int
  /// The QoS levels they were delivered with, lowest first.
  public var qos: [MQTTQoS]
  /// How many were delivered retained.
  public var retainedCount: Int
  /// The JSON Schema (draft 2020-12) every payload seen on the channel validates against (`anyOf` of the
  /// messages' schemas for an event family), keys in wire order.
  public var schema: JSONValue
  /// Sentences about what could not be described (too deep, too many member names).
  public var notes: [String]
  /// The first payload kept as an example (the channel's first message no larger than the example limit).
  public var example: [UInt8]? { messages.first?.example }
}

/// One kind of message on a channel: all its payloads, or one event's.
public struct InferredMessage: Sendable {
  /// The message's name: the event name (`PrintDone`), or the channel's id.
  public var name: String
  /// The topic filter its messages arrive on (the event's own topic in an event family).
  public var filter: String
  /// How many were seen.
  public var count: Int
  /// The QoS levels seen, lowest first.
  public var qos: [MQTTQoS]
  /// How many were retained.
  public var retainedCount: Int
  /// The JSON Schema its payloads validate against.
  public var schema: JSONValue
  /// One captured payload, as sent.
  public var example: [UInt8]?
  /// The example as the schema sees it (the JSON value, the text, the base64 of binary).
  public var exampleValue: JSONValue?
}
