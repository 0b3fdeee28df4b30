import MQTTCapture

/// Infers JSON Schemas for the payloads of MQTT topics, one message at a time, in memory bounded per topic.
///
/// Rules (see README, "schema"): types per field (`integer` when every number was written without fraction
/// or exponent), `required` for members present in every object, `enum` for strings with at most
/// `enumLimit` distinct values when some value repeats (`enumMinimumRepeat`), `minimum`/`maximum` of numbers,
/// `minItems`/`maxItems` of arrays, members in wire order. Sibling topics of one shape become a wildcard
/// channel; the topics under a level named `event` or `events` become an event family.
public struct SchemaInference {
  /// The limits of inference.
  public struct Options: Sendable {
    /// The most distinct strings an `enum` lists.
    public var enumLimit = 10
    /// An `enum` needs this many more samples than distinct values (1: some value was seen twice; so a
    /// file name seen once is no enum).
    public var enumMinimumRepeat = 1
    /// Strings longer than this (in bytes) are never enum candidates.
    public var enumStringLength = 200
    /// Values nested deeper than this inside a payload are described as any value.
    public var maxDepth = 32
    /// The most member names described per object position; later ones are allowed, not described.
    public var maxProperties = 256
    /// The most concrete topics a channel lists.
    public var maxTopicsListed = 100
    /// How many topics keep a shape of their own before the wildcard channels of many topics found so far
    /// take in their topics' messages directly (memory then grows with the channels, not the topics).
    public var foldThreshold = 4_096
    /// Payloads larger than this (bytes) are not kept as examples.
    public var exampleLimit = 16_384
    /// Whether schemas hold the values seen (`enum`, `minimum`/`maximum`, `minItems`/`maxItems`) or only
    /// types and members (a looser contract for captures to come).
    public var values = true
    /// The defaults above.
    public init() {}
  }

  /// The limits in use.
  public let options: Options
  /// The shapes of the topics not folded into a channel yet, by place in `order` (nil once folded). An array,
  /// not a dictionary: a message updates its topic's shape in place (a dictionary's moved it out and back,
  /// 25 % of `schema`'s time).
  var shapes: [PayloadShape?] = []
  /// How many topics hold a shape of their own (`shapes` not nil).
  var heldCount = 0
  /// Every topic, in the order first seen.
  var order: [String] = []
  /// Where a topic's messages go: its own shape, or a channel it was folded into.
  var index: [String: Slot] = [:]
  /// Channels of many topics of one shape whose topics no longer keep a shape each (see `fold()`).
  var folded: [FoldedChannel] = []
  /// When the next `fold()` is due: a number of held topic shapes.
  var nextFold = 0
  private var messageCount = 0
  /// Messages on the empty topic, left out.
  private var emptyTopicCount = 0

  /// An empty inference.
  public init(options: Options = Options()) {
    self.options = options
    nextFold = options.foldThreshold
  }

  var limits: ShapeNode.Limits {
    ShapeNode.Limits(
      enumLimit: options.enumLimit, enumStringLength: options.enumStringLength, maxDepth: options.maxDepth,
      maxProperties: options.maxProperties)
  }

  /// Takes one message into account.
  public mutating func add(_ message: CapturedMessage) {
    // No topic filter (and so no schema document) can name the empty topic, which MQTT does not allow.
    guard !message.topic.isEmpty else {
      emptyTopicCount += 1
      return
    }
    messageCount += 1
    var limits = self.limits
    switch index[message.topic] {
    case .held(let position):
      limits.rank = position
      shapes[position]!.add(message, limits: limits, exampleLimit: options.exampleLimit)
    case .folded(let channel, let position):
      limits.rank = position
      folded[channel].shape.add(message, limits: limits, exampleLimit: options.exampleLimit)
    case nil:
      let position = order.count
      index[message.topic] = .held(position)
      order.append(message.topic)
      limits.rank = position
      var shape = PayloadShape()
      shape.add(message, limits: limits, exampleLimit: options.exampleLimit)
      shapes.append(shape)
      heldCount += 1
      if heldCount >= nextFold { fold() }
    }
  }

