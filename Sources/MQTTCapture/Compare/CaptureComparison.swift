/// How two sets of messages are compared.
public struct ComparisonOptions: Sendable {
  /// Compare payloads byte for byte (and flags), instead of JSON payloads as values.
  public var exact = false
  /// JSON fields left out of the comparison, as paths: `_timestamp`, `position.x` (`.` separates levels).
  public var ignoredFields: [[String]] = []
  /// Also compare QoS and retain flags.
  public var compareFlags = true
  /// JSON payloads larger than this many bytes are compared byte for byte, not as values: a value tree takes
  /// about 14 times the bytes of its text (two 50 MB payloads that differ took 1.4 GiB and 31 s as values).
  public var largestValue = 8 * 1_048_576

  /// Options as given; by default JSON payloads compared as values, no field ignored, flags compared.
  /// - Parameter ignoredFields: paths written with `.` between levels (`position.x`), as `--ignore-field` takes them.
  public init(exact: Bool = false, ignoredFields: [String] = [], compareFlags: Bool = true) {
    self.exact = exact
    self.ignoredFields = ignoredFields.map { $0.split(separator: ".").map(String.init) }
    self.compareFlags = compareFlags
  }
}

/// One difference between what was expected on a topic and what came.
public struct MessageDifference: Sendable, Equatable {
  /// Which way the message differs; reports list them in this order.
  public enum Kind: String, Sendable, CaseIterable {
    /// Expected, but it did not come.
    case missing
    /// It came, but was not expected.
    case extra
    /// It came in place of an expected one but differs: payload, flags, or (`TimingCheck`) its time.
    case changed
  }
  /// Which way the message differs.
  public var kind: Kind
  /// The topic both sides are compared on.
  public var topic: String
  /// Position of the message among the expected (or, for `extra`, the actual) messages of its topic, from 1.
  public var index: Int
  /// The expected message; nil for `extra`.
  public var expected: ComparedMessage?
  /// The message that came; nil for `missing`.
  public var actual: ComparedMessage?
  /// For `changed`: what differs, one line each (`.progress: 57 → 58`).
  public var details: [String] = []

  /// A difference of `kind` on `topic` at `index` (from 1), with the messages and details that apply.
  public init(
    kind: Kind, topic: String, index: Int, expected: ComparedMessage? = nil, actual: ComparedMessage? = nil,
    details: [String] = []
  ) {
    self.kind = kind
    self.topic = topic
    self.index = index
    self.expected = expected
    self.actual = actual
    self.details = details
  }
}

/// Compares two captures topic by topic: messages on different topics may interleave, order within a topic
/// matters. JSON payloads are compared as values (key order and number spelling do not matter) unless `exact`.
public enum CaptureComparison {
  /// The differences, grouped by topic in the order topics first appear (expected first).
  /// - Returns: an empty array when `actual` is what was expected.
  public static func compare(
    expected: [CapturedMessage], actual: [CapturedMessage], options: ComparisonOptions = ComparisonOptions()
  ) -> [MessageDifference] {
    compare(expected: expected.map(ComparedMessage.init), actual: actual.map(ComparedMessage.init), options: options)
  }

  /// The differences, grouped by topic in the order topics first appear (expected first), of messages as a
  /// comparison keeps them (large payloads perhaps as digests: `PayloadDigester`).
  /// - Returns: an empty array when `actual` is what was expected.
  public static func compare(
    expected: [ComparedMessage], actual: [ComparedMessage], options: ComparisonOptions = ComparisonOptions()
  ) -> [MessageDifference] {
    var topics: [String] = []
    var byTopic: [String: ([ComparedMessage], [ComparedMessage])] = [:]
    for m in expected {
      if byTopic[m.topic] == nil { topics.append(m.topic) }
      byTopic[m.topic, default: ([], [])].0.append(m)
    }
    for m in actual {
      if byTopic[m.topic] == nil { topics.append(m.topic) }
      byTopic[m.topic, default: ([], [])].1.append(m)
    }
    var classes = PayloadClasses(options)
    var differences: [MessageDifference] = []
    for topic in topics {
      let (e, a) = byTopic[topic]!
      differences += compareTopic(topic, e, a, options, &classes)
    }
    return differences
  }

