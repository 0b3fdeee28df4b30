import MQTTCapture
import Synchronization

/// Records what a consumer publishes on some topics while a stimulus plays: a subscriber on a network
/// thread of its own, so the replay on the main thread keeps its schedule.
public final class TopicWatcher {
  private let client: MQTTClient
  private let filters: [String]
  private let inbox = Inbox()
  /// Keeps every message in the inbox; called on this thread while subscribing, on libmosquitto's after.
  private let keep: @Sendable (borrowing ReceivedMessage) -> Void

  /// Messages handed over from the network thread.
  private final class Inbox: Sendable {
    let messages = Mutex<[CapturedMessage]>([])
  }

  /// A watcher of `filters` on the broker of `options`; nothing is connected until `start()`.
  /// - Throws: `MQTTError` when libmosquitto cannot create the client or rejects an option (TLS files).
  public init(options: ConnectionOptions, filters: [String]) throws {
    client = try MQTTClient(options: options)
    self.filters = filters
    keep = { [inbox] message in
      let copy = message.copy()
      inbox.messages.withLock { $0.append(copy) }
    }
    client.onMessage = keep
  }

  /// Connects, subscribes, waits until the broker confirmed every subscription, then listens in the background.
  /// - Throws: `MQTTError` when the broker cannot be reached or refuses, a filter is not valid
  ///   (`invalidTopicFilter`), or the subscriptions are not confirmed within 10 s.
  public func start() throws {
    try client.connect()
    for filter in filters { try client.subscribe(filter, qos: .exactlyOnce) }
    let deadline = ContinuousClock.now + .seconds(10)
    while client.subscriptionsAcknowledged < filters.count {
      if case .connectionLost(let reason) = client.runOnce(timeoutMilliseconds: 50) {
        throw MQTTError.connectionLost(broker: client.options.brokerDescription, reason: reason)
      }
      if ContinuousClock.now > deadline { throw MQTTError.timedOut(broker: client.options.brokerDescription) }
    }
    try client.startBackgroundLoop(onMessage: keep)
  }

  /// What has arrived so far.
  public var messages: [CapturedMessage] { inbox.messages.withLock { $0 } }

  /// How many messages have arrived so far (without copying them, for a progress line).
  public var messageCount: Int { inbox.messages.withLock { $0.count } }

  /// Stops listening and returns everything that arrived.
  public func stop() -> [CapturedMessage] {
    client.stopBackgroundLoop()
    return messages
  }
}