  /// The channels inferred from the messages added so far.
  public func result() -> InferredSchemas {
    var channels: [(first: Int, channel: InferredChannel)] = []
    var ids = ChannelIDs()
    for group in separatingShadowed(Self.joiningSameFilter(groupsWithFolded())) {
      channels.append((group.first, makeChannel(group, ids: &ids)))
    }
    // A group keeps its `first` when its first topic is taken out (`separatingShadowed`): that topic's own
    // channel, which no other matches, comes after it.
    channels.sort { ($0.first, $0.channel.kind == .topic ? 1 : 0) < ($1.first, $1.channel.kind == .topic ? 1 : 0) }
    var schemas = InferredSchemas(channels: channels.map(\.channel), messageCount: messageCount)
    if emptyTopicCount > 0 {
      schemas.notes.append(
        "\(formatCount(emptyTopicCount, "message")) on the empty topic, which MQTT does not allow and no topic filter "
          + "can name, \(emptyTopicCount == 1 ? "is" : "are") not described.")
    }
    return schemas
  }

  // MARK: - Grouping

  enum GroupKind {
    case single
    /// The topics matching `filter`, whose `+` levels vary.
    case wildcard
    case events(parent: String)
  }

  struct Group {
    var kind: GroupKind
    /// The topic, or the filter covering the group's topics.
    var filter: String
    /// The held topics' places in `order`, first seen first (empty for a folded channel alone).
    var positions: [Int]
    /// The folded channels that join them (places in `folded`).
    var foldedChannels: [Int] = []
    /// Folded channels of other groups with topics this group's filter matches first, which its schema
    /// covers too (places in `folded`; see `separatingShadowed`).
    var widening: [Int] = []
    /// The place of the group's first topic.
    var first: Int
    init(kind: GroupKind, filter: String, positions: [Int], foldedChannels: [Int] = [], first: Int? = nil) {
      self.kind = kind
      self.filter = filter
      self.positions = positions
      self.foldedChannels = foldedChannels
      self.first = first ?? positions[0]
    }
  }

  /// Topics grouped: per parent level, an event family, or the largest set of siblings of one shape; then
  /// groups of one shape that differ in one level higher up (`dev/+/state` for a fleet of devices).
  func groups() -> [Group] {
    var byParent: [String: [Int]] = [:]
    var parents: [String] = []
    var groups: [Group] = []
    for position in shapes.indices where shapes[position] != nil {
      let topic = order[position]
      guard let slash = topic.utf8.lastIndex(of: UInt8(ascii: "/")) else {
        groups.append(Group(kind: .single, filter: topic, positions: [position]))
        continue
      }
      let parent = String(topic[..<slash])
      if byParent[parent] == nil { parents.append(parent) }
      byParent[parent, default: []].append(position)
    }
    for parent in parents {
      let positions = byParent[parent]!
      if positions.count < 2 {
        groups.append(Group(kind: .single, filter: order[positions[0]], positions: positions))
        continue
      }
      let lastLevel = parent.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
      if ["event", "events"].contains(lastLevel.lowercased()) {
        groups.append(Group(kind: .events(parent: parent), filter: parent + "/+", positions: positions))
        continue
      }
      var bySignature: [String: [Int]] = [:]
      for position in positions { bySignature[shapes[position]!.signature, default: []].append(position) }
      let largest = bySignature.values.max { $0.count < $1.count || ($0.count == $1.count && $0[0] > $1[0]) }!
      let grouped = largest.count >= 2 ? Set(largest) : []
      for position in positions where !grouped.contains(position) {
        groups.append(Group(kind: .single, filter: order[position], positions: [position]))
      }
      if largest.count >= 2 {
        groups.append(Group(kind: .wildcard, filter: parent + "/+", positions: largest))
      }
    }
    return Self.generalized(groups, signature: { shapes[$0]!.signature })
  }

