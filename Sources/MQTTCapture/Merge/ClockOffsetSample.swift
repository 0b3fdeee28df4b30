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
  private var random: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// An empty sample.
  public init() {}

  /// Adds one offset, in microseconds.
  public mutating func add(_ value: Int64) {
    count += 1
    if kept.count < Self.capacity {
      kept.append(value)
      return
    }
    // xorshift64: the value replaces a kept one with probability capacity/count.
    random ^= random << 13
    random ^= random >> 7
    random ^= random << 17
    let slot = Int(random % UInt64(count))
    if slot < Self.capacity { kept[slot] = value }
  }

  /// The median of the values (of the sample beyond `capacity`): the upper one of an even count; 0 when
  /// empty.
  public var median: Int64 {
    guard !kept.isEmpty else { return 0 }
    return kept.sorted()[kept.count / 2]
  }
}
