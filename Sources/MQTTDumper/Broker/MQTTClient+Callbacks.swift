import CMosquitto
import Glibc
import MQTTCapture

// libmosquitto calls plain C functions; they find their `MQTTClient` through the userdata pointer,
// which `installCallbacks` sets to an unretained reference (the client outlives its handle).
//
// These callbacks touch the client's (non-Sendable) state, so they may only run on the caller's thread:
// inside `runOnce` and the calls built on it. `startBackgroundLoop` swaps them for the ones in
// `MQTTClient+BackgroundLoop.swift`, which reach nothing but a Sendable `BackgroundLoop`.

extension MQTTClient {
  /// Points libmosquitto's callbacks and userdata at this client, for loops run on the caller's thread.
  func installCallbacks() {
    mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
    mosquitto_log_callback_set(handle) { _, userdata, level, text in
      guard level == MOSQ_LOG_ERR, let text else { return }
      let client = MQTTClient.from(userdata)
      if client.errorLog.count >= 8 { client.errorLog.removeFirst() }
      client.errorLog.append(String(cString: text))
    }
    mosquitto_connect_v5_callback_set(handle) { _, userdata, rc, flags, _ in
      let client = MQTTClient.from(userdata)
      client.connackCode = rc
      client.sessionPresent = flags & 1 != 0
      if rc == 0 {
        client.connected = true
        client.lastDisconnectReason = nil
        client.onConnect?(client.sessionPresent)
      }
    }
    mosquitto_disconnect_v5_callback_set(handle) { _, userdata, rc, _ in
      let client = MQTTClient.from(userdata)
      client.connected = false
      if rc >= 128 { client.brokerDisconnectCode = rc }
      if rc != 0 && rc != Int32(MOSQ_ERR_CONN_LOST.rawValue) && rc != Int32(MOSQ_ERR_ERRNO.rawValue) {
        client.lastDisconnectReason = MQTTError.clause(rc >= 128 ? mosquitto_reason_string(rc) : mosquitto_strerror(rc))
      }
    }
    mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reasonCode, _ in
      let client = MQTTClient.from(userdata)
      client.outstandingPublishes -= 1
      let topic = client.unacknowledgedTopics.removeValue(forKey: mid)
      if topic != nil { client.answeredPublishes += 1 }
      if reasonCode >= 128 {
        client.refusedPublishes += 1
        if client.firstRefusal == nil {
          client.firstRefusal = (topic ?? "?", MQTTError.clause(mosquitto_reason_string(reasonCode)))
        }
      }
    }
    mosquitto_subscribe_v5_callback_set(handle) { _, userdata, mid, count, granted, _ in
      let client = MQTTClient.from(userdata)
      client.subscriptionsAcknowledged += 1
      let filter = client.pendingSubscriptions.removeValue(forKey: mid) ?? "?"
      guard let granted else { return }
      for i in 0..<Int(count) where granted[i] >= 128 {
        client.onSubscriptionRefused?(filter, granted[i])
      }
    }
    mosquitto_message_v5_callback_set(handle) { _, userdata, message, props in
      guard let message else { return }
      let client = MQTTClient.from(userdata)
      guard let onMessage = client.onMessage else { return }
      let m = message.pointee
      // Header, lengths and packet id are under 12 bytes; properties may add more.
      let topicLength = strlen(m.topic)
      let size = topicLength + Int(m.payloadlen) + (props == nil ? 12 : 96)
      client.packetEstimate = max(size, client.packetEstimate - client.packetEstimate / 64)
      let now = Timestamp.now()
      if now.microseconds - client.receiveTime.microseconds >= 1000 { client.receiveTime = now }
      onMessage(MQTTClient.received(m, topicLength: topicLength, properties: props, at: client.receiveTime))
    }
  }

  static func from(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient {
    Unmanaged<MQTTClient>.fromOpaque(userdata!).takeUnretainedValue()
  }

  /// A view of a message libmosquitto handed to a callback, valid as long as the callback runs.
  static func received(
    _ m: mosquitto_message, topicLength: Int, properties props: OpaquePointer?, at time: Timestamp
  ) -> ReceivedMessage {
    var properties = MQTTProperties()
    var subscriptionID: UInt32?
    if let props { read(props, into: &properties, subscriptionID: &subscriptionID) }
    return ReceivedMessage(
      timestamp: time, topic: UnsafeRawBufferPointer(start: m.topic, count: topicLength),
      payload: UnsafeRawBufferPointer(start: m.payload, count: m.payload == nil ? 0 : Int(m.payloadlen)),
      qos: MQTTQoS(rawValue: UInt8(clamping: m.qos)) ?? .atMostOnce, retain: m.retain, properties: properties,
      subscriptionID: subscriptionID)
  }

  /// Copies a PUBLISH's properties into Swift values.
  static func read(_ list: OpaquePointer, into p: inout MQTTProperties, subscriptionID: inout UInt32?) {
    var cursor: OpaquePointer? = list
    while let property = cursor {
      let id = mosquitto_property_identifier(property)
      switch id {
      case Int32(MQTT_PROP_CONTENT_TYPE.rawValue):
        p.contentType = readString(property, id)
      case Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue):
        p.responseTopic = readString(property, id)
      case Int32(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR.rawValue):
        var value: UInt8 = 0
        mosquitto_property_read_byte(property, id, &value, false)
        p.payloadFormatIndicator = value
      case Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue):
        var value: UInt32 = 0
        mosquitto_property_read_int32(property, id, &value, false)
        p.messageExpiryInterval = value
      case Int32(MQTT_PROP_CORRELATION_DATA.rawValue):
        var value: UnsafeMutableRawPointer?
        var length: UInt16 = 0
        mosquitto_property_read_binary(property, id, &value, &length, false)
        p.correlationData = length > 0 ? Array(UnsafeRawBufferPointer(start: value, count: Int(length))) : []
        free(value)
      case Int32(MQTT_PROP_USER_PROPERTY.rawValue):
        var name: UnsafeMutablePointer<CChar>?
        var value: UnsafeMutablePointer<CChar>?
        mosquitto_property_read_string_pair(property, id, &name, &value, false)
        p.userProperties.append(
          MQTTUserProperty(name.map { String(cString: $0) } ?? "", value.map { String(cString: $0) } ?? ""))
        free(name)
        free(value)
      case Int32(MQTT_PROP_SUBSCRIPTION_IDENTIFIER.rawValue):
        var value: UInt32 = 0
        mosquitto_property_read_varint(property, id, &value, false)
        subscriptionID = min(subscriptionID ?? .max, value)
      default:
        break
      }
      cursor = mosquitto_property_next(property)
    }
  }

  private static func readString(_ property: OpaquePointer, _ id: Int32) -> String? {
    var value: UnsafeMutablePointer<CChar>?
    mosquitto_property_read_string(property, id, &value, false)
    defer { free(value) }
    return value.map { String(cString: $0) }
  }
}