  /// The least groups of one shape that make a level higher up a wildcard: for each level from the
  /// second-to-last up, groups that differ only there (at least `minimumUpperGroup` of them, so that two
  /// unrelated topics are not taken for a family) become one.
  private static func generalized(_ groups: [Group], signature: (Int) -> String) -> [Group] {
    var groups = groups
    let deepest = groups.map { $0.filter.utf8.count(where: { $0 == UInt8(ascii: "/") }) + 1 }.max() ?? 0
    guard deepest >= 2 else { return groups }
    for fromEnd in 2...deepest {
      var byKey: [String: [Int]] = [:]
      var keys: [String] = []
      for (i, group) in groups.enumerated() {
        if case .events = group.kind { continue }
        var levels = group.filter.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count >= fromEnd, levels[levels.count - fromEnd] != "+" else { continue }
        levels[levels.count - fromEnd] = "+"
        let key = levels.joined(separator: "/") + "\u{0}" + signature(group.first)
        if byKey[key] == nil { keys.append(key) }
        byKey[key, default: []].append(i)
      }
      var merged: [Group] = []
      var absorbed = Set<Int>()
      for key in keys {
        let members = byKey[key]!
        guard members.count >= minimumUpperGroup else { continue }
        absorbed.formUnion(members)
        let filter = String(key[..<key.firstIndex(of: "\u{0}")!])
        merged.append(
          Group(kind: .wildcard, filter: filter, positions: members.flatMap { groups[$0].positions }.sorted()))
      }
      if merged.isEmpty { continue }
      groups = groups.enumerated().filter { !absorbed.contains($0.offset) }.map(\.element) + merged
    }
    return groups
  }

  /// The fewest groups that differ in one level higher up and become one channel.
  static let minimumUpperGroup = 3

  /// The groups with one wildcard filter joined into one (a fleet of lamps and one of thermostats under
  /// `home/+/state`): a filter names one channel, whose schema is the union of their shapes (members not in
  /// all of them optional), so that every topic the filter matches is checked against a schema that fits it.
  static func joiningSameFilter(_ groups: [Group]) -> [Group] {
    var byFilter: [String: Int] = [:]
    var result: [Group] = []
    for group in groups {
      guard case .wildcard = group.kind else {
        result.append(group)
        continue
      }
      guard let known = byFilter[group.filter] else {
        byFilter[group.filter] = result.count
        result.append(group)
        continue
      }
      result[known].positions = (result[known].positions + group.positions).sorted()
      result[known].foldedChannels += group.foldedChannels
      result[known].first = min(result[known].first, group.first)
    }
    return result
  }

  // MARK: - Channels

