import MQTTCapture

/// The MQTT control packet types (MQTT 3.1.1 §2.2.1, MQTT 5 §2.1.2).
enum MQTTPacketType: UInt8 {
  case connect = 1
  case connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback
  case pingreq, pingresp, disconnect, auth
}

/// A packet's fixed header: its type, the four flag bits, and how long the whole packet is.
struct FixedHeader {
  var type: MQTTPacketType
  var flags: UInt8
  var remainingLength: Int
  /// The fixed header's own length: 2 to 5 bytes.
  var headerLength: Int
  var totalLength: Int { headerLength + remainingLength }

  enum Parse {
    case header(FixedHeader)
    /// Too few bytes yet to tell.
    case incomplete
    /// Not an MQTT fixed header: a reserved type, flags the type forbids, or a length of five bytes.
    case invalid
  }

  /// Reads the fixed header at the front of `bytes`.
  static func parse(_ bytes: ArraySlice<UInt8>) -> Parse {
    guard let first = bytes.first else { return .incomplete }
    guard let type = MQTTPacketType(rawValue: first >> 4) else { return .invalid }
    let flags = first & 0x0F
    switch type {
    case .publish: if flags & 0x06 == 0x06 { return .invalid }  // QoS 3
    case .pubrel, .subscribe, .unsubscribe: if flags != 0x02 { return .invalid }
    default: if flags != 0 { return .invalid }
    }
    var length = 0
    var index = bytes.startIndex + 1
    for shift in stride(from: 0, through: 21, by: 7) {
      guard index < bytes.endIndex else { return .incomplete }
      let byte = bytes[index]
      index += 1
      length |= Int(byte & 0x7F) << shift
      if byte & 0x80 == 0 {
        return .header(
          FixedHeader(type: type, flags: flags, remainingLength: length, headerLength: index - bytes.startIndex))
      }
    }
    return .invalid
  }
}

/// A PUBLISH packet taken apart.
struct PublishPacket {
  var topic: String
  var qos: MQTTQoS
  var retain: Bool
  var duplicate: Bool
  var packetID: UInt16?
  var properties: MQTTProperties
  var topicAlias: UInt16?
  var payload: [UInt8]

  /// Decodes a PUBLISH's variable header and payload (`body`, after the fixed header).
  /// - Parameter version: 5 reads properties; 3 and 4 (3.1, 3.1.1) have none.
  /// - Returns: nil when the packet contradicts itself (a topic longer than the packet, bad properties).
  init?(flags: UInt8, body: ArraySlice<UInt8>, version: UInt8) {
    var cursor = ByteCursor(body)
    guard let topic = cursor.string(), let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else { return nil }
    self.topic = topic
    self.qos = qos
    retain = flags & 0x01 != 0
    duplicate = flags & 0x08 != 0
    if qos != .atMostOnce {
      guard let id = cursor.u16() else { return nil }
      packetID = id
    }
    properties = MQTTProperties()
    if version >= 5 {
      guard let count = cursor.variableInteger(), let block = cursor.take(count),
        let read = Self.properties(block)
      else { return nil }
      (properties, topicAlias) = read
    }
    payload = Array(cursor.bytes)
  }

  /// The properties of a PUBLISH (MQTT 5 §3.3.2.3), or nil when they are malformed.
  static func properties(_ block: ArraySlice<UInt8>) -> (MQTTProperties, UInt16?)? {
    var cursor = ByteCursor(block)
    var properties = MQTTProperties()
    var alias: UInt16?
    while !cursor.isEmpty {
      guard let id = cursor.variableInteger() else { return nil }
      switch id {
      case 0x01:
        guard let value = cursor.u8() else { return nil }
        properties.payloadFormatIndicator = value
      case 0x02:
        guard let value = cursor.u32() else { return nil }
        properties.messageExpiryInterval = value
      case 0x03:
        guard let value = cursor.string() else { return nil }
        properties.contentType = value
      case 0x08:
        guard let value = cursor.string() else { return nil }
        properties.responseTopic = value
      case 0x09:
        guard let value = cursor.binary() else { return nil }
        properties.correlationData = value
      case 0x0B:
        // Subscription Identifier (broker to subscriber): which subscriptions matched. A capture has no
        // place for it (the recorder's own subscriptions give it meaning there).
        guard cursor.variableInteger() != nil else { return nil }
      case 0x23:
        guard let value = cursor.u16() else { return nil }
        alias = value
      case 0x26:
        guard let name = cursor.string(), let value = cursor.string() else { return nil }
        properties.userProperties.append(MQTTUserProperty(name, value))
      default:
        return nil  // not a PUBLISH property
      }
    }
    return (properties, alias)
  }
}

/// What a CONNECT says that matters here: the protocol level, the client id and whether its session
/// starts clean.
struct ConnectPacket {
  /// 3 (MQTT 3.1), 4 (3.1.1) or 5.
  var version: UInt8
  var cleanStart: Bool
  var clientID: String

  init?(body: ArraySlice<UInt8>) {
    var cursor = ByteCursor(body)
    guard let name = cursor.string(), name == "MQTT" || name == "MQIsdp", let level = cursor.u8(),
      let flags = cursor.u8(), cursor.skip(2)
    else { return nil }
    version = level
    cleanStart = flags & 0x02 != 0
    if level >= 5 {
      guard let count = cursor.variableInteger(), cursor.skip(count) else { return nil }
    }
    guard let id = cursor.string() else { return nil }
    clientID = id
  }
}

/// The topic filters of a SUBSCRIBE and the QoS asked for each (MQTT 3.1.1 §3.8, MQTT 5 §3.8).
struct SubscribePacket {
  var subscriptions: [CaptureSubscription]

  /// Decodes a SUBSCRIBE's body (after the fixed header).
  /// - Parameter version: 5 has properties before the filters and more option bits after each.
  /// - Returns: nil when the bytes are not a SUBSCRIBE of that version, to the byte.
  init?(body: ArraySlice<UInt8>, version: UInt8) {
    var cursor = ByteCursor(body)
    guard cursor.skip(2) else { return nil }
    if version >= 5 {
      guard let count = cursor.variableInteger(), cursor.skip(count) else { return nil }
    }
    subscriptions = []
    while !cursor.isEmpty {
      // 3.1.1: the QoS and six reserved zero bits; 5: QoS, no local, retain as published, retain handling.
      guard let filter = cursor.string(), !filter.isEmpty, let options = cursor.u8(),
        options & (version >= 5 ? 0xC0 : 0xFC) == 0, let qos = MQTTQoS(rawValue: options & 0x03)
      else { return nil }
      subscriptions.append(CaptureSubscription(filter: filter, qos: qos))
    }
    if subscriptions.isEmpty { return nil }
  }
}
