/// Numbers the payloads of a comparison so that two payloads get the same number exactly when the comparison
/// counts them equal: the same bytes, or (unless `exact`) JSON texts equal as values (`ComparableJSON`).
///
/// It keeps no value trees: a payload's tree is built while it is classified and then dropped. Identical bytes
/// are recognised without parsing (`bytesClass`; a payload is parsed once, when first classified), JSON
/// values are bucketed by a hash that equal values share (`valueHash`), and only a payload whose bucket
/// already holds a class is compared as a tree with that class's first payload.
struct PayloadClasses {
  private let options: ComparisonOptions
  /// Number of each distinct payload seen, by its bytes (the arrays share the messages' storage).
  private var byBytes: [Bytes: Int] = [:]
  /// The distinct payloads, by number, and their classes once asked for.
  private var payloads: [(payload: ComparedPayload, valueClass: Int?)] = []
  /// JSON classes by value hash: their number and the number of their first payload.
  private var byValueHash: [Int: [(id: Int, first: Int)]] = [:]
  /// How many classes there are.
  private(set) var count = 0

  init(_ options: ComparisonOptions) {
    self.options = options
  }

  /// The class of `payload`, from 0.
  mutating func classify(_ payload: [UInt8]) -> Int {
    valueClass(bytesClass(payload))
  }

  /// The number of `payload` among the distinct byte strings seen (`bytesClass(_:)` of all its bytes).
  mutating func bytesClass(_ payload: [UInt8]) -> Int {
    bytesClass(.bytes(payload))
  }

  /// The number of `payload` among the distinct byte strings seen, from 0: equal numbers mean equal bytes
  /// (so equal payloads; for payloads kept as digests, equal digests), without parsing anything.
  /// Numbers of this kind and classes are not comparable.
  mutating func bytesClass(_ payload: ComparedPayload) -> Int {
    let key = Bytes(payload: payload)
    if let n = byBytes[key] { return n }
    byBytes[key] = payloads.count
    payloads.append((payload, nil))
    return payloads.count - 1
  }

  /// The class of the payload numbered `n` by `bytesClass`.
  mutating func valueClass(_ n: Int) -> Int {
    if let id = payloads[n].valueClass { return id }
    let id = jsonClass(n) ?? newClass()
    payloads[n].valueClass = id
    return id
  }

  /// A payload hashed as one block of memory (an array hashes byte by byte); one kept as a digest by the
  /// digest (its first bytes are the same when the digests are).
  private struct Bytes: Hashable {
    var payload: ComparedPayload
    func hash(into hasher: inout Hasher) {
      switch payload {
      case .bytes(let array): array.withUnsafeBytes { hasher.combine(bytes: $0) }
      case .digest(let digest, _): hasher.combine(digest)
      }
    }
  }

  private mutating func newClass() -> Int {
    count += 1
    return count - 1
  }

  /// The class of payload `n` when it is JSON and compared as a value; nil otherwise.
  private mutating func jsonClass(_ n: Int) -> Int? {
    guard !options.exact, case .bytes(let bytes) = payloads[n].payload, bytes.count <= options.largestValue,
      let value = Self.parse(bytes)
    else { return nil }
    let hash = Self.valueHash(value, ignoring: options.ignoredFields)
    let candidates = byValueHash[hash, default: []]
    if !candidates.isEmpty {
      let mine = ComparableJSON(value, ignoring: options.ignoredFields)
      for candidate in candidates {
        if let theirs = Self.parse(payloads[candidate.first].payload.kept),
          ComparableJSON(theirs, ignoring: options.ignoredFields) == mine
        {
          return candidate.id
        }
      }
    }
    let id = newClass()
    byValueHash[hash, default: []].append((id, n))
    return id
  }

  private static func parse(_ payload: [UInt8]) -> JSONValue? {
    payload.withUnsafeBytes { try? JSONParser.parse($0, maxDepth: 512) }
  }

  /// A hash of `value` as `ComparableJSON` compares it: values it counts equal hash equal (the members of
  /// an object in any order, the first of repeated keys, `ignoring` paths left out; finite numbers by value,
  /// others by spelling; strings as Swift compares them).
  static func valueHash(_ value: JSONValue, ignoring paths: [[String]]) -> Int {
    var hasher = Hasher()
    combine(value, ignoring: paths, into: &hasher)
    return hasher.finalize()
  }

  private static func combine(_ value: JSONValue, ignoring paths: [[String]], into hasher: inout Hasher) {
    switch value {
    case .object(let members):
      var seen = Set<String>()
      var sum = 0
      var count = 0
      for m in members where seen.insert(m.key).inserted {
        if paths.contains([m.key]) { continue }
        let deeper = paths.filter { $0.count > 1 && $0[0] == m.key }.map { Array($0.dropFirst()) }
        var member = Hasher()
        member.combine(m.key)
        combine(m.value, ignoring: deeper, into: &member)
        sum = sum &+ member.finalize()  // order does not matter
        count += 1
      }
      hasher.combine(0)
      hasher.combine(count)
      hasher.combine(sum)
    case .array(let items):
      hasher.combine(1)
      hasher.combine(items.count)
      for item in items { combine(item, ignoring: paths, into: &hasher) }
    case .string(let s):
      hasher.combine(2)
      hasher.combine(s)
    case .number(let literal):
      if let x = Double(literal), x.isFinite {
        hasher.combine(3)
        hasher.combine(x)  // 0 and -0 hash alike, as they compare
      } else {
        hasher.combine(4)
        hasher.combine(literal)
      }
    case .bool(let b):
      hasher.combine(5)
      hasher.combine(b)
    case .null:
      hasher.combine(6)
    }
  }
}
