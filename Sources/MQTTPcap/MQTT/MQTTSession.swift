/// The packet ids of QoS 1 and 2 PUBLISHes not yet acknowledged, per sender: a PUBLISH sent again with
/// DUP set under one of them is the same message. Kept per client id, so a resend on the connection after
/// a reconnect is recognised too; a clean start forgets them.
final class MQTTSession {
  /// Index 0: sent by the client; 1: sent by the broker.
  var inFlight: [Set<UInt16>] = [[], []]
}
