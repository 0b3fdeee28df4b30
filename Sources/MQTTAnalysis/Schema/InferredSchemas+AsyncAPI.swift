import MQTTCapture

extension InferredSchemas {
  /// An AsyncAPI 3.0 document: one channel per inferred channel (its address with a parameter for a
  /// wildcard or event family), its messages with payload schemas and one captured example each, and a
  /// `receive` operation per channel whose MQTT binding has the QoS (the highest seen) and retain (whether
  /// any was retained) observed.
  /// - Parameter title: `info.title`.
  public func asyncAPI(title: String) -> JSONValue {
    var channelMembers: [JSONValue.Member] = []
    var operations: [JSONValue.Member] = []
    for channel in channels {
      var messages: [JSONValue.Member] = []
      var messageIDs = ChannelIDs()
      var references: [JSONValue] = []
      for message in channel.messages {
        let id = messageIDs.make(message.name)
        messages.append(.init(id, Self.message(message, in: channel)))
        references.append(.object([.init("$ref", .string("#/channels/\(channel.id)/messages/\(id)"))]))
      }
      var members: [JSONValue.Member] = [
        .init("address", .string(channel.address)),
        .init("title", .string(channel.filter)),
        .init("description", .string(Self.summary(channel))),
      ]
      if !channel.parameters.isEmpty {
        members.append(.init("parameters", .object(Self.parameters(of: channel))))
      }
      members.append(.init("messages", .object(messages)))
      channelMembers.append(.init(channel.id, .object(members)))
      operations.append(
        .init(
          "receive-" + channel.id,
          .object([
            .init("action", .string("receive")),
            .init("channel", .object([.init("$ref", .string("#/channels/\(channel.id)"))])),
            .init("messages", .array(references)),
            .init(
              "bindings",
              .object([
                .init(
                  "mqtt",
                  .object([
                    .init("qos", .number(String((channel.qos.last ?? .atMostOnce).rawValue))),
                    .init("retain", .bool(channel.retainedCount > 0)),
                    .init("bindingVersion", .string("0.2.0")),
                  ]))
              ])),
          ])))
    }
    return .object([
      .init("asyncapi", .string("3.0.0")),
      .init(
        "info",
        .object([
          .init("title", .string(title)),
          .init("version", .string("1.0.0")),
          .init(
            "description",
            .string(
              "Inferred by mqtt-dumper from \(formatCount(messageCount, "captured message")). Payload schemas are JSON Schema; a "
                + "payload that is not JSON is described as a string (its text, or the base64 of bytes that are not "
                + "UTF-8).")),
        ])),
      .init("defaultContentType", .string("application/json")),
      .init("channels", .object(channelMembers)),
      .init("operations", .object(operations)),
    ])
  }

  private static func message(_ message: InferredMessage, in channel: InferredChannel) -> JSONValue {
    var members: [JSONValue.Member] = [.init("name", .string(message.name)), .init("title", .string(message.filter))]
    if let example = message.example {
      switch PayloadValue(example) {
      case .json, .tooDeep: break
      case .text: members.append(.init("contentType", .string("text/plain")))
      case .binary: members.append(.init("contentType", .string("application/octet-stream")))
      }
    }
    members.append(.init("payload", message.schema))
    if let value = message.exampleValue {
      members.append(.init("examples", .array([.object([.init("payload", value)])])))
    }
    return .object(members)
  }

  /// One AsyncAPI parameter per `+` level of the channel's filter, with the values seen there as examples.
  static func parameters(of channel: InferredChannel) -> [JSONValue.Member] {
    let levels = channel.filter.split(separator: "/", omittingEmptySubsequences: false)
    let places = levels.indices.filter { levels[$0] == "+" }
    return zip(channel.parameters, places).map { name, place in
      var seen = Set<Substring>()
      var examples: [JSONValue] = []
      for topic in channel.topics {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard place < parts.count, seen.insert(parts[place]).inserted else { continue }
        examples.append(.string(String(parts[place])))
      }
      let description = place == levels.count - 1 ? "The last topic level." : "Topic level \(place + 1)."
      return .init(name, .object([.init("description", .string(description)), .init("examples", .array(examples))]))
    }
  }
}
