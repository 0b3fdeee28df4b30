/// A change of the recorder's connection, recorded where it happened so gaps are visible (or, in a run
/// saved by `verify`, the moment its stimulus started).
public struct ConnectionEvent: Equatable, Sendable {
  /// What happened: the `event` field of the line, spelled as `rawValue`.
  public enum Kind: RawRepresentable, Hashable, Sendable {
    /// The recorder (re)connected; nothing is missing after this.
    case connected
    /// The recorder lost the broker; nothing could be recorded until the next `connected`.
    case disconnected
    /// A run saved by `verify` starts here: the time its stimulus started, the origin of its timing.
    case stimulus
    /// The broker's retained messages follow, as a shared subscription's recorder read them at start
    /// (`capture --retained-snapshot`): every message up to `retainedSnapshotEnd` carries this event's time.
    case retainedSnapshot
    /// The end of the retained snapshot: the messages after this one are live again.
    case retainedSnapshotEnd
    /// A kind this version does not know (a newer version wrote it), kept as written.
    case other(String)

    /// The kind written as `text` (an unknown text is `.other`, so reading never fails on it).
    public init(rawValue text: String) {
      switch text {
      case "connected": self = .connected
      case "disconnected": self = .disconnected
      case "stimulus": self = .stimulus
      case "retained_snapshot": self = .retainedSnapshot
      case "retained_snapshot_end": self = .retainedSnapshotEnd
      default: self = .other(text)
      }
    }

    /// How the kind is spelled in a capture's `event` field.
    public var rawValue: String {
      switch self {
      case .connected: return "connected"
      case .disconnected: return "disconnected"
      case .stimulus: return "stimulus"
      case .retainedSnapshot: return "retained_snapshot"
      case .retainedSnapshotEnd: return "retained_snapshot_end"
      case .other(let text): return text
      }
    }

    /// What happened, for people: `recorder connected`, `stimulus started (verify)`.
    public var summary: String {
      switch self {
      case .stimulus: return "stimulus started (verify)"
      case .retainedSnapshot: return "retained snapshot: the broker's retained messages at the start"
      case .retainedSnapshotEnd: return "end of the retained snapshot"
      default: return "recorder \(rawValue)"
      }
    }
  }

  /// What happened.
  public var kind: Kind
  /// When it happened.
  public var timestamp: Timestamp
  /// Why, for `disconnected`: libmosquitto's or the broker's reason.
  public var reason: String?

  /// An event of `kind` at `timestamp`.
  public init(kind: Kind, timestamp: Timestamp, reason: String? = nil) {
    self.kind = kind
    self.timestamp = timestamp
    self.reason = reason
  }

  /// The recorder connected (or reconnected) at `timestamp`.
  public static func connected(at timestamp: Timestamp) -> ConnectionEvent {
    ConnectionEvent(kind: .connected, timestamp: timestamp)
  }

  /// The recorder lost the broker at `timestamp`, for `reason`.
  public static func disconnected(at timestamp: Timestamp, reason: String) -> ConnectionEvent {
    ConnectionEvent(kind: .disconnected, timestamp: timestamp, reason: reason)
  }

  /// A `verify` run's stimulus started at `timestamp`.
  public static func stimulus(at timestamp: Timestamp) -> ConnectionEvent {
    ConnectionEvent(kind: .stimulus, timestamp: timestamp)
  }
}
