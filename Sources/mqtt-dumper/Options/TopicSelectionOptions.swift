import ArgumentParser
import MQTTCapture
import MQTTDumper

/// `-t` and `--exclude`: which topics a command works on (`print`, `samples`, `replay`, `diff`).
struct TopicSelectionOptions: ParsableArguments {
  @Option(name: [.customShort("t"), .customLong("topic")], help: "Keep topics matching this MQTT filter (repeatable).")
  var topics: [String] = []

  @Option(name: .long, help: "Leave out topics matching this MQTT filter (repeatable).")
  var exclude: [String] = []

  /// A filter that keeps the selected topics.
  /// - Throws: `ValidationError` naming a filter that is not valid MQTT.
  func filter() throws -> MessageFilter {
    var f = MessageFilter()
    f.topics = try topicFilters(topics)
    f.excludes = try topicFilters(exclude)
    return f
  }
}

/// Parses MQTT topic filters given on the command line.
func topicFilters(_ texts: [String]) throws -> [TopicFilter] {
  try texts.map { text in
    guard let filter = TopicFilter(text) else { throw ValidationError(MQTTError.invalidTopicFilter(text).description) }
    return filter
  }
}
