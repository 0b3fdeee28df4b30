import Foundation

/// A small pcap file (raw IPv4, classic pcap, little-endian), written byte by byte from RFC 791, RFC 9293,
/// the pcap specification and MQTT 3.1.1: one client at 127.0.0.1:50000 connects to 127.0.0.1:1883 and
/// publishes `s/1` "one" and `s/2` "two". `snapLength` cuts every frame to that many bytes, the original
/// length kept in its record, as `tcpdump -s N` does.
func pcapOfTwoPublishes(snapLength: Int? = nil) -> Data {
  func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
  func be32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(v >> $0 & 0xFF) } }
  func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }
  func mqttString(_ s: String) -> [UInt8] { be16(s.utf8.count) + Array(s.utf8) }
  var seq: [UInt32] = [1000, 9000]  // the client's, the broker's
  var frames: [[UInt8]] = []
  func send(fromClient: Bool, flags: UInt8, _ payload: [UInt8]) {
    let (me, peer) = fromClient ? (0, 1) : (1, 0)
    let ports = fromClient ? be16(50_000) + be16(1883) : be16(1883) + be16(50_000)
    let tcp = ports + be32(seq[me]) + be32(seq[peer]) + [0x50, flags] + be16(65535) + [0, 0, 0, 0] + payload
    frames.append([0x45, 0] + be16(20 + tcp.count) + [0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1] + tcp)
    seq[me] += UInt32(payload.count) + (flags & 0x02 != 0 ? 1 : 0)
  }
  send(fromClient: true, flags: 0x02, [])  // SYN
  send(fromClient: false, flags: 0x12, [])  // SYN ACK
  send(fromClient: true, flags: 0x10, [])
  let connect = mqttString("MQTT") + [4, 0x02] + be16(60) + mqttString("pub")
  send(fromClient: true, flags: 0x18, [0x10, UInt8(connect.count)] + connect)
  send(fromClient: false, flags: 0x18, [0x20, 2, 0, 0])
  for (topic, text) in [("s/1", "one"), ("s/2", "two")] {
    let body = mqttString(topic) + Array(text.utf8)
    send(fromClient: true, flags: 0x18, [0x30, UInt8(body.count)] + body)
  }
  var file = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(262_144) + le32(101)
  for (i, frame) in frames.enumerated() {
    let kept = frame.prefix(snapLength ?? frame.count)
    file += le32(1_764_068_856 + UInt32(i)) + le32(0) + le32(UInt32(kept.count)) + le32(UInt32(frame.count)) + kept
  }
  return Data(file)
}
