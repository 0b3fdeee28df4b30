import MQTTCapture

extension InferredSchemas {
  /// The JSON Schema (draft 2020-12) document `schema` writes: one `$defs` entry per channel (and per event of
  /// an event family) and `x-mqtt-channels`, a map from topic filter to the `$ref` of the schema its
  /// payloads validate against, which `check` reads. The root itself accepts any value.
  /// - Parameter title: the document's title, e.g. naming the captures it was inferred from.
  public func jsonSchema(title: String) -> JSONValue {
    var map: [JSONValue.Member] = []
    var defs: [JSONValue.Member] = []
    var ids = ChannelIDs(reserving: channels.map(\.id))
    for channel in channels {
      let decoration = Self.decoration(channel)
      if channel.kind == .events {
        var references: [JSONValue] = []
        for message in channel.messages {
          let id = ids.make(channel.id + "/" + message.name)
          map.append(.init(message.filter, Self.reference(id)))
          references.append(Self.reference(id))
          defs.append(.init(id, Self.prepend([.init("title", .string(message.filter))], to: message.schema)))
        }
        map.append(.init(channel.filter, Self.reference(channel.id)))
        defs.append(.init(channel.id, Self.prepend(decoration, to: .object([.init("anyOf", .array(references))]))))
      } else {
        map.append(.init(channel.filter, Self.reference(channel.id)))
        defs.append(.init(channel.id, Self.prepend(decoration, to: channel.schema)))
      }
    }
    return .object([
      .init("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
      .init("title", .string(title)),
      .init(
        "description",
        .string(
          "Inferred by mqtt-dumper from \(formatCount(messageCount, "message")) on \(formatCount(channels.count, "channel")). x-mqtt-channels maps "
            + "each MQTT topic filter to the schema of its payloads (a topic uses its own entry, else the first filter "
            + "that matches it). A JSON payload is validated as its value, other UTF-8 as a string of its text, other "
            + "bytes as a string of their base64.")),
      .init("x-mqtt-channels", .object(map)),
      .init("$defs", .object(defs)),
    ])
  }

  private static func reference(_ id: String) -> JSONValue {
    .object([.init("$ref", .string("#/$defs/" + id))])
  }

  /// `members` put first in `schema`; a member it already has (`description`) is joined into one.
  private static func prepend(_ members: [JSONValue.Member], to schema: JSONValue) -> JSONValue {
    guard case .object(var existing) = schema else { return schema }
    var first = members
    for (index, member) in first.enumerated() {
      guard let at = existing.firstIndex(where: { $0.key == member.key }) else { continue }
      if case .string(let own) = member.value, case .string(let other) = existing[at].value {
        first[index].value = .string(own + " " + other)
      }
      existing.remove(at: at)
    }
    return .object(first + existing)
  }

  /// `title` and `description` of a channel's definition: how many messages, which topics, QoS, retain.
  static func decoration(_ channel: InferredChannel) -> [JSONValue.Member] {
    [.init("title", .string(channel.filter)), .init("description", .string(summary(channel)))]
  }

  /// One sentence: `12 messages on 2 topics (octoPrint/temperature/tool0, …), QoS 0, 1 retained.`
  static func summary(_ channel: InferredChannel) -> String {
    var topics = channel.topics.prefix(5).joined(separator: ", ")
    if channel.topicCount > 5 { topics += ", …" }
    let qos = channel.qos.map { String($0.rawValue) }.joined(separator: " and ")
    let retained =
      channel.retainedCount == 0
      ? "none retained"
      : channel.retainedCount == channel.messageCount
        ? "all retained" : "\(formatCount(channel.retainedCount)) retained"
    let messages = formatCount(channel.messageCount, "message")
    let on =
      channel.topicCount == 1 ? "on \(channel.topics[0])" : "on \(formatCount(channel.topicCount, "topic")) (\(topics))"
    return "\(messages) \(on), QoS \(qos), \(retained)."
  }
}

extension ChannelIDs {
  init(reserving ids: [String]) {
    self.init()
    for id in ids { _ = make(id) }
  }
}
