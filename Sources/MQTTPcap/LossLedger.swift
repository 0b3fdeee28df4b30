import MQTTCapture

/// What a packet capture could not give: kept as counts while reading, said as one line each at the end,
/// in the order each first happened.
final class LossLedger {
  enum Loss: Hashable {
    /// The reader's own line about a cut-off file.
    case line(String)
    case untimedPackets
    case unknownLink(UInt32)
    case fragments
    case malformedFrames
    /// Frames the recorder's snap length cut short of their TCP header or payload.
    case snapCut
    case tls(server: String)
    case webSocket(server: String, reason: String)
    case notMQTT(server: String)
    case duplicates
    case unknownAlias
    case malformedPackets
  }

  private var order: [Loss] = []
  private var counts: [Loss: Int] = [:]
  /// The longest frame a snap length cut: the `-s` it was recorded with.
  var snapLength = 0

  func add(_ loss: Loss, _ count: Int = 1) {
    if counts[loss] == nil { order.append(loss) }
    counts[loss, default: 0] += count
  }

  var lines: [String] { order.map { text($0, counts[$0]!) } }

  /// How many frames the snap length cut.
  var snapCuts: Int { counts[.snapCut] ?? 0 }

  /// The line said for `loss`.
  func line(_ loss: Loss) -> String? { counts[loss].map { text(loss, $0) } }

  private func text(_ loss: Loss, _ n: Int) -> String {
    switch loss {
    case .line(let text):
      return text
    case .untimedPackets:
      return "\(formatCount(n, "pcapng simple packet")) carry no time: each got the time of the packet before it"
    case .unknownLink(let type):
      return "\(formatCount(n, "packet")) of link type \(type), which this reader does not know: skipped"
    case .fragments:
      return "\(formatCount(n, "fragment")) of IP packets: not reassembled, skipped"
    case .malformedFrames:
      return "\(formatCount(n, "packet")) with damaged IP or TCP headers: skipped"
    case .snapCut:
      return "\(formatCount(n, "packet")) \(n == 1 ? "was" : "were") cut by the recorder's snap length "
        + "(-s \(snapLength)): \(n == 1 ? "its" : "their") bytes past it are lost; record with the default "
        + "snap length (no -s)"
    case .tls(let server):
      return "\(formatCount(n, "TLS connection")) to \(server): encrypted, skipped"
    case .webSocket(let server, let reason):
      return "\(formatCount(n, "HTTP connection")) to \(server), \(reason): skipped from there"
    case .notMQTT(let server):
      return "\(formatCount(n, "connection")) to \(server) not speaking MQTT: skipped"
    case .duplicates:
      return "\(formatCount(n, "DUP resend")) of a QoS 1 or 2 PUBLISH counted once"
    case .unknownAlias:
      return "\(formatCount(n, "PUBLISH", plural: "PUBLISHes")) named their topic by an alias set before the "
        + "capture began: skipped"
    case .malformedPackets:
      return "\(formatCount(n, "malformed MQTT packet")) skipped"
    }
  }
}
