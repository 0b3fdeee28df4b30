import MQTTCapture

/// Recognising OctoPrint events in captured traffic.
public enum OctoPrintEvent {
  /// Whether `message` is the OctoPrint event `name` (`PrintDone`, …): by its topic (`…/event/NAME`, or
  /// `NAME` itself), or by the `_event` member of a JSON payload (the plugin sends both).
  public static func matches(_ message: CapturedMessage, named name: String) -> Bool {
    if message.topic.hasSuffix("/event/\(name)") || message.topic == name { return true }
    guard let value = message.payload.withUnsafeBytes({ try? JSONParser.parse($0) }) else { return false }
    return value["_event"]?.stringValue == name
  }
}
