// MQTT packets as bytes, written from the specifications (MQTT 3.1.1 §3, MQTT 5 §3) for the tests: the
// reader under test is not used to make them.

enum MQTTBytes {
  static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

  static func string(_ text: String) -> [UInt8] { u16(text.utf8.count) + Array(text.utf8) }

  static func variable(_ value: Int) -> [UInt8] {
    var out: [UInt8] = []
    var n = value
    repeat {
      var byte = UInt8(n % 128)
      n /= 128
      if n > 0 { byte |= 0x80 }
      out.append(byte)
    } while n > 0
    return out
  }

  /// A packet: the first byte, the remaining length, the body.
  static func packet(_ first: UInt8, _ body: [UInt8]) -> [UInt8] { [first] + variable(body.count) + body }

  static func connect(_ clientID: String, version: UInt8 = 4, clean: Bool = true) -> [UInt8] {
    var body = string("MQTT") + [version, clean ? 0x02 : 0x00] + u16(60)
    if version >= 5 { body += [0] }
    return packet(0x10, body + string(clientID))
  }

  static func connack(version: UInt8 = 4) -> [UInt8] { packet(0x20, version >= 5 ? [0, 0, 0] : [0, 0]) }

  static func publish(
    _ topic: String, _ payload: [UInt8], qos: UInt8 = 0, retain: Bool = false, dup: Bool = false, id: Int? = nil,
    properties: [UInt8]? = nil
  ) -> [UInt8] {
    let first = 0x30 | (dup ? 0x08 : 0) | qos << 1 | (retain ? 0x01 : 0)
    var body = string(topic)
    if let id { body += u16(id) }
    if let properties { body += variable(properties.count) + properties }
    return packet(first, body + payload)
  }

  static func puback(_ id: Int) -> [UInt8] { packet(0x40, u16(id)) }
  static func subscribe(_ filter: String, id: Int = 1) -> [UInt8] { packet(0x82, u16(id) + string(filter) + [0]) }
  static let pingreq: [UInt8] = [0xC0, 0x00]
  static let pingresp: [UInt8] = [0xD0, 0x00]
  static let disconnect: [UInt8] = [0xE0, 0x00]
}
