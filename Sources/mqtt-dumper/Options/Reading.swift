import MQTTCapture

/// A whole capture in memory (for `diff` and `verify`, whose captures are small): its messages through
/// `filter`, and the time of its `stimulus` event if `verify --record` wrote one. Warns when it was cut off.
func readCapture(_ path: String, filter: MessageFilter = MessageFilter()) throws
  -> (messages: [CapturedMessage], stimulus: Timestamp?)
{
  let reader = try CaptureReader(path: path)
  var filter = filter
  var messages: [CapturedMessage] = []
  var stimulus: Timestamp?
  while let record = try reader.next() {
    switch record {
    case .message(let m): if filter.accept(m) { messages.append(m) }
    case .event(let e) where e.kind == "stimulus" && stimulus == nil: stimulus = e.timestamp
    default: break
    }
  }
  if let truncation = reader.truncation { printWarning(truncation) }
  return (messages, stimulus)
}
