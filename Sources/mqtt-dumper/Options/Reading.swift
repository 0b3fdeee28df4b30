import MQTTCapture

/// A whole capture in memory (for `diff` and `verify`, whose captures are small): its messages through
/// `filter`, and its events. Warns when it was cut off, and says so in `cutOff` (an input error: exit 2).
func readCapture(_ path: String, filter: MessageFilter = MessageFilter()) throws
  -> (messages: [CapturedMessage], events: [ConnectionEvent], cutOff: Bool)
{
  let reader = try CaptureReader(path: path)
  var filter = filter
  var messages: [CapturedMessage] = []
  var events: [ConnectionEvent] = []
  while let record = try reader.next() {
    switch record {
    case .message(let m): if filter.accept(m) { messages.append(m) }
    case .event(let e): events.append(e)
    case .header: break
    }
  }
  if let truncation = reader.truncation { printWarning(truncation) }
  return (messages, events, reader.truncation != nil)
}
