/// Payload sizes counted in constant memory, for their median: every size below `exactLimit` bytes is
/// counted exactly; larger sizes go into buckets 1/64 of a power of two wide (1,024–1,039, 1,040–1,055, …,
/// 65,536–66,559, …), so a median above `exactLimit` is a bucket's lower end, at most 1/64 (1.6 %) below
/// the true one.
///
/// Only the sizes that occur are kept: at most 1,024 exact sizes and 64 buckets per power of two, however
/// many messages are counted.
public struct SizeHistogram: Sendable, Equatable {
  /// Sizes below this are counted exactly.
  public static let exactLimit = 1024

  // A small open-addressing hash table from a bucket's lower end to its count: `add` runs for every
  // message, twice (its topic and the totals), and a `Dictionary` with its seeded hashing was a tenth of
  // `stats`' time. `keys` holds -1 where a slot is free; the table doubles at half full.
  private var keys: [Int] = []
  private var counts: [Int] = []
  /// How many slots are taken.
  private var used = 0
  /// Sizes counted.
  public private(set) var count = 0

  /// An empty histogram.
  public init() {}

  /// The lower end of the bucket `size` is counted in: `size` itself below `exactLimit`.
  public static func bucket(_ size: Int) -> Int {
    guard size >= exactLimit else { return max(size, 0) }
    // Keep the 7 highest significant bits: 64 buckets between each power of two and the next.
    let shift = (Int.bitWidth - size.leadingZeroBitCount) - 7
    return (size >> shift) << shift
  }

  /// Counts one payload of `size` bytes.
  public mutating func add(_ size: Int) {
    count += 1
    let key = Self.bucket(size)
    if used * 2 >= keys.count { grow() }
    let mask = keys.count - 1
    var slot = Self.hash(key) & mask
    while true {
      let k = keys[slot]
      if k == key {
        counts[slot] += 1
        return
      }
      if k < 0 {
        keys[slot] = key
        counts[slot] = 1
        used += 1
        return
      }
      slot = (slot + 1) & mask
    }
  }

  /// Fibonacci hashing: sizes close together land far apart.
  private static func hash(_ key: Int) -> Int {
    Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> 40)
  }

  private mutating func grow() {
    let old = zip(keys, counts).filter { $0.0 >= 0 }
    let capacity = max(8, keys.count * 2)
    keys = [Int](repeating: -1, count: capacity)
    counts = [Int](repeating: 0, count: capacity)
    let mask = capacity - 1
    for (key, n) in old {
      var slot = Self.hash(key) & mask
      while keys[slot] >= 0 { slot = (slot + 1) & mask }
      keys[slot] = key
      counts[slot] = n
    }
  }

  /// The lower median: the size in the middle of all sizes in order, the lower of the two middle ones when
  /// the count is even; nil when nothing was counted. Exact below `exactLimit` (see the type).
  public var median: Int? {
    guard count > 0 else { return nil }
    let target = (count - 1) / 2  // 0-based position in the sorted sizes
    var seen = 0
    for (key, n) in zip(keys, counts).filter({ $0.0 >= 0 }).sorted(by: { $0.0 < $1.0 }) {
      seen += n
      if seen > target { return key }
    }
    return nil  // not reached: the counts add up to `count`
  }

  /// How many exact sizes and buckets are kept: the memory the histogram holds.
  public var bucketCount: Int { used }

  /// Whether both counted the same sizes (in the same buckets).
  public static func == (a: SizeHistogram, b: SizeHistogram) -> Bool {
    func pairs(_ h: SizeHistogram) -> [Int: Int] {
      Dictionary(uniqueKeysWithValues: zip(h.keys, h.counts).filter { $0.0 >= 0 }.map { ($0.0, $0.1) })
    }
    return a.count == b.count && pairs(a) == pairs(b)
  }
}
