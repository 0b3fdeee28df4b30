/// Two inputs by their places in the order given.
struct InputPair: Hashable {
  var earlier: Int
  var later: Int
}

/// The median of a stream of clock offsets in constant memory: every value up to `capacity`, then a
/// sample of `capacity` drawn evenly from all of them (reservoir sampling, seeded: the same inputs give
/// the same answer). Exact up to `capacity` values.
public struct ClockOffsetSample: Sendable {
  /// How many values are kept at most.
  public static let capacity = 1024
  /// How many values were added.
  public private(set) var count = 0
  private var kept: [Int64] = []
  private var random = SplitMix64(state: 0)

  /// An empty sample.
  public init() {}

  /// Adds one offset, in microseconds.
  public mutating func add(_ value: Int64) {
    count += 1
    if kept.count < Self.capacity {
      kept.append(value)
      return
    }
    // The value replaces a kept one with probability capacity/count.
    let slot = Int(random.next() % UInt64(count))
    if slot < Self.capacity { kept[slot] = value }
  }

  /// The median of the values (of the sample beyond `capacity`): the upper one of an even count; 0 when
  /// empty.
  public var median: Int64 {
    guard !kept.isEmpty else { return 0 }
    return kept.sorted()[kept.count / 2]
  }
}
