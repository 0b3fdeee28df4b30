import MQTTCapture

/// A time series reduced while it streams to a fixed number of time columns, each keeping the point with the
/// smallest and the point with the largest value, so a chart drawn from it shows every spike however many
/// points went in.
///
/// The time span is not known while a capture streams: the columns start 1 µs wide from the first point, and
/// when a point lies beyond the last column, neighbouring columns are merged pairwise (the width doubles)
/// until it fits. Memory is `columns` buckets, whatever the number of points. A point earlier than the first
/// one (captures given out of order) is counted in the first column.
public struct DownsampledSeries: Sendable {
  /// One value at one time: a message's number.
  public struct Point: Equatable, Sendable {
    /// When the message was received.
    public var time: Timestamp
    /// The number it carried.
    public var value: Double

    /// The point `value` at `time`.
    public init(time: Timestamp, value: Double) {
      self.time = time
      self.value = value
    }
  }

  /// One column: how many points fell in it and the extreme ones.
  public struct Bucket: Equatable, Sendable {
    /// Where the column starts.
    public var start: Timestamp
    /// How many points fell in it.
    public var count: Int
    /// The point with the smallest value (the first of equals).
    public var minimum: Point
    /// The point with the largest value (the first of equals).
    public var maximum: Point
  }

  /// How many columns the series keeps at most.
  public let columns: Int
  /// How many points were added.
  public private(set) var count = 0
  /// The width of a column, in microseconds (a power of two).
  public private(set) var columnWidth: Int64 = 1
  /// The time of the first point added; columns are counted from here.
  public private(set) var origin: Timestamp?
  private var counts: [Int]
  private var minima: [Point]
  private var maxima: [Point]

  /// An empty series of `columns` columns (at least 2).
  public init(columns: Int) {
    self.columns = max(2, columns)
    counts = Array(repeating: 0, count: self.columns)
    let none = Point(time: Timestamp(microseconds: 0), value: 0)
    minima = Array(repeating: none, count: self.columns)
    maxima = minima
  }

  /// Adds `value` at `time`; non-finite values are ignored.
  public mutating func add(_ value: Double, at time: Timestamp) {
    guard value.isFinite else { return }
    let origin = self.origin ?? time
    if self.origin == nil { self.origin = time }
    let offset = max(0, time.microseconds - origin.microseconds)
    while offset / columnWidth >= Int64(columns) { mergePairs() }
    let i = Int(offset / columnWidth)
    let point = Point(time: time, value: value)
    count += 1
    if counts[i] == 0 {
      minima[i] = point
      maxima[i] = point
    } else {
      if value < minima[i].value { minima[i] = point }
      if value > maxima[i].value { maxima[i] = point }
    }
    counts[i] += 1
  }

  /// The columns that hold points, in time order.
  public var buckets: [Bucket] {
    guard let origin else { return [] }
    return counts.indices.compactMap { i in
      guard counts[i] > 0 else { return nil }
      let start = Timestamp(microseconds: origin.microseconds + Int64(i) * columnWidth)
      return Bucket(start: start, count: counts[i], minimum: minima[i], maximum: maxima[i])
    }
  }

  /// What a chart draws: per column its smallest and largest point in time order (one point when they are
  /// the same message). Every point is a message's time and value.
  public var points: [Point] {
    var out: [Point] = []
    out.reserveCapacity(2 * columns)
    for i in counts.indices where counts[i] > 0 {
      let (a, b) = (minima[i], maxima[i])
      if a == b {
        out.append(a)
      } else if a.time <= b.time {
        out += [a, b]
      } else {
        out += [b, a]
      }
    }
    return out
  }

  /// The smallest value added, if any.
  public var minimum: Double? {
    count == 0 ? nil : counts.indices.filter { counts[$0] > 0 }.map { minima[$0].value }.min()
  }
  /// The largest value added, if any.
  public var maximum: Double? {
    count == 0 ? nil : counts.indices.filter { counts[$0] > 0 }.map { maxima[$0].value }.max()
  }

  /// Halves the resolution: column i becomes columns 2i and 2i+1 together.
  private mutating func mergePairs() {
    for i in 0..<columns {
      let (a, b) = (2 * i, 2 * i + 1)
      guard a < columns else {
        counts[i] = 0
        continue
      }
      var n = counts[a]
      var lo = minima[a]
      var hi = maxima[a]
      if b < columns, counts[b] > 0 {
        if n == 0 {
          lo = minima[b]
          hi = maxima[b]
        } else {
          if minima[b].value < lo.value { lo = minima[b] }
          if maxima[b].value > hi.value { hi = maxima[b] }
        }
        n += counts[b]
      }
      counts[i] = n
      minima[i] = lo
      maxima[i] = hi
    }
    columnWidth *= 2
  }
}
