extension CaptureMerge.Summary {
  /// The inputs holding messages whose span of time overlaps no other input's, in the order given: merged one
  /// after the other. All of them (two or more) means the files follow one another, as a rotated set or
  /// separate days do.
  public var separateSources: [CaptureMerge.Source] {
    let spans = sources.compactMap { source in
      source.messages == 0 ? nil : source.first.flatMap { first in source.last.map { (source, first, $0) } }
    }
    guard spans.count > 1 else { return [] }
    return spans.indices.filter { i in
      !spans.indices.contains { j in j != i && spans[j].1 <= spans[i].2 && spans[i].1 <= spans[j].2 }
    }.map { spans[$0].0 }
  }
}

extension CaptureMerge.Summary {
  /// The inputs holding messages whose span of time overlaps another such input's but that share no copy
  /// with any input, in the order given: with `dedupWindow`, a clock off by more than the window (or other
  /// topics recorded).
  public var sourcesSharingNoCopies: [CaptureMerge.Source] {
    let separate = Set(separateSources.map(\.path))
    guard sources.filter({ $0.messages > 0 }).count > 1 else { return [] }
    return sources.filter { $0.messages > 0 && $0.copies == 0 && !separate.contains($0.path) }
  }
}
