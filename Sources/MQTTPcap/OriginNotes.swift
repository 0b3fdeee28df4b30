import MQTTCapture

/// What a packet capture tells of where it was made, gathered while reading: the brokers of its MQTT
/// connections, the MQTT versions their CONNECTs named, the subscriptions asked for (kept only for
/// `to-subscribers`). The capture header is written with the first message, so `freeze()` then fixes what
/// it says; what came after is said in `lines`.
final class OriginNotes {
  /// Broker ends in the order first seen.
  private var brokers: [Endpoint] = []
  private var brokerSet: Set<Endpoint> = []
  /// Protocol levels of the CONNECTs, in the order first seen, with how many connections named each.
  private var levels: [(level: UInt8, connections: Int)] = []
  private var subscriptions: [CaptureSubscription] = []
  private var subscriptionKeys: Set<String> = []
  /// What the header said: how many brokers and subscriptions, and its protocol; nil until the first message.
  private var written: (brokers: Int, subscriptions: Int, protocolName: String?)?

  /// Notes the broker end of an MQTT connection.
  func noteBroker(_ endpoint: Endpoint) {
    if brokerSet.insert(endpoint).inserted { brokers.append(endpoint) }
  }

  /// Notes a CONNECT's protocol level (3, 4 or 5; others are not MQTT's and left out).
  func noteConnect(level: UInt8) {
    guard Self.name(level) != nil else { return }
    if let i = levels.firstIndex(where: { $0.level == level }) {
      levels[i].connections += 1
    } else {
      levels.append((level, 1))
    }
  }

  /// Notes a topic filter a SUBSCRIBE asked for, once per filter and QoS.
  func noteSubscription(_ subscription: CaptureSubscription) {
    guard subscriptionKeys.insert("\(subscription.qos.rawValue) \(subscription.filter)").inserted else { return }
    subscriptions.append(subscription)
  }

  /// The header's facts: what was seen so far, or what was seen up to the first message once frozen.
  /// Several brokers are joined by `, `; the protocol is the first CONNECT's.
  var origin: RecordingOrigin {
    let w = written ?? (brokers.count, subscriptions.count, levels.first.flatMap { Self.name($0.level) })
    return RecordingOrigin(
      broker: w.brokers == 0 ? nil : brokers.prefix(w.brokers).map(\.description).joined(separator: ", "),
      protocolName: w.protocolName, subscriptions: Array(subscriptions.prefix(w.subscriptions)))
  }

  /// Fixes the header's facts: the first message is being written.
  func freeze() {
    guard written == nil else { return }
    written = (brokers.count, subscriptions.count, levels.first.flatMap { Self.name($0.level) })
  }

  /// What the header could not say, one line each: brokers, other MQTT versions and subscriptions seen after
  /// the first message. Empty before it.
  var lines: [String] {
    guard let written else { return [] }
    var out: [String] = []
    let later = brokers.dropFirst(written.brokers)
    if !later.isEmpty {
      out.append(
        "\(formatCount(later.count, "broker")) first seen after the first message, not in the capture's header: "
          + Self.list(later.map(\.description)))
    }
    let others = levels.filter { Self.name($0.level) != written.protocolName }
    if !others.isEmpty {
      let said =
        written.protocolName.map { "\($0), the first CONNECT's" } ?? "unknown: no CONNECT came before the first message"
      out.append(
        "the capture's header says protocol \(said); "
          + others.map { "\(formatCount($0.connections, "connection")) spoke \(Self.version($0.level))" }
          .joined(separator: ", "))
    }
    let laterSubscriptions = subscriptions.dropFirst(written.subscriptions)
    if !laterSubscriptions.isEmpty {
      out.append(
        "\(formatCount(laterSubscriptions.count, "subscription")) asked for after the first message, not in the "
          + "capture's header: " + Self.list(laterSubscriptions.map { "\($0.filter) (QoS \($0.qos.rawValue))" }))
    }
    return out
  }

  /// The first five, then how many more.
  private static func list(_ items: [String]) -> String {
    let shown = items.prefix(5).joined(separator: ", ")
    return items.count > 5 ? shown + " and \(formatCount(items.count - 5)) more" : shown
  }

  /// A protocol level as `capture` names it: `mqttv5`, `mqttv311`, `mqttv31`.
  static func name(_ level: UInt8) -> String? {
    switch level {
    case 5: return "mqttv5"
    case 4: return "mqttv311"
    case 3: return "mqttv31"
    default: return nil
    }
  }

  /// A protocol level as people say it.
  private static func version(_ level: UInt8) -> String {
    switch level {
    case 5: return "MQTT 5"
    case 4: return "MQTT 3.1.1"
    default: return "MQTT 3.1"
    }
  }
}
