import MQTTCapture
import MQTTDumper

/// `▶ replaying: 120/4,000 messages, 12.0s elapsed, 9m 48s left`: the status line of `replay`, and of
/// `verify` while it plays the stimulus.
func replayStatusText(_ p: ReplayProgress, options: ReplayOptions) -> String {
  let sent = p.total.map { "\(formatCount(p.sent))/\(formatCount($0))" } ?? formatCount(p.sent)
  var text = "▶ replaying: \(sent) messages, \(formatDuration(seconds: p.elapsed / .seconds(1))) elapsed"
  if let span = p.span, !options.maxRate {
    let left = max(0, (span - p.scheduled) / .seconds(1) / options.speed)
    text += ", \(formatDuration(seconds: left)) left"
  }
  if options.loops != 1 { text += ", pass \(p.pass)" }
  return text
}

/// `verify`'s status line: the stimulus as `replay` shows it and what the consumer sent so far, then the
/// wait for the consumer.
func verifyStatusText(_ progress: ConsumerCheck.Progress, speed: Double) -> String {
  switch progress {
  case .replaying(let p, let received):
    var options = ReplayOptions()
    options.speed = speed
    return replayStatusText(p, options: options) + "; \(formatCount(received)) received from the consumer"
  case .waiting(let received, let waited, let timeout):
    return "⏳ waiting for the consumer: \(formatCount(received)) received, "
      + "\(formatDuration(seconds: waited / .seconds(1))) of \(formatDuration(seconds: timeout / .seconds(1)))"
  }
}
