import MQTTCapture

/// One frame as the capture file holds it: when it was seen, how its bytes begin (the link type), and its
/// bytes (perhaps fewer than were sent, when the recorder's snap length cut it).
struct LinkPacket {
  /// When the recorder saw it.
  var timestamp: Timestamp
  /// The LINKTYPE_ value: 1 Ethernet, 113 Linux cooked, 276 Linux cooked v2, 101 raw IP, 0 BSD loopback …
  var linkType: UInt32
  /// The bytes captured.
  var data: ArraySlice<UInt8>
  /// How many bytes the frame had on the wire.
  var originalLength: Int
}