  private static func compareTopic(
    _ topic: String, _ e: [ComparedMessage], _ a: [ComparedMessage], _ options: ComparisonOptions,
    _ classes: inout PayloadClasses
  ) -> [MessageDifference] {
    // Messages are compared by small keys: the class of equal payloads and the flags. Payload value trees
    // are built only while a payload is classified, and again for the details of a changed pair.
    // A topic whose messages all carry the same bytes needs no payload parsed (a capture of large payloads
    // on their own topics compared with itself).
    let eb = e.map { classes.bytesClass($0.payload) }
    let ab = a.map { classes.bytesClass($0.payload) }
    let first = eb.first ?? ab.first
    let oneBytes = eb.allSatisfy { $0 == first } && ab.allSatisfy { $0 == first }
    let ek = zip(e, eb).map { MessageKey($0, oneBytes ? $1 : classes.valueClass($1), options) }
    let ak = zip(a, ab).map { MessageKey($0, oneBytes ? $1 : classes.valueClass($1), options) }
    // Longest common subsequence of equal messages; what is left over pairs up as "changed" where a
    // missing and an extra message stand at the same place, and is missing or extra otherwise.
    let pairs = alignment(ek, ak)
    var result: [MessageDifference] = []
    var i = 0
    var j = 0
    for (pi, pj) in pairs + [(e.count, a.count)] {
      let changed = min(pi - i, pj - j)
      for k in 0..<changed {
        let x = i + k
        let y = j + k
        result.append(
          MessageDifference(
            kind: .changed, topic: topic, index: x + 1, expected: e[x], actual: a[y],
            details: describe(Key(e[x], options), Key(a[y], options), e[x], a[y], options)))
      }
      for x in (i + changed)..<pi {
        result.append(MessageDifference(kind: .missing, topic: topic, index: x + 1, expected: e[x]))
      }
      for y in (j + changed)..<pj {
        result.append(MessageDifference(kind: .extra, topic: topic, index: y + 1, actual: a[y]))
      }
      i = pi + 1
      j = pj + 1
    }
    return result
  }

  /// Index pairs of an LCS of `x` and `y` (for long topics, matching in order without look-back).
  static func alignment<K: Equatable>(_ x: [K], _ y: [K]) -> [(Int, Int)] {
    let n = x.count
    let m = y.count
    if n == 0 || m == 0 { return [] }
    if n * m > 4_000_000 {
      return (0..<min(n, m)).filter { x[$0] == y[$0] }.map { ($0, $0) }
    }
    var table = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
    for p in stride(from: n - 1, through: 0, by: -1) {
      for q in stride(from: m - 1, through: 0, by: -1) {
        table[p][q] = x[p] == y[q] ? table[p + 1][q + 1] + 1 : max(table[p + 1][q], table[p][q + 1])
      }
    }
    var pairs: [(Int, Int)] = []
    var p = 0
    var q = 0
    while p < n && q < m {
      if x[p] == y[q] {
        pairs.append((p, q))
        p += 1
        q += 1
      } else if table[p + 1][q] >= table[p][q + 1] {
        p += 1
      } else {
        q += 1
      }
    }
    return pairs
  }

  /// What a message is compared by, small: the number of its payload (`PayloadClasses`) and the flags compared.
  struct MessageKey: Equatable {
    var payload: Int
    var qos: UInt8?
    var retain: Bool?

    init(_ m: ComparedMessage, _ payload: Int, _ options: ComparisonOptions) {
      self.payload = payload
      qos = options.compareFlags ? m.qos.rawValue : nil
      retain = options.compareFlags ? m.retain : nil
    }
  }

  /// What a message is compared by, in full (its payload's value tree); built for describing a changed pair.
  struct Key: Equatable {
    var payload: Payload
    var qos: UInt8?
    var retain: Bool?

    enum Payload: Equatable {
      /// The bytes, or for a payload kept as a digest the digest and its first bytes.
      case bytes(ComparedPayload)
      case json(ComparableJSON)
    }

    init(_ m: ComparedMessage, _ options: ComparisonOptions) {
      if !options.exact, case .bytes(let bytes) = m.payload, bytes.count <= options.largestValue,
        let value = bytes.withUnsafeBytes({ try? JSONParser.parse($0, maxDepth: 512) })
      {
        payload = .json(ComparableJSON(value, ignoring: options.ignoredFields))
      } else {
        payload = .bytes(m.payload)
      }
      qos = options.compareFlags ? m.qos.rawValue : nil
      retain = options.compareFlags ? m.retain : nil
    }
  }

  private static func describe(
    _ x: Key, _ y: Key, _ e: ComparedMessage, _ a: ComparedMessage, _ options: ComparisonOptions
  )
    -> [String]
  {
    var lines: [String] = []
    if x.qos != y.qos { lines.append("QoS: \(e.qos.rawValue) → \(a.qos.rawValue)") }
    if x.retain != y.retain { lines.append("retain: \(e.retain) → \(a.retain)") }
    switch (x.payload, y.payload) {
    case (.json(let p), .json(let q)):
      p.differences(to: q, path: "", into: &lines)
    case _ where x.payload != y.payload:
      let large = max(e.payload.count, a.payload.count) > options.largestValue && !options.exact
      let note =
        large
        ? " (\(formatCount(e.payload.count)) → \(formatCount(a.payload.count)) bytes, compared byte for byte "
          + "above \(formatCount(options.largestValue)))" : ""
      lines.append("payload\(note): \(preview(e)) → \(preview(a))")
    default:
      break
    }
    return lines
  }

