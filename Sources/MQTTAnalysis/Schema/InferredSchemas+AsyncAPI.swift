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
      let fixed = Self.addressLevels(of: channel).fixed
      if !channel.parameters.isEmpty || !fixed.isEmpty {
        members.append(.init("parameters", .object(Self.parameters(of: channel) + fixed)))
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
    if let value = message.exampleValue, let key = Self.repeatedKey(in: value) {
      // A YAML mapping cannot repeat a key: such an example would make the document unreadable.
      members.append(
        .init(
          "description",
          .string(
            "The captured example is left out: an object in it repeats the member name \"\(VisibleText.name(key, limit: 60))\", "
              + "which a YAML or AsyncAPI document cannot hold.")))
      members.append(.init("payload", message.schema))
      return .object(members)
    }
    members.append(.init("payload", message.schema))
    if let value = message.exampleValue {
      members.append(.init("examples", .array([.object([.init("payload", value)])])))
    }
    return .object(members)
  }

  /// The first member name an object in `value` repeats, if any.
  static func repeatedKey(in value: JSONValue) -> String? {
    var pending = [value]
    while let next = pending.popLast() {
      switch next {
      case .object(let members):
        var seen = Set<String>()
        for member in members {
          if !seen.insert(member.key).inserted { return member.key }
          pending.append(member.value)
        }
      case .array(let items): pending += items
      default: break
      }
    }
    return nil
  }

  /// A channel's AsyncAPI address: each `+` level of its filter its parameter (`{deviceId}`); a level that
  /// holds `{` or `}`, which an address would read as a parameter (`a/{x}/s`), a parameter of its own,
  /// `level` and its number, whose one `enum` value is the level (`fixed`).
  static func addressLevels(of channel: InferredChannel) -> (address: String, fixed: [JSONValue.Member]) {
    var address: [String] = []
    var fixed: [JSONValue.Member] = []
    var next = 0
    for (i, level) in channel.filter.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
      if level == "+", next < channel.parameters.count {
        address.append("{\(channel.parameters[next])}")
        next += 1
      } else if level.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }) {
        var name = "level\(i + 1)"
        while channel.parameters.contains(name) { name += "_" }
        address.append("{\(name)}")
        fixed.append(
          .init(
            name,
            .object([
              .init("description", .string("Topic level \(i + 1), which holds a brace: always this value.")),
              .init("enum", .array([.string(String(level))])),
            ])))
      } else {
        address.append(String(level))
      }
    }
    return (address.joined(separator: "/"), fixed)
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
