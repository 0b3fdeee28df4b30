import MQTTCapture

/// How the OctoPrint MQTT plugin publishes an event: on `<base>/event/<Name>`, with the name in the
/// payload's `_event` field as well.
public enum OctoPrintEvent {
  /// Whether `message` is the event `name` (`PrintDone`): by its topic (`…/event/PrintDone`, or the name
  /// as the whole topic) or by its JSON payload's `_event` field.
  public static func matches(_ message: CapturedMessage, named name: String) -> Bool {
    if message.topic.hasSuffix("/event/\(name)") || message.topic == name { return true }
    guard let value = message.payload.withUnsafeBytes({ try? JSONParser.parse($0) }) else { return false }
    return value["_event"]?.stringValue == name
  }
}
