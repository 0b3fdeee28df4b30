import MQTTCapture

/// What the values seen at one place of a payload (the root, `.actual`, `.items[]`) had in common: the
/// types, the members of objects and how often each was present, the items of arrays, numeric bounds and a
/// few distinct strings. Its size is bounded by the limits, never by the number of values added.
struct ShapeNode: Sendable {
  var samples = 0
  var nulls = 0
  var booleans = 0
  var integers = 0
  var decimals = 0
  var strings = 0
  var objects = 0
  var arrays = 0
  /// Values nested deeper than the depth limit: described as any value.
  var tooDeep = 0

  /// The bounds, with the `rank` of the first topic that had them (see `Limits.rank`).
  var minimum: (value: Double, literal: String, rank: Int)?
  var maximum: (value: Double, literal: String, rank: Int)?

  /// The distinct strings seen, while there are at most `enumLimit` of them (short ones only).
  var distinctStrings: [String] = []
  /// The `rank` of the first topic that had each of `distinctStrings`: the enum lists them in that order.
  var stringRanks: [Int] = []
  var stringsOverflow = false

  /// Object members in the order first seen, with how many objects had each.
  var keys: [String] = []
  var keyIndex: [String: Int] = [:]
  var children: [ShapeNode] = []
  var presence: [Int] = []
  var lastSeenIn: [Int] = []
  /// Where the next member is expected: objects mostly repeat their members in one order.
  var keyHint = 0
  /// Member names beyond `maxProperties` were seen and not described.
  var keysOverflow = false

  /// All array items merged (zero or one node: an array gives the recursion its indirection).
  var items: [ShapeNode] = []
  var minItems = Int.max
  var maxItems = 0

  /// The limits that bound a node's size.
  struct Limits: Sendable {
    var enumLimit: Int
    var enumStringLength: Int
    var maxDepth: Int
    var maxProperties: Int
    /// The place of the topic whose values are added, in the order topics were first seen: enum values
    /// and equal bounds of several topics come out as if the topics had been merged in that order, however
    /// their messages were interleaved (a folded channel takes its topics' messages as they come).
    var rank = 0
  }

  mutating func add(_ value: JSONValue, depth: Int, limits: Limits) {
    samples += 1
    guard depth < limits.maxDepth else {
      tooDeep += 1
      return
    }
    switch value {
    case .null: nulls += 1
    case .bool: booleans += 1
    case .number(let literal): addNumber(literal, rank: limits.rank)
    case .string(let text): addString(text, limits: limits)
    case .object(let members):
      objects += 1
      keyHint = 0
      for member in members { addMember(member, depth: depth, limits: limits) }
    case .array(let elements):
      arrays += 1
      minItems = min(minItems, elements.count)
      maxItems = max(maxItems, elements.count)
      if elements.isEmpty { return }
      if items.isEmpty { items.append(ShapeNode()) }
      for element in elements { items[0].add(element, depth: depth + 1, limits: limits) }
    }
  }

