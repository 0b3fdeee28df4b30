import MQTTCapture

/// What was published to one topic (or, as `TrafficStatistics.totals`, to all of them), accumulated one
/// message at a time in constant memory.
///
/// - The peak rate is the most messages in one wall-clock second (a whole second of the Unix clock, not a
///   sliding window), counted over consecutive messages: a second that comes back after time went
///   backwards (files given out of order) is counted afresh.
/// - The longest silence is the largest gap between the latest time seen so far and a message after it:
///   in a stream in time order, between consecutive messages. When time goes backwards (a clock set back,
///   records or files out of order), a message earlier than one already seen never makes a silence, a
///   silence begins at the latest time seen, and a message that falls inside the longest silence so far
///   cuts it to its longer part: the silence shown never has a message inside it (it can then be shorter
///   than one forgotten earlier). `stepsBack` counts the messages earlier than the one before them.
/// - The median size is exact below `SizeHistogram.exactLimit` bytes, within 1/64 above.
public struct TopicStatistics: Sendable {
  /// The longest time without a message.
  public struct Silence: Sendable, Equatable {
    /// The message before the silence.
    public var from: Timestamp
    /// The message that ended it.
    public var to: Timestamp
    /// Its length in seconds.
    public var seconds: Double { Double(to.microseconds - from.microseconds) / 1e6 }
  }

  /// The topic (empty for the totals).
  public var topic: String
  /// Messages counted.
  public private(set) var messages = 0
  /// Their payloads' bytes, added up.
  public private(set) var payloadBytes: UInt64 = 0
  /// The smallest payload in bytes; nil before the first message.
  public private(set) var minBytes: Int?
  /// The largest payload in bytes; nil before the first message.
  public private(set) var maxBytes: Int?
  /// The payload sizes, for the median.
  public private(set) var sizes = SizeHistogram()
  /// The earliest message's time.
  public private(set) var first: Timestamp?
  /// The latest message's time.
  public private(set) var last: Timestamp?
  /// The most messages in one wall-clock second (see the type).
  public private(set) var peakRate = 0
  /// The start of the second with the most messages (the earliest, on a tie).
  public private(set) var peakSecond: Timestamp?
  /// The largest gap between consecutive messages; nil with fewer than two messages.
  public private(set) var longestSilence: Silence?
  /// Messages earlier than the message before them (time went backwards); 0 in a stream in time order.
  public private(set) var stepsBack = 0
  /// Messages per QoS, indexed by the level: `[QoS 0, QoS 1, QoS 2]`.
  public var messagesByQoS: [Int] { [qos0, qos1, qos2] }
  // Three counters rather than an array: no uniqueness check per message.
  private var qos0 = 0
  private var qos1 = 0
  private var qos2 = 0
  /// Messages delivered with the retain flag.
  public private(set) var retained = 0
  /// The seconds the mean rate is taken over. `TrafficStatistics.topics` sets it to the span of all the
  /// traffic, so that rates add up across topics (and in `TopicTree`); nil means the topic's own span.
  public var rateSpan: Double?

  /// The previous message's time, for steps back.
  private var previous: Timestamp?
  /// The second being counted (Unix seconds) and its messages so far.
  private var second = Int64.min
  private var inSecond = 0

  /// Nothing counted yet, for `topic`.
  public init(topic: String) { self.topic = topic }

  /// The median payload size in bytes (see `SizeHistogram.median`); nil before the first message.
  public var medianBytes: Int? {
    guard let median = sizes.median, let minBytes, let maxBytes else { return nil }
    return min(max(median, minBytes), maxBytes)
  }

  /// From the first message to the last, in seconds (0 with one message).
  public var span: Double {
    guard let first, let last else { return 0 }
    return Double(last.microseconds - first.microseconds) / 1e6
  }

  /// Messages per second over `rateSpan` (or `span`); nil when that is zero, as with a single message.
  public var meanRate: Double? {
    let seconds = rateSpan ?? span
    return seconds > 0 ? Double(messages) / seconds : nil
  }

  /// Counts `message`.
  public mutating func add(_ message: CapturedMessage) {
    add(timestamp: message.timestamp, bytes: message.payload.count, qos: message.qos, retain: message.retain)
  }

  /// Counts a message of `bytes` payload bytes received at `timestamp`.
  public mutating func add(timestamp: Timestamp, bytes: Int, qos: MQTTQoS, retain: Bool) {
    messages += 1
    payloadBytes += UInt64(bytes)
    minBytes = min(minBytes ?? bytes, bytes)
    maxBytes = max(maxBytes ?? bytes, bytes)
    sizes.add(bytes)
    switch qos {
    case .atMostOnce: qos0 += 1
    case .atLeastOnce: qos1 += 1
    case .exactlyOnce: qos2 += 1
    }
    if retain { retained += 1 }
    let micros = timestamp.microseconds
    if let previous, micros < previous.microseconds { stepsBack += 1 }
    if let s = longestSilence, s.from.microseconds < micros, micros < s.to.microseconds {
      longestSilence =
        micros - s.from.microseconds >= s.to.microseconds - micros
        ? Silence(from: s.from, to: timestamp) : Silence(from: timestamp, to: s.to)
    }
    if let latest = last {
      let gap = micros - latest.microseconds
      if gap > 0, gap > (longestSilence.map { $0.to.microseconds - $0.from.microseconds } ?? 0) {
        longestSilence = Silence(from: latest, to: timestamp)
      }
    }
    if first == nil || micros < first!.microseconds { first = timestamp }
    if last == nil || micros > last!.microseconds { last = timestamp }
    previous = timestamp
    // Floor division: a timestamp before 1970 still falls into the second that starts before it.
    let s = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    if s == second {
      inSecond += 1
    } else {
      second = s
      inSecond = 1
    }
    if inSecond > peakRate {
      peakRate = inSecond
      peakSecond = Timestamp(microseconds: s * 1_000_000)
    }
  }
}
