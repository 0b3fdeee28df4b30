import CMosquitto
import Glibc
import MQTTCapture
import Synchronization

/// What libmosquitto's network thread may touch while it runs a client's loop: Sendable, so the compiler
/// checks that everything reachable from that thread is safe to share.
///
/// The client's own state (pending subscriptions, publish counts, handlers) is not reachable from there:
/// while this runs, libmosquitto's callbacks and userdata point here, not at the `MQTTClient`.
final class BackgroundLoop: Sendable {
  /// Called on the network thread for every message.
  let onMessage: @Sendable (borrowing ReceivedMessage) -> Void
  private let connected: Atomic<Bool>
  /// The receive time given to messages, in microseconds, renewed once it is 1 ms old (as `runOnce` does).
  private let receiveTime = Atomic<Int64>(0)

  init(connected: Bool, onMessage: @escaping @Sendable (borrowing ReceivedMessage) -> Void) {
    self.connected = Atomic(connected)
    self.onMessage = onMessage
  }

  /// Whether the connection is up, as the network thread last saw it.
  var isConnected: Bool { connected.load(ordering: .relaxed) }

  /// Points libmosquitto's callbacks and userdata at this object. Only while no loop runs.
  fileprivate func install(on handle: OpaquePointer) {
    mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
    mosquitto_connect_v5_callback_set(handle) { _, userdata, rc, _, _ in
      if rc == 0 { BackgroundLoop.from(userdata).connected.store(true, ordering: .relaxed) }
    }
    mosquitto_disconnect_v5_callback_set(handle) { _, userdata, _, _ in
      BackgroundLoop.from(userdata).connected.store(false, ordering: .relaxed)
    }
    mosquitto_log_callback_set(handle, nil)
    mosquitto_publish_v5_callback_set(handle, nil)
    mosquitto_subscribe_v5_callback_set(handle, nil)
    mosquitto_message_v5_callback_set(handle) { _, userdata, message, props in
      guard let message else { return }
      let loop = BackgroundLoop.from(userdata)
      let m = message.pointee
      loop.onMessage(MQTTClient.received(m, topicLength: strlen(m.topic), properties: props, at: loop.stamp()))
    }
  }

  /// The receive time for a message arriving now: shared by a burst, to within 1 ms.
  private func stamp() -> Timestamp {
    let now = Timestamp.now().microseconds
    let last = receiveTime.load(ordering: .relaxed)
    if now - last < 1000 { return Timestamp(microseconds: last) }
    receiveTime.store(now, ordering: .relaxed)
    return Timestamp(microseconds: now)
  }

  private static func from(_ userdata: UnsafeMutableRawPointer?) -> BackgroundLoop {
    Unmanaged<BackgroundLoop>.fromOpaque(userdata!).takeUnretainedValue()
  }
}

extension MQTTClient {
  /// Hands the connection to a libmosquitto thread of its own, which calls `onMessage` for every message
  /// until `stopBackgroundLoop()`.
  ///
  /// Meanwhile only `isConnected` and `stopBackgroundLoop()` may be used; `onMessage`, `onConnect` and
  /// `onSubscriptionRefused` are not called, and a connection libmosquitto makes again is not subscribed
  /// again (subscribe before, with a persistent session if that matters).
  /// - Parameter onMessage: called on the network thread, with a view valid only during the call.
  /// - Throws: `MQTTError.networkThreadFailed` when the thread cannot be started.
  public func startBackgroundLoop(onMessage: @escaping @Sendable (borrowing ReceivedMessage) -> Void) throws {
    precondition(backgroundLoop == nil, "the background loop is already running")
    let loop = BackgroundLoop(connected: connected, onMessage: onMessage)
    loop.install(on: handle)
    backgroundLoop = loop
    let rc = mosquitto_loop_start(handle)
    guard rc == MOSQ_ERR_SUCCESS.rawValue else {
      backgroundLoop = nil
      installCallbacks()
      throw MQTTError.networkThreadFailed(code: rc, text: MQTTError.clause(mosquitto_strerror(rc)))
    }
  }

  /// Disconnects, waits for the background loop's thread to end, and gives the loop back to the caller.
  public func stopBackgroundLoop() {
    guard backgroundLoop != nil else { return }
    mosquitto_disconnect(handle)
    mosquitto_loop_stop(handle, false)
    backgroundLoop = nil
    connected = false
    installCallbacks()
  }

  /// Stops a caller from driving the loop while libmosquitto's thread does.
  func requireCallerLoop(_ function: StaticString = #function) {
    precondition(backgroundLoop == nil, "MQTTClient.\(function) while the background loop runs")
  }
}