  private mutating func addNumber(_ literal: String, rank: Int) {
    if literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) {
      decimals += 1
    } else {
      integers += 1
    }
    let value = Self.fastDouble(literal) ?? Double(literal) ?? 0
    noteBounds(value, literal, rank: rank)
  }

  /// Takes `value` into the bounds; an equal value replaces a bound only from a topic first seen earlier.
  mutating func noteBounds(_ value: Double, _ literal: @autoclosure () -> String, rank: Int) {
    if minimum == nil || value < minimum!.value || (value == minimum!.value && rank < minimum!.rank) {
      minimum = (value, literal(), rank)
    }
    if maximum == nil || value > maximum!.value || (value == maximum!.value && rank < maximum!.rank) {
      maximum = (value, literal(), rank)
    }
  }

  /// Takes string `text` into the enum candidates (`equal` tells whether a kept one is the same text).
  mutating func noteString(
    length: Int, limits: Limits, equal: (String) -> Bool, text: @autoclosure () -> String
  ) {
    guard !stringsOverflow else { return }
    if let known = distinctStrings.firstIndex(where: equal) {
      stringRanks[known] = min(stringRanks[known], limits.rank)
    } else if distinctStrings.count >= limits.enumLimit || length > limits.enumStringLength {
      stringsOverflow = true
      distinctStrings = []
      stringRanks = []
    } else {
      distinctStrings.append(text())
      stringRanks.append(limits.rank)
    }
  }

  static func fastDouble(_ literal: String) -> Double? {
    var copy = literal
    return copy.withUTF8 { fastDouble(UnsafeRawBufferPointer($0)) }
  }

  private mutating func addString(_ text: String, limits: Limits) {
    strings += 1
    noteString(length: text.utf8.count, limits: limits, equal: { $0 == text }, text: text)
  }

  private mutating func addMember(_ member: JSONValue.Member, depth: Int, limits: Limits) {
    let hinted = keyHint < keys.count && keys[keyHint] == member.key
    guard let index = memberIndex(hinted ? keyHint : nil, named: member.key, limits: limits) else { return }
    children[index].add(member.value, depth: depth + 1, limits: limits)
  }

  /// The index of member `name` for an object being added — `hint` when the caller already matched it,
  /// else looked up or made (nil beyond `maxProperties`) — counting its presence once per object (a key
  /// repeated within one object counts once for `required`).
  mutating func memberIndex(_ hint: Int?, named name: @autoclosure () -> String, limits: Limits) -> Int? {
    let index: Int
    if let hint {
      index = hint
    } else if let known = keyIndex[name()] {
      index = known
    } else {
      guard keys.count < limits.maxProperties else {
        keysOverflow = true
        return nil
      }
      let key = name()
      index = keys.count
      keyIndex[key] = index
      keys.append(key)
      children.append(ShapeNode())
      presence.append(0)
      lastSeenIn.append(0)
    }
    keyHint = index + 1
    if lastSeenIn[index] != objects {
      lastSeenIn[index] = objects
      presence[index] += 1
    }
    return index
  }

  /// Folds `other` (values seen elsewhere, e.g. on a sibling topic) into this node.
  mutating func merge(_ other: ShapeNode, limits: Limits) {
    samples += other.samples
    nulls += other.nulls
    booleans += other.booleans
    integers += other.integers
    decimals += other.decimals
    strings += other.strings
    tooDeep += other.tooDeep
    if let low = other.minimum { noteBounds(low.value, low.literal, rank: low.rank) }
    if let high = other.maximum { noteBounds(high.value, high.literal, rank: high.rank) }
    if other.stringsOverflow {
      stringsOverflow = true
      distinctStrings = []
      stringRanks = []
    } else if !stringsOverflow {
      for (text, rank) in zip(other.distinctStrings, other.stringRanks) {
        var ranked = limits
        ranked.rank = rank
        noteString(length: 0, limits: ranked, equal: { $0 == text }, text: text)
        if stringsOverflow { break }
      }
    }
    keysOverflow = keysOverflow || other.keysOverflow
    for (otherIndex, key) in other.keys.enumerated() {
      if let index = keyIndex[key] {
        presence[index] += other.presence[otherIndex]
        children[index].merge(other.children[otherIndex], limits: limits)
      } else if keys.count < limits.maxProperties {
        keyIndex[key] = keys.count
        keys.append(key)
        children.append(other.children[otherIndex])
        presence.append(other.presence[otherIndex])
        lastSeenIn.append(0)
      } else {
        keysOverflow = true
      }
    }
    objects += other.objects
    arrays += other.arrays
    minItems = min(minItems, other.minItems)
    maxItems = max(maxItems, other.maxItems)
    if let otherItems = other.items.first {
      if items.isEmpty { items.append(otherItems) } else { items[0].merge(otherItems, limits: limits) }
    }
  }
}
