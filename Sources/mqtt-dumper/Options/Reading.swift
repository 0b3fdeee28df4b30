import MQTTCapture

/// A whole capture in memory (for `diff` and `verify`, whose captures are small): its messages through
/// `filter`, and its events. Warns when it was cut off, and says so in `cutOff` (an input error: exit 2).
/// `keep` sees each message that is kept, and may change it (share its payload's storage, for example).
func readCapture(
  _ path: String, filter: MessageFilter = MessageFilter(), keep: (inout CapturedMessage) -> Void = { _ in }
) throws
  -> (messages: [CapturedMessage], events: [ConnectionEvent], cutOff: Bool)
{
  let reader = try CaptureReader(path: path)
  var filter = filter
  var messages: [CapturedMessage] = []
  var events: [ConnectionEvent] = []
  while let record = try reader.next() {
    switch record {
    case .message(var m):
      guard filter.accept(m) else { break }
      keep(&m)
      messages.append(m)
    case .event(let e): events.append(e)
    case .header: break
    }
  }
  if let truncation = reader.truncation { printWarning(truncation) }
  return (messages, events, reader.truncation != nil)
}