  private func makeChannel(_ group: Group, ids: inout ChannelIDs) -> InferredChannel {
    let limits = self.limits
    var merged = PayloadShape()
    let joining = group.foldedChannels.map { folded[$0] }.sorted { $0.first < $1.first }
    var listed = joining.flatMap(\.listed) + group.positions.prefix(options.maxTopicsListed).map { ($0, order[$0]) }
    listed.sort { $0.position < $1.position }
    let topicCount = group.positions.count + joining.reduce(0) { $0 + $1.topicCount }
    // In the order first seen, the topics of a folded channel counted where its first one was.
    var next = 0
    for position in group.positions {
      while next < joining.count, joining[next].first < position {
        merged.merge(joining[next].shape, limits: limits)
        next += 1
      }
      merged.merge(shapes[position]!, limits: limits)
    }
    for channel in joining[next...] { merged.merge(channel.shape, limits: limits) }
    var channel = InferredChannel(
      kind: .topic, id: "", filter: group.filter, address: group.filter, parameters: [],
      topics: listed.prefix(options.maxTopicsListed).map(\.topic),
      topicCount: topicCount, messages: [], messageCount: merged.count, qos: merged.qosLevels,
      retainedCount: merged.retained, schema: .object([]), notes: [])
    switch group.kind {
    case .single:
      channel.id = ids.make(group.filter)
      channel.messages = [message(channel.id, filter: group.filter, merged)]
      channel.schema = channel.messages[0].schema
    case .wildcard:
      setWildcard(&channel, ids: &ids)
      channel.kind = .wildcard
      channel.messages = [message(channel.id, filter: channel.filter, merged)]
      if !group.widening.isEmpty {
        var wide = merged
        for index in group.widening { wide.merge(folded[index].shape, limits: limits) }
        channel.messages[0].schema = wide.schema(options: options)
      }
      channel.schema = channel.messages[0].schema
    case .events(let parent):
      channel.id = ids.make(parent)
      channel.kind = .events
      channel.parameters = ["event"]
      channel.address = parent + "/{event}"
      channel.messages = group.positions.map { position in
        let topic = order[position]
        return message(
          String(topic[topic.index(after: topic.lastIndex(of: "/")!)...]), filter: topic, shapes[position]!)
      }
      channel.schema = .object([.init("anyOf", .array(channel.messages.map(\.schema)))])
    }
    channel.address = InferredSchemas.addressLevels(of: channel).address
    channel.notes = notes(for: channel, merged, group: group)
    return channel
  }

  /// The id, address and parameters of a wildcard channel, each `+` level a parameter named by
  /// `parameterName(levels:at:)`, unique within the channel.
  private func setWildcard(_ channel: inout InferredChannel, ids: inout ChannelIDs) {
    let levels = channel.filter.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    var names: [String] = []
    var address: [String] = []
    for (i, level) in levels.enumerated() {
      guard level == "+" else {
        address.append(level)
        continue
      }
      var name = Self.parameterName(levels: levels, at: i)
      if names.contains(name) { name += String(i + 1) }
      names.append(name)
      address.append("{\(name)}")
    }
    channel.id = ids.make(levels.filter { $0 != "+" }.joined(separator: "/"))
    channel.address = address.joined(separator: "/")
    channel.parameters = names
  }

  /// The name of the parameter for the `+` at `levels[index]`, as AsyncAPI's examples name them
  /// (`streetlights/{streetlightId}`): the level before it in the singular, with `Id` (`dev/{devId}/state`,
  /// `devices/{deviceId}`, `octoPrint/temperature/{temperatureId}`; an id already is the name: `ids/{id}`,
  /// `uids/{uid}`, `devIds/{devId}`, `kids/{kidId}` though); `level` and the level's number (`{level3}`) where
  /// the level before is no plain name (another `+`, empty, other characters) or there is none.
  static func parameterName(levels: [String], at index: Int) -> String {
    let before = index > 0 ? levels[index - 1] : ""
    let plain =
      !before.isEmpty && before != "+"
      && before.utf8.allSatisfy { ChannelIDs.isPlain($0) && $0 != UInt8(ascii: ".") }
    guard plain else { return "level\(index + 1)" }
    let name = singular(before)
    let lower = name.lowercased()
    let isID =
      ["id", "uid", "guid", "uuid"].contains(lower) || name.hasSuffix("Id") || name.hasSuffix("ID")
      || lower.hasSuffix("_id") || lower.hasSuffix("-id")
    return isID ? name : name + "Id"
  }

  /// A plural English noun in the singular, as far as a few plain rules can: `batteries` → `battery`;
  /// `boxes`, `matches`, `dishes`, `addresses`, `aliases`, `statuses` lose `es`; `devices`, `houses`, `ids`
  /// lose `s`; words ending in `ss`, `us`, `is`, words of three letters or fewer and a few that are no
  /// plurals (`news`, `series`) stay.
  static func singular(_ word: String) -> String {
    let lower = word.lowercased()
    if lower.hasSuffix("ids") { return String(word.dropLast()) }
    if lower.count <= 3 || notPlural.contains(lower) { return word }
    if lower.count > 4, lower.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
    if ["sses", "xes", "ches", "shes", "iases", "tuses"].contains(where: { lower.hasSuffix($0) }) {
      return String(word.dropLast(2))
    }
    if lower.hasSuffix("s"), !["ss", "us", "is"].contains(where: { lower.hasSuffix($0) }) {
      return String(word.dropLast())
    }
    return word
  }

