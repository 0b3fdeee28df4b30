extension CaptureHeader {
  /// The instances `sources` were recorded by (`sourceInstances`), each once in the order of the sources,
  /// with how many sources each recorded.
  public var sourceInstanceCounts: [(instance: String, sources: Int)] {
    var counts: [(instance: String, sources: Int)] = []
    for instance in sourceInstances.compactMap({ $0 }) {
      if let i = counts.firstIndex(where: { $0.instance == instance }) {
        counts[i].sources += 1
      } else {
        counts.append((instance, 1))
      }
    }
    return counts
  }
}
