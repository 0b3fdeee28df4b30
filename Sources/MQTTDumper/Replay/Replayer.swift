import Glibc
import MQTTCapture

/// Where replayed messages come from: a capture's records or a simulation, in time order.
public protocol MessageSource {
  /// The next message, or nil at the end of one pass.
  mutating func next() throws -> CapturedMessage?
}

/// Messages of capture files, in order, through a filter.
public struct CaptureFileSource: MessageSource {
  private var paths: [String]
  private var reader: CaptureReader?
  private var filter: MessageFilter
  /// The readers' cut-off sentences, for the caller to show.
  public private(set) var truncations: [String] = []

  /// The messages of the files at `paths`, read one after the other, that `filter` keeps.
  public init(paths: [String], filter: MessageFilter = MessageFilter()) {
    self.paths = paths
    self.filter = filter
  }

  /// The next message the filter keeps, or nil once every file is read or the filter is exhausted.
  /// - Throws: `CaptureError` when a file cannot be read, is not a capture, or is corrupt.
  public mutating func next() throws -> CapturedMessage? {
    while true {
      if filter.isExhausted { return nil }
      if reader == nil {
        guard !paths.isEmpty else { return nil }
        reader = try CaptureReader(path: paths.removeFirst())
      }
      guard let record = try reader!.next() else {
        if let t = reader!.truncation { truncations.append(t) }
        reader = nil
        continue
      }
      if case .message(let m) = record, filter.accept(m) { return m }
    }
  }
}

/// Messages held in memory (a simulation's output, or a test's).
public struct ArraySource: MessageSource {
  private let messages: [CapturedMessage]
  private var index = 0
  /// A source of `messages`, in the order given.
  public init(_ messages: [CapturedMessage]) { self.messages = messages }
  /// The next message, or nil after the last; never throws.
  public mutating func next() throws -> CapturedMessage? {
    guard index < messages.count else { return nil }
    defer { index += 1 }
    return messages[index]
  }
}

/// How a replay publishes.
public struct ReplayOptions: Sendable {
  /// Time factor: 2 plays twice as fast. Ignored with `maxRate`.
  public var speed = 1.0
  /// Publish as fast as the broker takes them, keeping at most `window` messages in flight.
  public var maxRate = false
  /// With `maxRate`: how many messages may be queued or unacknowledged before publishing waits.
  public var window = 1000
  /// Passes over the messages; nil for forever.
  public var loops: Int? = 1
  /// Publish every message with this QoS; nil keeps each message's.
  public var qos: MQTTQoS?
  /// Set (true) or clear (false) every message's retain flag; nil keeps each message's.
  public var retain: Bool?
  /// How topics are rewritten (`--map`, `--prefix`); by default they are not.
  public var topics = TopicMap()
  /// Time fields rewritten to the moment each message is published (`--shift-timestamps`); nil: payloads
  /// are sent as captured.
  public var timeFields: TimeFields?
  /// One pass at the recorded pace, every message as recorded.
  public init() {}
}

/// How far a replay got.
public struct ReplayProgress: Sendable {
  /// Messages handed to the broker so far, all passes together.
  public var sent = 0
  /// Messages in one pass, when known in advance.
  public var total: Int?
  /// The pass under way, from 1.
  public var pass = 1
  /// Time since the first message was in hand.
  public var elapsed: Duration = .zero
  /// Schedule time of the last message sent, relative to the start (at speed 1: the capture's clock).
  public var scheduled: Duration = .zero
  /// Schedule length of one pass, when known.
  public var span: Duration?
  /// How late messages went out against their schedule (max), for the summary.
  public var maxLateness: Duration = .zero
}

/// Publishes messages on an absolute schedule: message k is due at start + (ts_k − ts_0) / speed, so
/// waiting errors never add up, across loops too.
public final class Replayer {
  /// The connection messages are published on; the caller connects it.
  public let client: MQTTClient
  /// How the replay publishes.
  public let options: ReplayOptions
  /// How long to try to get a lost connection back before giving up.
  public var reconnectPatience: Duration = .seconds(30)
  private var backoff = ReconnectBackoff()

  /// A replayer that publishes on `client`, already connected, as `options` say.
  public init(client: MQTTClient, options: ReplayOptions) {
    self.client = client
    self.options = options
  }

