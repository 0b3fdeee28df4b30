import MQTTCapture

/// A whole capture in memory (for `diff` and `verify`, whose captures are small): its messages through
/// `filter`, and its events. Warns when it was cut off, and says so in `cutOff` (an input error: exit 2).
func readCapture(_ path: String, filter: MessageFilter = MessageFilter()) throws
  -> (messages: [CapturedMessage], events: [ConnectionEvent], cutOff: Bool)
{
  try readCapture(path, filter: filter) { $0 }
}

/// A whole capture as `readCapture(_:filter:)` reads it, each message kept as `keep` turns it (`diff`: a
/// large payload as its digest, equal payloads sharing their storage).
func readCapture<Kept>(
  _ path: String, filter: MessageFilter = MessageFilter(), keep: (CapturedMessage) -> Kept
) throws
  -> (messages: [Kept], events: [ConnectionEvent], cutOff: Bool)
{
  let reader = try CaptureReader(path: path)
  var filter = filter
  var messages: [Kept] = []
  var events: [ConnectionEvent] = []
  while let record = try reader.next() {
    switch record {
    case .message(let m):
      guard filter.accept(m) else { break }
      messages.append(keep(m))
    case .event(let e): events.append(e)
    case .header: break
    }
  }
  if let truncation = reader.truncation { printWarning(truncation) }
  return (messages, events, reader.truncation != nil)
}