  /// A short, printable rendering of a message's payload (`preview(_:limit:)` of the payload), also of one
  /// kept as a digest: the first bytes kept are what it shows.
  public static func preview(_ message: ComparedMessage, limit: Int = 80) -> String {
    guard case .digest(let digest, let prefix) = message.payload else {
      return preview(message.payload.kept, limit: limit)
    }
    guard digest.isUTF8 else { return "<\(digest.count) bytes of binary>" }
    let text = String(decoding: prefix, as: UTF8.self)
    let cut = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex) ?? text.endIndex
    return VisibleText.escape(String(text[..<cut]) + "…", mode: .line)
  }

  /// A short, printable rendering of a payload, on one line with controls made visible (`VisibleText`).
  public static func preview(_ payload: [UInt8], limit: Int = 80) -> String {
    guard isValidUTF8(payload) else { return "<\(payload.count) bytes of binary>" }
    let text = String(decoding: payload, as: UTF8.self)
    // Counting only up to `limit` characters: a long payload is not walked to its end.
    guard let cut = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex), cut != text.endIndex
    else { return VisibleText.escape(text, mode: .line) }
    return VisibleText.escape(String(text[..<cut]) + "…", mode: .line)
  }
}

/// A JSON value compared as a value: objects by their members whatever the order, numbers by value.
struct ComparableJSON: Equatable {
  indirect enum Value: Equatable {
    case object([String: Value])
    case array([Value])
    case string(String)
    case number(Double, literal: String)
    case bool(Bool)
    case null

    static func == (a: Value, b: Value) -> Bool {
      switch (a, b) {
      case (.object(let x), .object(let y)): return x == y
      case (.array(let x), .array(let y)): return x == y
      case (.string(let x), .string(let y)): return x == y
      case (.number(let x, let lx), .number(let y, let ly)): return x.isFinite && y.isFinite ? x == y : lx == ly
      case (.bool(let x), .bool(let y)): return x == y
      case (.null, .null): return true
      default: return false
      }
    }

    var text: String {
      switch self {
      case .object(let members):
        return "{" + members.keys.sorted().map { "\"\($0)\": \(members[$0]!.text)" }.joined(separator: ", ") + "}"
      case .array(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
      case .string(let s):
        var out: [UInt8] = []
        JSONWriter.appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
      case .number(_, let literal): return literal
      case .bool(let b): return b ? "true" : "false"
      case .null: return "null"
      }
    }
  }

  let root: Value

  init(_ value: JSONValue, ignoring paths: [[String]]) {
    root = Self.convert(value, ignoring: paths)
  }

  private static func convert(_ value: JSONValue, ignoring paths: [[String]]) -> Value {
    switch value {
    case .object(let members):
      var d: [String: Value] = [:]
      for m in members where d[m.key] == nil {
        if paths.contains([m.key]) { continue }
        let deeper = paths.filter { $0.count > 1 && $0[0] == m.key }.map { Array($0.dropFirst()) }
        d[m.key] = convert(m.value, ignoring: deeper)
      }
      return .object(d)
    case .array(let items): return .array(items.map { convert($0, ignoring: paths) })
    case .string(let s): return .string(s)
    case .number(let literal): return .number(Double(literal) ?? .nan, literal: literal)
    case .bool(let b): return .bool(b)
    case .null: return .null
    }
  }

  func differences(to other: ComparableJSON, path: String, into lines: inout [String]) {
    Self.diff(root, other.root, path: path, into: &lines)
  }

  private static func diff(_ a: Value, _ b: Value, path: String, into lines: inout [String]) {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      for key in x.keys.sorted() {
        if let yv = y[key] {
          diff(x[key]!, yv, path: path + "." + key, into: &lines)
        } else {
          lines.append("\(path).\(key): \(x[key]!.text) → (missing)")
        }
      }
      for key in y.keys.sorted() where x[key] == nil {
        lines.append("\(path).\(key): (missing) → \(y[key]!.text)")
      }
    case (.array(let x), .array(let y)) where x.count == y.count:
      for (i, (p, q)) in zip(x, y).enumerated() { diff(p, q, path: "\(path)[\(i)]", into: &lines) }
    default:
      if a != b { lines.append("\(path.isEmpty ? "payload" : path): \(a.text) → \(b.text)") }
    }
  }
}