  /// Replays what `makeSource` yields (called once per pass), then waits until the broker has every message.
  /// - Parameters:
  ///   - total: messages in one pass, when known in advance, for `report`.
  ///   - span: schedule length of one pass, when known in advance, for `report`.
  ///   - shouldStop: polled before each message and while waiting; true ends the replay where it is.
  ///   - report: called at most four times a second with the progress.
  ///   - published: told of every message when it was handed to the broker, and when.
  ///   - stillDue: asked, once a message's time has come, whether it is still to be sent (a simulation that
  ///     was commanded meanwhile may take it back); nil: every message is.
  /// - Returns: how far the replay got.
  /// - Throws: `MQTTError` when the broker goes away for good (with how far the replay got) or refused QoS 1/2
  ///   messages; what the source throws (`CaptureError` for a capture that cannot be read).
  public func run(
    makeSource: @escaping () throws -> any MessageSource, total: Int? = nil, span: Duration? = nil,
    shouldStop: () -> Bool,
    report: ((ReplayProgress) -> Void)? = nil, published: ((CapturedMessage, Timestamp) -> Void)? = nil,
    stillDue: ((CapturedMessage) -> Bool)? = nil
  ) throws -> ReplayProgress {
    var progress = ReplayProgress()
    progress.total = total
    progress.span = span
    // The clock starts when the first message is in hand, so opening files does not make it late.
    var start = ContinuousClock.now
    var started = false
    var lastReport = start
    var schedule = ReplaySchedule(loops: options.loops, makeSource: makeSource)
    while let entry = try schedule.next() {
      if shouldStop() { return finish(progress, start) }
      if !started {
        start = .now
        started = true
      }
      progress.pass = entry.pass
      if progress.span == nil { progress.span = schedule.passSpan }
      if !options.maxRate {
        let due = start + entry.offset / options.speed
        try wait(until: due, progress: progress, shouldStop: shouldStop)
        if shouldStop() { return finish(progress, start) }
        let late = ContinuousClock.now - due
        if late > progress.maxLateness { progress.maxLateness = late }
      }
      if let stillDue, !stillDue(entry.message) { continue }
      try publish(entry.message, progress: progress)
      published?(entry.message, .now())
      progress.sent += 1
      progress.scheduled = entry.offset
      if options.maxRate { try keepWindow(progress: progress) }
      if let report, ContinuousClock.now - lastReport >= .milliseconds(250) {
        lastReport = .now
        progress.elapsed = ContinuousClock.now - start
        report(progress)
      }
    }
    if progress.span == nil { progress.span = schedule.passSpan }
    do {
      try client.drain()
    } catch {
      throw MQTTError.replayStopped(
        broker: client.options.brokerDescription, reason: Self.reason(error), sent: progress.sent,
        total: allPasses(progress), gaveUpReconnecting: false)
    }
    // MQTT v5 acknowledgements say when the broker refused a QoS 1/2 message (an ACL, a quota).
    if client.refusedPublishes > 0, let first = client.firstRefusal {
      throw MQTTError.publishesRefused(
        broker: client.options.brokerDescription, refused: client.refusedPublishes,
        answered: client.answeredPublishes, unanswered: progress.sent - client.answeredPublishes,
        firstTopic: first.topic, reason: first.reason)
    }
    return finish(progress, start)
  }

  private func finish(_ progress: ReplayProgress, _ start: ContinuousClock.Instant) -> ReplayProgress {
    var p = progress
    p.elapsed = ContinuousClock.now - start
    return p
  }

  private func publish(_ m: CapturedMessage, progress: ReplayProgress) throws {
    let topic = options.topics.isIdentity ? m.topic : options.topics.rewrite(m.topic)
    var m = m
    if let fields = options.timeFields, let shifted = fields.rewrite(m.payload, to: .now()) { m.payload = shifted }
    do {
      try client.publish(
        topic: topic, payload: m.payload, qos: options.qos ?? m.qos, retain: options.retain ?? m.retain,
        properties: m.properties)
    } catch MQTTError.publishFailed(_, _, let reason) where !client.isConnected {
      try reconnect(after: reason, progress: progress)
      try client.publish(
        topic: topic, payload: m.payload, qos: options.qos ?? m.qos, retain: options.retain ?? m.retain,
        properties: m.properties)
    }
  }

  /// Sleeps until `due`, serving the connection (acks, keepalive) meanwhile: `runOnce` polls the socket until
  /// about 2 ms are left, then a relative `nanosleep` covers the rest. The clock is read again after every
  /// wake-up, so a sleep cut short (by a signal) just sleeps again.
  private func wait(until due: ContinuousClock.Instant, progress: ReplayProgress, shouldStop: () -> Bool) throws {
    while true {
      let remaining = due - ContinuousClock.now
      if remaining <= .zero { return }
      if remaining > .milliseconds(3) {
        let ms = Int32(min(remaining - .milliseconds(2), .milliseconds(100)) / .milliseconds(1))
        if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: max(ms, 1)) {
          try reconnect(after: reason, progress: progress)
        }
        if shouldStop() { return }
      } else {
        let (s, atto) = remaining.components
        var request = timespec(tv_sec: Int(s), tv_nsec: Int(atto / 1_000_000_000))
        nanosleep(&request, nil)
      }
    }
  }

  /// With --max-rate: let the connection catch up while too much is queued or unacknowledged.
  private func keepWindow(progress: ReplayProgress) throws {
    while client.outstandingPublishes > options.window {
      if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: 10) {
        try reconnect(after: reason, progress: progress)
      }
    }
  }

  /// Tries to get the connection back for about 30 s, with growing pauses; then gives up saying how far
  /// the replay got.
  private func reconnect(after reason: String, progress: ReplayProgress) throws {
    let deadline = ContinuousClock.now + reconnectPatience
    while ContinuousClock.now < deadline {
      usleep(UInt32(max(min(backoff.nextPause(), deadline - ContinuousClock.now), .zero) / .microseconds(1)))
      if (try? client.reconnect()) != nil {
        backoff.connected()
        return
      }
    }
    throw MQTTError.replayStopped(
      broker: client.options.brokerDescription, reason: reason, sent: progress.sent, total: allPasses(progress),
      gaveUpReconnecting: true)
  }

  /// Messages of all passes, when the number of passes and of messages in one are known.
  private func allPasses(_ progress: ReplayProgress) -> Int? {
    guard let loops = options.loops, let total = progress.total else { return nil }
    return loops * total
  }

  /// Why a connection went, as a clause.
  private static func reason(_ error: any Error) -> String {
    switch error {
    case MQTTError.connectionLost(_, let reason): return reason
    case let error as MQTTError: return error.problem
    default: return "\(error)"
    }
  }
}
