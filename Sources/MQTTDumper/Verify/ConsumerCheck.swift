import Glibc
import MQTTCapture

/// Regression-tests an MQTT consumer, as `verify` does: listens on the topics the consumer publishes on,
/// plays the stimulus to the broker on the replay schedule, then waits for the consumer until the
/// expectation is met (and `settleTime` more) or came too late to meet it, or `timeout` has passed, and hands
/// back what came.
public struct ConsumerCheck: Sendable {
  /// How long to go on listening once the expectation is met, before the verdict: long enough that a
  /// consumer sending a message twice is caught with an extra message instead of passing because the
  /// check stopped at the first copy, and short enough that a passing check ends promptly.
  public static let settleTime: Duration = .milliseconds(300)
  /// How often the messages so far are held against the expectation while waiting for the consumer.
  public static let pollInterval: Duration = .milliseconds(100)

  /// The broker the stimulus goes to and the consumer publishes on.
  public var connection: ConnectionOptions
  /// Topic filters the consumer publishes on.
  public var watch: [String]
  /// The messages played to the consumer, in time order.
  public var stimulus: [CapturedMessage]
  /// Time factor of the stimulus: 2 plays it twice as fast.
  public var speed: Double
  /// What the consumer should publish (empty: the run is only recorded).
  public var expectation: Expectation
  /// How long to wait for the consumer after the stimulus has played.
  public var timeout: Duration

  /// What happened during one run.
  public struct Run: Sendable {
    /// What the consumer published, and when the stimulus started.
    public var recording: RecordedRun
    /// When the expectation's window opened: its event's time, else the stimulus start.
    public var windowStart: Timestamp
  }

  /// A check of the consumer on `connection` that publishes on `watch`.
  public init(
    connection: ConnectionOptions, watch: [String], stimulus: [CapturedMessage], speed: Double = 1,
    expectation: Expectation = Expectation(), timeout: Duration = .seconds(10)
  ) {
    self.connection = connection
    self.watch = watch
    self.stimulus = stimulus
    self.speed = speed
    self.expectation = expectation
    self.timeout = timeout
  }

  /// How far a check has got, for a progress line.
  public enum Progress: Sendable {
    /// Playing the stimulus; `received` messages came from the consumer so far.
    case replaying(ReplayProgress, received: Int)
    /// The stimulus is out: waiting up to `timeout` for the consumer, `waited` so far.
    case waiting(received: Int, waited: Duration, timeout: Duration)
  }

  /// Plays the stimulus and collects what the consumer publishes.
  /// - Parameters:
  ///   - shouldStop: polled throughout; true ends the run early with what came so far.
  ///   - report: told the progress a few times a second.
  /// - Throws: `MQTTError` when the broker cannot be reached, refuses, or goes away for good;
  ///   `VerifyError.eventNotInStimulus` when the window's event never went out.
  public func run(shouldStop: () -> Bool, report: ((Progress) -> Void)? = nil) throws -> Run {
    let watcher = try TopicWatcher(options: connection, filters: watch)
    try watcher.start()
    var stimulusStart: Timestamp?
    var eventTime: Timestamp?
    do {
      let publisher = try MQTTClient(options: connection, lowLatency: true)
      try publisher.connect()
      defer { publisher.disconnect() }
      var replay = ReplayOptions()
      replay.speed = speed
      let event = expectation.window.after
      let span = stimulus.last.map {
        Duration.microseconds($0.timestamp.microseconds - stimulus[0].timestamp.microseconds)
      }
      _ = try Replayer(client: publisher, options: replay).run(
        makeSource: { ArraySource(stimulus) }, total: stimulus.count, span: span, shouldStop: shouldStop,
        report: report.map { report in { report(.replaying($0, received: watcher.messageCount)) } },
        published: { m, at in
          if stimulusStart == nil { stimulusStart = at }
          if let event, eventTime == nil, event.matches(m) { eventTime = at }
        })
    } catch {
      _ = watcher.stop()
      throw error
    }
    if let event = expectation.window.after, eventTime == nil {
      _ = watcher.stop()
      throw VerifyError.eventNotInStimulus(event.name)
    }
    let windowStart = eventTime ?? stimulusStart ?? .now()
    let waitStart = ContinuousClock.now
    let deadline = waitStart + timeout
    while ContinuousClock.now < deadline && !shouldStop() {
      report?(.waiting(received: watcher.messageCount, waited: .now - waitStart, timeout: timeout))
      if expectation.isMet(by: watcher.messages, windowStart: windowStart) {
        Self.pause(Self.settleTime)
        break
      }
      // The window closed and what was expected came late: no more waiting changes the verdict.
      if expectation.isDecided(by: watcher.messages, windowStart: windowStart, now: .now()) { break }
      Self.pause(Self.pollInterval)
    }
    return Run(recording: RecordedRun(messages: watcher.stop(), stimulusStart: stimulusStart), windowStart: windowStart)
  }

  /// The verdict on `run` against the expectation.
  public func verdict(on run: Run) -> Verdict {
    expectation.verdict(
      received: run.recording.messages, stimulusStart: run.recording.stimulusStart, windowStart: run.windowStart)
  }

  /// The header of a capture that saves a run of this check: the broker, the watched filters, the tool.
  public func recordingHeader() -> CaptureHeader {
    CaptureHeader(
      created: Timestamp.now().rfc3339, tool: "mqtt-dumper \(MQTTDumperVersion.string) verify",
      broker: connection.brokerDescription, protocolName: connection.protocolVersion.rawValue,
      subscriptions: watch.map { CaptureSubscription(filter: $0, qos: .exactlyOnce) })
  }

  private static func pause(_ duration: Duration) {
    usleep(UInt32(duration / .microseconds(1)))
  }
}
