import MQTTCapture

/// A time `seconds` after 1970 (or an offset, below `TimingCheck.offsetLimit`).
func ts(_ seconds: Double) -> Timestamp {
  Timestamp(microseconds: Int64((seconds * 1_000_000).rounded()))
}

/// A message with a text payload.
func message(
  _ topic: String, _ payload: String, at seconds: Double = 0, qos: MQTTQoS = .atMostOnce, retain: Bool = false
)
  -> CapturedMessage
{
  CapturedMessage(timestamp: ts(seconds), topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain)
}

let power = "home/printer/power"
