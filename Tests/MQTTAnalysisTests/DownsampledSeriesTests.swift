import MQTTCapture
import Testing

@testable import MQTTAnalysis

@Suite("DownsampledSeries") struct DownsampledSeriesTests {
  private func t(_ microseconds: Int64) -> Timestamp { Timestamp(microseconds: 1_764_064_800_000_000 + microseconds) }

  @Test("a spike among 100,000 points survives in 50 columns")
  func spikeSurvives() {
    var series = DownsampledSeries(columns: 50)
    for i in 0..<100_000 {
      let value = i == 61_234 ? 500.0 : (i == 7_000 ? -80.0 : 20 + Double(i % 7) * 0.1)
      series.add(value, at: t(Int64(i) * 10_000))
    }
    #expect(series.count == 100_000)
    #expect(series.points.contains(DownsampledSeries.Point(time: t(61_234 * 10_000), value: 500)))
    #expect(series.points.contains(DownsampledSeries.Point(time: t(7_000 * 10_000), value: -80)))
    #expect(series.maximum == 500)
    #expect(series.minimum == -80)
    #expect(series.points.count <= 100)
  }

  @Test("each column keeps the smallest and largest of its points, computed by brute force")
  func minMaxPerColumn() {
    var series = DownsampledSeries(columns: 64)
    var input: [(Int64, Double)] = []
    var state: UInt64 = 42
    var time: Int64 = 0
    for _ in 0..<20_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      time += Int64(state >> 54) + 1  // irregular gaps
      let value = Double(Int64(state >> 40) % 1000) / 10
      input.append((time, value))
      series.add(value, at: t(time))
    }
    let width = series.columnWidth
    let origin = input[0].0
    #expect(series.origin == t(origin))
    // The columns are as narrow as they can be: the span needs all of them at this width, not at half.
    #expect((input.last!.0 - origin) / width < 64)
    #expect((input.last!.0 - origin) / (width / 2) >= 64)
    var expected: [Int64: (min: Double, max: Double, count: Int)] = [:]
    for (time, value) in input {
      let column = (time - origin) / width * width
      let e = expected[column] ?? (value, value, 0)
      expected[column] = (min(e.min, value), max(e.max, value), e.count + 1)
    }
    let buckets = series.buckets
    #expect(buckets.count == expected.count)
    for bucket in buckets {
      let column = bucket.start.microseconds - t(origin).microseconds
      let e = expected[column]
      #expect(e?.min == bucket.minimum.value)
      #expect(e?.max == bucket.maximum.value)
      #expect(e?.count == bucket.count)
    }
    #expect(buckets.reduce(0) { $0 + $1.count } == input.count)
  }

  @Test("every point drawn is an input point, in time order, and few points are all kept")
  func pointsAreMessages() {
    var series = DownsampledSeries(columns: 100)
    let input = (0..<30).map { (Int64($0) * 1_000_000, Double($0 * $0)) }
    for (time, value) in input { series.add(value, at: t(time)) }
    #expect(series.points.map(\.value) == input.map(\.1))
    #expect(series.points.map(\.time) == input.map { t($0.0) })
    var many = DownsampledSeries(columns: 10)
    for i in 0..<1000 { many.add(Double((i * 37) % 101), at: t(Int64(i) * 3_000)) }
    let inputs = Set((0..<1000).map { "\(t(Int64($0) * 3_000).microseconds):\(Double(($0 * 37) % 101))" })
    for p in many.points { #expect(inputs.contains("\(p.time.microseconds):\(p.value)")) }
    #expect(many.points.map(\.time) == many.points.map(\.time).sorted())
  }

  @Test("non-finite values are ignored; an earlier time falls in the first column")
  func edges() {
    var series = DownsampledSeries(columns: 4)
    series.add(.nan, at: t(0))
    series.add(.infinity, at: t(0))
    #expect(series.count == 0)
    #expect(series.points.isEmpty)
    series.add(1, at: t(1_000))
    series.add(2, at: t(0))
    #expect(series.count == 2)
    #expect(series.buckets.count == 1)
    #expect(series.minimum == 1 && series.maximum == 2)
  }
}
