import MQTTCapture

/// The topic hierarchy of `TrafficStatistics`, as MQTT Explorer's tree shows it: one node per topic level,
/// with the messages and rate of everything below it.
///
/// Levels are what lies between the `/`s, so `a//b` has an empty middle level and `/a` an empty first
/// one; `$SYS/…` is a first level like any other. Nodes are kept in one flat array in depth-first order
/// (a parent, then its children in order, each with its own subtree), so no operation on the tree recurses,
/// however deep a topic goes; past `maxDepth` levels, the rest of a topic is one node whose name still holds
/// its `/`s.
public struct TopicTree: Sendable {
  /// One topic level.
  public struct Node: Sendable {
    /// The level's name (may be empty).
    public var name: String
    /// The levels from the first to this one, joined with `/`: the topic a message published here has.
    public var path: String
    /// 0 for a first level.
    public var depth: Int
    /// The parent's position in `nodes`; nil for a first level.
    public var parent: Int?
    /// The children's positions in `nodes`, ordered by name (UTF-8 byte order).
    public var children: [Int] = []
    /// Messages published to `path` itself.
    public var ownMessages = 0
    /// Messages published to `path` and every topic below it.
    public var messages = 0
    /// Topics with messages at or below this level (`path` itself included).
    public var topics = 0
    /// Payload bytes at and below this level.
    public var payloadBytes: UInt64 = 0
    /// Messages per second at and below this level: the sum of the topics' mean rates; nil when the
    /// traffic spans no time (see `TopicStatistics.meanRate`).
    public var meanRate: Double?
    /// Whether messages were published to `path` itself.
    public var isTopic: Bool { ownMessages > 0 }
  }

  /// Levels deeper than this are not split any further.
  public static let maxDepth = 64

  /// Every node, depth-first: each parent before its children, children in order.
  public private(set) var nodes: [Node] = []
  /// The first levels' positions in `nodes`, ordered by name.
  public private(set) var roots: [Int] = []

  /// The tree of the topics in `statistics`.
  public init(_ statistics: TrafficStatistics) {
    self.init(topics: statistics.topics)
  }

  /// The tree of `topics` (each topic once, with its mean rate over the same span).
  public init(topics: [TopicStatistics]) {
    // Built first as unordered nodes with a dictionary of children per node, then laid out depth-first.
    var built: [Node] = []
    var childIndex: [[String: Int]] = []
    var rootIndex: [String: Int] = [:]
    for topic in topics {
      let levels = Self.levels(of: topic.topic)
      var parent: Int?
      var pathEnd = topic.topic.utf8.startIndex
      for (depth, level) in levels.enumerated() {
        pathEnd = level.endIndex
        let existing = parent.map { childIndex[$0][String(level)] } ?? rootIndex[String(level)]
        let node: Int
        if let existing {
          node = existing
        } else {
          node = built.count
          let path = String(topic.topic[topic.topic.startIndex..<pathEnd])
          built.append(Node(name: String(level), path: path, depth: depth, parent: parent))
          childIndex.append([:])
          if let parent { childIndex[parent][String(level)] = node } else { rootIndex[String(level)] = node }
        }
        parent = node
      }
      guard let leaf = parent else { continue }
      built[leaf].ownMessages += topic.messages
      built[leaf].messages += topic.messages
      built[leaf].topics += 1
      built[leaf].payloadBytes += topic.payloadBytes
      if let rate = topic.meanRate { built[leaf].meanRate = (built[leaf].meanRate ?? 0) + rate }
    }
    func ordered(_ names: [String: Int]) -> [Int] {
      names.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map(\.value)
    }
    // Depth-first layout with an explicit stack; `position[old]` is where a built node went.
    var position = [Int](repeating: 0, count: built.count)
    var stack = ordered(rootIndex).reversed() as [Int]
    while let old = stack.popLast() {
      position[old] = nodes.count
      var node = built[old]
      node.parent = node.parent.map { position[$0] }
      nodes.append(node)
      stack.append(contentsOf: ordered(childIndex[old]).reversed())
    }
    for i in nodes.indices {
      if let parent = nodes[i].parent { nodes[parent].children.append(i) } else { roots.append(i) }
    }
    // Children come after their parent: adding up from the end gives every subtree's sums.
    for i in nodes.indices.reversed() {
      guard let parent = nodes[i].parent else { continue }
      nodes[parent].messages += nodes[i].messages
      nodes[parent].topics += nodes[i].topics
      nodes[parent].payloadBytes += nodes[i].payloadBytes
      if let rate = nodes[i].meanRate { nodes[parent].meanRate = (nodes[parent].meanRate ?? 0) + rate }
    }
  }

  /// The levels of `topic`: split at every `/`, the last of `maxDepth` levels keeping the rest.
  static func levels(of topic: String) -> [Substring] {
    var levels: [Substring] = []
    var start = topic.startIndex
    var i = topic.startIndex
    while i < topic.endIndex {
      if topic.utf8[i] == UInt8(ascii: "/") && levels.count < maxDepth - 1 {
        levels.append(topic[start..<i])
        start = topic.utf8.index(after: i)
      }
      i = topic.utf8.index(after: i)
    }
    levels.append(topic[start..<topic.endIndex])
    return levels
  }
}
