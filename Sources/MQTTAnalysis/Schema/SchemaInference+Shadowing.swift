/// A topic is checked against its own filter when one names it, else against the first wildcard filter
/// in the document that matches it (as `check` and JSON Schema validators reading `x-mqtt-channels` do).
/// Wildcard channels can overlap (`home/+/state` for a fleet of lamps, `+/kitchen/state` for the rooms'
/// thermostats): a topic of the later one that the earlier one also matches would be checked against the
/// earlier one's schema. Such a topic gets a channel of its own, so that a capture always passes the schema
/// made from it; a topic folded into a channel (no shape of its own left) widens the earlier channel's schema
/// with its channel's shape instead.
extension SchemaInference {
  /// The groups with every held topic that a wildcard filter earlier in the document (by `first`) than its
  /// own matches taken out into a single-topic group (a group left with no topic goes), and such folded
  /// topics' channels in `widening` of the group whose filter matches them first.
  func separatingShadowed(_ groups: [Group]) -> [Group] {
    var filters = FilterTrie()
    var rank = [Int](repeating: 0, count: groups.count)
    for (k, i) in groups.indices.sorted(by: { groups[$0].first < groups[$1].first }).enumerated() {
      rank[i] = k
      if !groups[i].kind.isSingle { filters.insert(groups[i].filter, rank: k) }
    }
    guard filters.hasOverlap else { return groups }
    var groups = groups
    widenForFolded(&groups, filters: filters, rank: rank)
    var result: [Group] = []
    var separated: [Group] = []
    for (i, group) in groups.enumerated() {
      guard !group.kind.isSingle else {
        result.append(group)
        continue
      }
      var kept = group
      kept.positions = group.positions.filter { position in
        guard let earliest = filters.firstMatch(order[position]), earliest < rank[i] else { return true }
        separated.append(Group(kind: .single, filter: order[position], positions: [position]))
        return false
      }
      if !kept.positions.isEmpty || !kept.foldedChannels.isEmpty { result.append(kept) }
    }
    return result + separated
  }

  /// Adds to `widening` of a wildcard group the folded channels of other groups with a topic its filter
  /// matches first.
  private func widenForFolded(_ groups: inout [Group], filters: FilterTrie, rank: [Int]) {
    guard !folded.isEmpty else { return }
    var owner: [Int: Int] = [:]
    for (i, group) in groups.enumerated() { for channel in group.foldedChannels { owner[channel] = i } }
    var byRank: [Int: Int] = [:]
    for i in groups.indices { byRank[rank[i]] = i }
    var widening: [Int: Set<Int>] = [:]
    for (topic, slot) in index {
      guard case .folded(let channel, _) = slot, let i = owner[channel], let earliest = filters.firstMatch(topic),
        earliest < rank[i], let catcher = byRank[earliest], groups[catcher].kind.isWildcard
      else { continue }
      widening[catcher, default: []].insert(channel)
    }
    for (i, channels) in widening { groups[i].widening = channels.sorted() }
  }
}

extension SchemaInference.GroupKind {
  var isSingle: Bool {
    if case .single = self { return true }
    return false
  }
}

/// Topic filters made of levels and `+`, by level, for finding the first one (least rank) that matches a
/// topic in time proportional to the topic's levels.
struct FilterTrie {
  private struct Node {
    var literal: [Substring: Int] = [:]
    var plus: Int?
    var rank: Int?
  }
  private var nodes = [Node()]
  /// Whether two filters share a node where one has a literal level and the other `+`, or end on one
  /// node: only then can a topic match more than one of them.
  private(set) var hasOverlap = false

  mutating func insert(_ filter: String, rank: Int) {
    var node = 0
    for level in filter.split(separator: "/", omittingEmptySubsequences: false) {
      let next: Int?
      if level == "+" {
        if !nodes[node].literal.isEmpty { hasOverlap = true }
        next = nodes[node].plus
      } else {
        if nodes[node].plus != nil { hasOverlap = true }
        next = nodes[node].literal[level]
      }
      if let next {
        node = next
        continue
      }
      nodes.append(Node())
      if level == "+" { nodes[node].plus = nodes.count - 1 } else { nodes[node].literal[level] = nodes.count - 1 }
      node = nodes.count - 1
    }
    if let known = nodes[node].rank {
      hasOverlap = true
      nodes[node].rank = min(known, rank)
    } else {
      nodes[node].rank = rank
    }
  }

  /// The least rank of the filters that match `topic`.
  func firstMatch(_ topic: String) -> Int? {
    let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
    var best: Int?
    var stack = [(node: 0, depth: 0)]
    while let (node, depth) = stack.popLast() {
      if depth == levels.count {
        if let rank = nodes[node].rank { best = min(best ?? rank, rank) }
        continue
      }
      if let next = nodes[node].literal[levels[depth]] { stack.append((next, depth + 1)) }
      if let next = nodes[node].plus { stack.append((next, depth + 1)) }
    }
    return best
  }
}
