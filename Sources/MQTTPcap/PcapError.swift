/// Why a packet capture cannot be read: one sentence, naming the file, what is wrong and what to do.
public enum PcapError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file holds no bytes at all.
  case empty(path: String)
  /// The file does not begin like a pcap or pcapng file; `found` says what it looks like instead.
  case notAPacketCapture(path: String, found: String)
  /// The file is a packet capture whose headers contradict themselves at byte `offset`.
  case damaged(path: String, offset: Int, reason: String)

  /// The sentence: what is wrong, where, and what to do.
  public var description: String {
    switch self {
    case .empty(let path):
      return "\(path) is empty, not a packet capture; record one with `tcpdump -i any -w FILE port 1883`."
    case .notAPacketCapture(let path, let found):
      return "\(path) is not a pcap or pcapng file (\(found)); record one with `tcpdump -i any -w FILE port 1883`."
    case .damaged(let path, let offset, let reason):
      return "\(path) is damaged at byte \(offset) (\(reason)); the packets before it were read."
    }
  }
}
