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

  /// How many sizes fell into each bucket, by the bucket's lower end.
  private var counts: [Int: Int] = [:]
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
    counts[Self.bucket(size), default: 0] += 1
    count += 1
  }

  /// The lower median: the size in the middle of all sizes in order, the lower of the two middle ones when
  /// the count is even; nil when nothing was counted. Exact below `exactLimit` (see the type).
  public var median: Int? {
    guard count > 0 else { return nil }
    let target = (count - 1) / 2  // 0-based position in the sorted sizes
    var seen = 0
    for key in counts.keys.sorted() {
      seen += counts[key]!
      if seen > target { return key }
    }
    return nil  // not reached: the counts add up to `count`
  }
}

extension SizeHistogram {
  /// How many exact sizes and buckets are kept: the memory the histogram holds.
  public var bucketCount: Int { counts.count }
}
