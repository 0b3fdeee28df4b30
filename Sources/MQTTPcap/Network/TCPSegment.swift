/// The TCP part of a captured frame: who sent it to whom, where its bytes go in the stream, and the bytes.
struct TCPSegment {
  var source: Endpoint
  var destination: Endpoint
  var sequence: UInt32
  /// The acknowledgement number, when the ACK flag is set.
  var acknowledgement: UInt32?
  var syn: Bool
  var fin: Bool
  var reset: Bool
  /// The payload bytes the file holds.
  var payload: ArraySlice<UInt8>
  /// Payload bytes the IP header counts that the file does not hold (the snap length cut them).
  var missing: Int
}

/// What a frame turned out to be.
enum DecodedFrame {
  case segment(TCPSegment)
  /// Not TCP over IP (ARP, UDP, …): nothing to do.
  case other
  /// A link type this reader does not know.
  case unknownLink(UInt32)
  /// A fragment of an IP packet: not reassembled.
  case fragment
  /// Headers shorter or stranger than their own lengths say.
  case malformed
}