  /// Words that end in `s` but are no plurals (or are their own singular).
  private static let notPlural: Set<String> = ["news", "series", "species", "alias", "canvas", "atlas"]

  private func message(_ name: String, filter: String, _ shape: PayloadShape) -> InferredMessage {
    InferredMessage(
      name: name, filter: filter, count: shape.count, qos: shape.qosLevels, retainedCount: shape.retained,
      schema: shape.schema(options: options), example: shape.example, exampleValue: shape.exampleValue)
  }

  private func notes(for channel: InferredChannel, _ shape: PayloadShape, group: Group) -> [String] {
    var notes: [String] = []
    if shape.tooDeepCount > 0 {
      notes.append(
        "\(channel.filter): \(formatCount(shape.tooDeepCount, "payload")) \(shape.tooDeepCount == 1 ? "nests" : "nest") "
          + "JSON deeper than \(PayloadValue.maxDepth) levels "
          + "and are described as any value.")
    }
    if shape.json.containsTooDeep {
      notes.append(
        "\(channel.filter): values nested deeper than \(options.maxDepth) levels are described as any value.")
    }
    if shape.json.containsKeysOverflow {
      notes.append(
        "\(channel.filter): objects with more than \(options.maxProperties) member names; the rest are allowed, "
          + "not described.")
    }
    if group.foldedChannels.contains(where: { folded[$0].shape.signature != folded[$0].signature }) {
      notes.append(
        "\(channel.filter): topics folded into this channel to save memory (past \(formatCount(options.foldThreshold, "topic"))) "
          + "later sent payloads of another shape; the schema covers them, the channel may include topics that would "
          + "otherwise be their own.")
    }
    if !group.widening.isEmpty {
      let others = group.widening.map { folded[$0].filter }
      notes.append(
        "\(channel.filter): its schema also covers the payloads of \(others.joined(separator: ", ")), folded to save "
          + "memory, some of whose topics this filter matches first.")
    }
    if channel.topicCount > channel.topics.count {
      notes.append(
        "\(channel.filter): \(formatCount(channel.topicCount, "topic")), the first \(channel.topics.count) listed.")
    }
    if shape.example == nil {
      notes.append("\(channel.filter): no payload small enough (\(options.exampleLimit) bytes) to keep as an example.")
    }
    return notes
  }
}

extension ShapeNode {
  var containsTooDeep: Bool {
    tooDeep > 0 || children.contains { $0.containsTooDeep } || items.contains { $0.containsTooDeep }
  }
  var containsKeysOverflow: Bool {
    keysOverflow || children.contains { $0.containsKeysOverflow } || items.contains { $0.containsKeysOverflow }
  }
}

/// Unique channel ids made from topics: `/` becomes `.`, anything but letters, digits, `.`, `_`, `-`
/// becomes `_`, and a repeat gets `-2`, `-3`.
struct ChannelIDs {
  private var used: Set<String> = []

  static func isPlain(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
      return true
    default: return false
    }
  }

  mutating func make(_ topic: String) -> String {
    var base = String(
      decoding: topic.utf8.map {
        $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : (Self.isPlain($0) ? $0 : UInt8(ascii: "_"))
      },
      as: UTF8.self)
    if base.isEmpty { base = "_" }
    var id = base
    var n = 2
    while used.contains(id) {
      id = "\(base)-\(n)"
      n += 1
    }
    used.insert(id)
    return id
  }
}
