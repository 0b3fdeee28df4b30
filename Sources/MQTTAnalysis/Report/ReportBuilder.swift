import MQTTCapture

/// Gathers what the HTML report shows while messages stream past: every numeric field of JSON payloads as a
/// downsampled series, the message rate, the events and printer states for the timeline, and a sample
/// payload per topic. Memory is bounded by `ReportLimits` (and a few words per topic), not by the number of
/// messages.
public struct ReportBuilder {
  /// The limits it keeps to.
  public let limits: ReportLimits
  /// Messages added.
  public private(set) var messages = 0
  /// The earliest and latest message times.
  public private(set) var first: Timestamp?
  /// The latest message time.
  public private(set) var last: Timestamp?
  /// Every message's time, for the message-rate chart.
  public private(set) var rate: DownsampledSeries
  /// The numeric fields charted, in order of first appearance.
  public private(set) var series: [NumericSeries] = []
  /// `topic field` of series not charted because a limit was reached (at most 1,000 are remembered).
  public private(set) var seriesLeftOut: [String] = []
  /// Whether more series were left out than `seriesLeftOut` remembers.
  public private(set) var seriesLeftOutOverflow = false
  /// The `…/event/…` messages, one row per event name (the first `limits.eventRows` names; the rest share a
  /// last row named nil), each downsampled to one marker per column of the timeline.
  public private(set) var eventRows: [EventRow] = []
  /// Event messages seen.
  public private(set) var eventCount = 0
  /// OctoPrint `PrinterStateChanged` events, up to `limits.stateChanges`.
  public private(set) var stateChanges: [StateChange] = []
  /// A sample payload per topic, for the first `limits.sampleTopics` topics.
  public private(set) var samples: [TopicSample] = []
  /// Topics seen that have no sample (beyond `limits.sampleTopics`).
  public private(set) var topicsWithoutSample = 0

  private var roles: [String: TopicRole] = [:]
  private var seriesIndex: [String: [String: Int]] = [:]
  private var sampleIndex: [String: Int] = [:]
  private var leftOutSeen: Set<String> = []
  private var eventRowIndex: [String: Int] = [:]

  /// An empty report.
  public init(limits: ReportLimits = ReportLimits()) {
    self.limits = limits
    rate = DownsampledSeries(columns: limits.rateColumns)
  }

  /// Takes one message into account.
  public mutating func add(_ message: CapturedMessage) {
    messages += 1
    let time = message.timestamp
    if first.map({ time < $0 }) ?? true { first = time }
    if last.map({ time > $0 }) ?? true { last = time }
    rate.add(0, at: time)
    let isNew = roles[message.topic] == nil
    let role = role(of: message.topic)
    keepSample(message, isNew: isNew)
    guard let value = json(message.payload) else {
      if case .event(let name) = role { addEvent(name, message, state: nil) }
      return
    }
    if case .event(let name) = role {
      let eventName = value["_event"]?.stringValue ?? name
      let state =
        eventName == "PrinterStateChanged"
        ? value["state_id"]?.stringValue.map { ($0, value["state_string"]?.stringValue ?? $0) } : nil
      addEvent(eventName, message, state: state)
    }
    NumericFields.visit(value) { path, number in
      addNumber(number, path: path, role: role, message)
    }
  }

  // MARK: - Parts

  private mutating func role(of topic: String) -> TopicRole {
    if let known = roles[topic] { return known }
    let role = TopicRole(topic: topic)
    roles[topic] = role
    return role
  }

  private func json(_ payload: [UInt8]) -> JSONValue? {
    guard !payload.isEmpty, payload.count <= limits.parsedPayloadBytes else { return nil }
    var start = 0
    while start < payload.count, payload[start] == 0x20 || payload[start] == 0x0A || payload[start] == 0x0D {
      start += 1
    }
    guard start < payload.count else { return nil }
    switch payload[start] {
    case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
    default: return nil
    }
    return payload.withUnsafeBytes { try? JSONParser.parse($0, maxDepth: 64) }
  }

  private mutating func addEvent(_ name: String, _ message: CapturedMessage, state: (String, String)?) {
    eventCount += 1
    var row = eventRowIndex[name]
    if row == nil {
      if eventRows.count < limits.eventRows {
        row = eventRows.count
      } else {
        row = limits.eventRows
        if eventRows.count == limits.eventRows {
          eventRows.append(EventRow(name: nil, marks: DownsampledSeries(columns: limits.timelineColumns)))
        }
      }
      if let row, row < limits.eventRows {
        eventRows.append(EventRow(name: name, marks: DownsampledSeries(columns: limits.timelineColumns)))
        eventRowIndex[name] = row
      }
    }
    eventRows[row!].marks.add(0, at: message.timestamp)
    if let (id, text) = state, stateChanges.count < limits.stateChanges {
      stateChanges.append(StateChange(time: message.timestamp, state: id, text: text))
    }
  }

