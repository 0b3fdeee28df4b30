import MQTTCapture

/// What a user can do to a running job: what OctoPrint does when Home Assistant's buttons (or `--control`)
/// ask for it.
public enum JobCommand: String, Sendable, CaseIterable {
  /// Cancel the job: the cancel sequence, as a real OctoPrint runs it.
  case cancel
  /// Pause the job until it is resumed.
  case pause
  /// Resume a paused job.
  case resume
}

extension PrinterJob {
  /// Changes the job's course at `t` (seconds into the session): the plan from `t` on is made again, and
  /// whatever was made ahead for later than `t` is taken back and made anew.
  /// - Returns: nil when the command took effect, else why it was ignored (one sentence's end, such as
  ///   "no job is printing").
  /// The last `takingBack` messages handed out go back first (see `takeBack`), once the command is accepted.
  mutating func apply(_ command: JobCommand, at t: Double, takingBack: Int = 0) -> String? {
    let printing = t >= timeline.started + 1 && t < timeline.end
    let pausedNow = timeline.pauseAt.map { t >= $0 && t < $0 + timeline.pauseLength } ?? false
    switch command {
    case .cancel: if !printing { return "no job is printing" }
    case .pause:
      if !printing { return "no job is printing" }
      if pausedNow { return "the job is paused already" }
      if let p = timeline.pauseAt, p <= t { return "the job was paused once already (one pause per job is simulated)" }
    case .resume: if !pausedNow { return "the job is not paused" }
    }
    takeBack(takingBack)
    switch command {
    case .cancel:
      if let p = timeline.pauseAt {
        if p > t {
          timeline.pauseAt = nil
          timeline.pauseLength = 0
        } else if pausedNow {
          timeline.pauseLength = t - p  // the pause ends with the cancel; no resume
        }
      }
      endFraction = timeline.printedFraction(t)
      commandedEnd = t
      o.outcome = .cancelled
    case .pause:
      timeline.pauseAt = t
      timeline.pauseLength = .infinity
      if o.outcome == .done { o.outcome = .pausedResumed }
    case .resume:
      timeline.pauseLength = t - timeline.pauseAt!
    }
    replan(from: t)
    return nil
  }

  /// Plans again from `t`: the end, the heaters, the phases; takes back what was made for after `t` and
  /// winds every source back to `t`.
  private mutating func replan(from t: Double) {
    tool.forget(after: t)
    bed.forget(after: t)
    planEnding()
    rewind(to: t)
  }
}
