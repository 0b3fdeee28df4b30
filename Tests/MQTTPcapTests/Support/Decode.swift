import MQTTCapture

@testable import MQTTPcap

/// Every message and the losses of a packet capture given as bytes.
func decode(_ bytes: [UInt8], direction: PcapDirection = .fromPublishers) throws -> (
  messages: [CapturedMessage], losses: [String]
) {
  let file = try TemporaryFile(bytes)
  let recording = try PcapRecording(path: file.path, direction: direction)
  var messages: [CapturedMessage] = []
  while let message = try recording.next() { messages.append(message) }
  return (messages, recording.losses)
}

/// The time of frame `index` of `CaptureFileBytes`.
func frameTime(_ index: Int) -> Timestamp { Timestamp(microseconds: CaptureFileBytes.time(index)) }

extension CapturedMessage {
  var text: String { String(decoding: payload, as: UTF8.self) }
}

/// A conversation of one 3.1.1 client publishing `a/b` "one" (QoS 0) and `a/c` "two" (QoS 1, retained):
/// the handshake is frames 0–2, CONNECT 3, CONNACK 4, the PUBLISHes 5 and 6, the PUBACK 7.
func simpleConversation(ipv6: Bool = false) -> Conversation {
  var c = Conversation(ipv6: ipv6)
  c.client(MQTTBytes.connect("pub"))
  c.broker(MQTTBytes.connack())
  c.client(MQTTBytes.publish("a/b", Array("one".utf8)))
  c.client(MQTTBytes.publish("a/c", Array("two".utf8), qos: 1, retain: true, id: 1))
  c.broker(MQTTBytes.puback(1))
  return c
}

let simpleMessages = [
  CapturedMessage(timestamp: frameTime(5), topic: "a/b", payload: Array("one".utf8)),
  CapturedMessage(timestamp: frameTime(6), topic: "a/c", payload: Array("two".utf8), qos: .atLeastOnce, retain: true),
]
