import MQTTCapture

/// Folding: once `Options.foldThreshold` topics keep a shape of their own, the wildcard channels of at least
/// `minimumUpperGroup` topics found among them so far (a fleet's `dev/+/state`, a family `many/+`) take over
/// their topics: the topics' shapes are merged into the channel's, in the order first seen, and their later
/// messages go straight into it. A capture with fewer topics is described exactly as without folding; one
/// with more gets the same channels unless a folded topic later changes shape (a note says so) or gets a
/// sibling of its shape.
extension SchemaInference {
  /// Where a topic's messages go.
  enum Slot {
    /// Its own shape, `shapes[position]`.
    case held(Int)
    /// The shape of `folded[index]`; `position` is its place in `order`.
    case folded(Int, position: Int)
  }

  /// A wildcard channel whose topics keep no shape of their own.
  struct FoldedChannel {
    /// The topic filter, with `+` for the levels that vary.
    var filter: String
    /// The signature its topics had when they were folded.
    var signature: String
    /// The place in `order` of its first topic.
    var first: Int
    /// How many topics were folded into it.
    var topicCount = 0
    /// Its first topics, up to `Options.maxTopicsListed`, with their places.
    var listed: [(position: Int, topic: String)] = []
    /// Its topics' shapes merged, and their messages since.
    var shape = PayloadShape()
  }

  /// Folds the held topics that belong to a wildcard channel of at least `minimumUpperGroup` topics (or to
  /// a folded channel whose filter covers their group's) into it, and sets when to look again (when the held
  /// topics have doubled, so a capture of many lone topics is not grouped at every new one).
  mutating func fold() {
    let limits = self.limits
    for group in groups() {
      if case .events = group.kind { continue }
      let signature = shapes[group.first]!.signature
      let known = folded.indices.first { index in
        folded[index].signature == signature
          && (Self.covers(folded[index].filter, group.filter) || Self.covers(group.filter, folded[index].filter))
      }
      guard known != nil || (group.kind.isWildcard && group.positions.count >= Self.minimumUpperGroup) else {
        continue
      }
      let target = known ?? folded.count
      if let known {
        if Self.covers(group.filter, folded[known].filter) { folded[known].filter = group.filter }
        folded[known].first = min(folded[known].first, group.first)
      } else {
        folded.append(FoldedChannel(filter: group.filter, signature: signature, first: group.first))
      }
      for position in group.positions {
        folded[target].shape.merge(shapes[position]!, limits: limits)
        shapes[position] = nil
        heldCount -= 1
        folded[target].topicCount += 1
        if folded[target].listed.count < options.maxTopicsListed {
          folded[target].listed.append((position, order[position]))
        }
        index[order[position]] = .folded(target, position: position)
      }
    }
    nextFold = max(options.foldThreshold, 2 * heldCount)
  }

  /// Whether every topic `filter` matches is matched by `wider` (both made of levels and `+`).
  static func covers(_ wider: String, _ filter: String) -> Bool {
    let outer = wider.split(separator: "/", omittingEmptySubsequences: false)
    let inner = filter.split(separator: "/", omittingEmptySubsequences: false)
    return outer.count == inner.count && zip(outer, inner).allSatisfy { $0 == "+" || $0 == $1 }
  }

  /// The groups of the held topics, joined with the folded channels of their signature whose filters cover
  /// theirs or are covered by theirs (the wider filter names the channel); then the folded channels no held
  /// topic joins. Folded channels one of which covers the other become one.
  func groupsWithFolded() -> [Group] {
    guard !folded.isEmpty else { return groups() }
    var joined: [(group: Group, signature: String)] = []
    for index in folded.indices.sorted(by: { folded[$0].first < folded[$1].first }) {
      let channel = folded[index]
      if let known = joined.firstIndex(where: {
        $0.signature == channel.signature
          && (Self.covers($0.group.filter, channel.filter) || Self.covers(channel.filter, $0.group.filter))
      }) {
        if Self.covers(channel.filter, joined[known].group.filter) { joined[known].group.filter = channel.filter }
        joined[known].group.foldedChannels.append(index)
      } else {
        joined.append(
          (
            Group(
              kind: .wildcard, filter: channel.filter, positions: [], foldedChannels: [index], first: channel.first),
            channel.signature
          ))
      }
    }
    var result: [Group] = []
    for group in groups() {
      if case .events = group.kind {
        result.append(group)
        continue
      }
      let signature = shapes[group.first]!.signature
      guard
        let known = joined.firstIndex(where: {
          $0.signature == signature
            && (Self.covers($0.group.filter, group.filter) || Self.covers(group.filter, $0.group.filter))
        })
      else {
        result.append(group)
        continue
      }
      if Self.covers(group.filter, joined[known].group.filter) { joined[known].group.filter = group.filter }
      joined[known].group.positions += group.positions
    }
    for var entry in joined {
      entry.group.positions.sort()
      entry.group.first = min(entry.group.first, entry.group.positions.first ?? .max)
      result.append(entry.group)
    }
    return result
  }
}

extension SchemaInference.GroupKind {
  var isWildcard: Bool {
    if case .wildcard = self { return true }
    return false
  }
}