  private mutating func addNumber(_ number: Double, path: String, role: TopicRole, _ message: CapturedMessage) {
    if let index = seriesIndex[message.topic]?[path] {
      series[index].data.add(number, at: message.timestamp)
      series[index].count += 1
      if !series[index].varies && number != series[index].firstValue { series[index].varies = true }
      return
    }
    // A field left out once stays out (it would only push another out in turn).
    if leftOutSeen.contains(message.topic + " " + (path.isEmpty ? "(value)" : path)) { return }
    let fresh = NumericSeries(
      topic: message.topic, path: path, chart: role.chart(for: path, topic: message.topic),
      data: DownsampledSeries(columns: limits.seriesColumns), firstValue: number)
    var slot: Int? = series.count
    // When a limit is reached, a field seen more than once that never changed (a constant draws nothing)
    // gives its place up.
    func constant(_ i: Int) -> Bool { series[i].count > 1 && !series[i].varies }
    let perTopic = seriesIndex[message.topic]?.count ?? 0
    if perTopic >= limits.seriesPerTopic {
      slot = seriesIndex[message.topic]?.values.sorted().first(where: constant)
    } else if series.count >= limits.series {
      slot = series.indices.first(where: constant)
    }
    guard let slot else { return leaveOut(fresh) }
    if slot < series.count {
      let old = series[slot]
      seriesIndex[old.topic]?[old.path] = nil
      leaveOut(old)
      series[slot] = fresh
    } else {
      series.append(fresh)
    }
    series[slot].data.add(number, at: message.timestamp)
    series[slot].count = 1
    seriesIndex[message.topic, default: [:]][path] = slot
  }

  /// Remembers a field that is not charted (the first 1,000 by name).
  private mutating func leaveOut(_ s: NumericSeries) {
    let name = s.topic + " " + (s.path.isEmpty ? "(value)" : s.path)
    if leftOutSeen.count < 1000 {
      if leftOutSeen.insert(name).inserted { seriesLeftOut.append(name) }
    } else if !leftOutSeen.contains(name) {
      seriesLeftOutOverflow = true
    }
  }

  private mutating func keepSample(_ message: CapturedMessage, isNew: Bool) {
    let cap = limits.sampleBytes
    if let i = sampleIndex[message.topic] {
      samples[i].messages += 1
      // A payload shown whole is better than one cut: replace a cut sample by the first one that fits.
      if samples[i].totalBytes > cap, message.payload.count <= cap {
        samples[i].payload = message.payload
        samples[i].totalBytes = message.payload.count
      }
      return
    }
    guard samples.count < limits.sampleTopics else {
      if isNew { topicsWithoutSample += 1 }
      return
    }
    sampleIndex[message.topic] = samples.count
    samples.append(
      TopicSample(
        topic: message.topic, messages: 1, payload: Array(message.payload.prefix(cap)),
        totalBytes: message.payload.count))
  }
}

/// What a topic's place in the hierarchy says about its numbers.
enum TopicRole {
  /// `…/temperature/<heater>` (OctoPrint): `actual` and `target` go on the temperature chart.
  case temperature(heater: String)
  /// `…/progress/<kind>`: `progress` and `completion` go on the progress chart.
  case progress(kind: String)
  /// `…/event/<name>`: a marker on the timeline.
  case event(name: String)
  /// Anything else.
  case other

  init(topic: String) {
    let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
    if let i = levels.lastIndex(where: { $0 == "event" }), i < levels.count - 1 {
      self = .event(name: levels[(i + 1)...].joined(separator: "/"))
    } else if levels.count >= 2, levels[levels.count - 2] == "temperature" {
      self = .temperature(heater: String(levels[levels.count - 1]))
    } else if levels.count >= 2, levels[levels.count - 2] == "progress" {
      self = .progress(kind: String(levels[levels.count - 1]))
    } else {
      self = .other
    }
  }

  func chart(for path: String, topic: String) -> NumericSeries.Chart {
    switch self {
    case .temperature(let heater) where path == "actual" || path == "target":
      return .temperatures(heater: heater, target: path == "target")
    case .progress where path == "progress" || path == "completion":
      return .progress
    default:
      return .topic
    }
  }
}

/// One numeric field of one topic over time.
public struct NumericSeries: Sendable {
  /// Which chart it is drawn on.
  public enum Chart: Equatable, Sendable {
    /// The temperature chart: a heater's actual (solid) or target (dashed) temperature.
    case temperatures(heater: String, target: Bool)
    /// The progress chart.
    case progress
    /// The chart of its topic.
    case topic
  }

  /// The topic.
  public var topic: String
  /// The JSON path of the field (`actual`, `progress.completion`); empty for a bare number.
  public var path: String
  /// Where it is drawn.
  public var chart: Chart
  /// Its values, downsampled.
  public var data: DownsampledSeries
  /// Its first value, and whether a later one differed (a constant draws nothing and gives its place up
  /// when the limits are reached).
  public var firstValue: Double
  /// Whether a value differed from the first.
  public var varies = false
  /// How many values it had.
  public var count = 0
}

/// One row of the timeline: the events of one name, as markers.
public struct EventRow: Sendable {
  /// The event's name (the payload's `_event`, else the topic levels after `event`); nil for the row of
  /// the names beyond `ReportLimits.eventRows`.
  public var name: String?
  /// When they came, downsampled to the timeline's columns (each column's count and first time).
  public var marks: DownsampledSeries
}

/// A printer state change (OctoPrint `PrinterStateChanged`), drawn as a band until the next one.
public struct StateChange: Equatable, Sendable {
  /// When it was received.
  public var time: Timestamp
  /// `state_id`: `OPERATIONAL`, `PRINTING`, …
  public var state: String
  /// `state_string`: `Operational`, `Printing`, …
  public var text: String
}

/// A topic's sample payload and message count.
public struct TopicSample: Sendable {
  /// The topic.
  public var topic: String
  /// Messages on it.
  public var messages: Int
  /// The sample payload, its first `sampleBytes` bytes.
  public var payload: [UInt8]
  /// The sample's whole size in bytes.
  public var totalBytes: Int
}
