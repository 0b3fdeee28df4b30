import MQTTCapture

/// `mqtt-dumper stats --format json`: one JSON document for tools, described in the README. Names are
/// given in full, with DEL, C1 controls and bidi and zero-width characters as `\u` escapes.
public enum StatisticsJSON {
  /// The document for `statistics` of `files`, with the reader's sentence for each cut-off file and,
  /// when given, the topic tree (one line, no final newline).
  public static func document(
    _ statistics: TrafficStatistics, files: [String], truncations: [String] = [], tree: TopicTree? = nil
  ) -> [UInt8] {
    var out: [UInt8] = []
    var w = ObjectWriter(out: [])
    w.key("files")
    w.out.append(UInt8(ascii: "["))
    for (i, file) in files.enumerated() {
      if i > 0 { w.out.append(UInt8(ascii: ",")) }
      JSONWriter.appendString(file, to: &w.out)
    }
    w.out.append(UInt8(ascii: "]"))
    w.bool("complete", truncations.isEmpty)
    w.key("cut_off")
    w.out.append(UInt8(ascii: "["))
    for (i, sentence) in truncations.enumerated() {
      if i > 0 { w.out.append(UInt8(ascii: ",")) }
      JSONWriter.appendString(sentence, to: &w.out)
    }
    w.out.append(UInt8(ascii: "]"))
    w.integer("topic_count", statistics.topicCount)
    w.key("totals")
    append(statistics.totals, to: &w.out, topic: false)
    w.key("topics")
    w.out.append(UInt8(ascii: "["))
    for (i, topic) in statistics.topics.enumerated() {
      if i > 0 { w.out.append(UInt8(ascii: ",")) }
      append(topic, to: &w.out, topic: true)
    }
    w.out.append(UInt8(ascii: "]"))
    if let tree {
      w.key("tree")
      w.out.append(UInt8(ascii: "["))
      for (i, node) in tree.nodes.enumerated() {
        if i > 0 { w.out.append(UInt8(ascii: ",")) }
        var n = ObjectWriter(out: [])
        n.string("name", node.name)
        n.string("path", node.path)
        n.integer("depth", node.depth)
        n.key("parent")
        if let parent = node.parent { JSONWriter.appendInteger(parent, to: &n.out) } else { n.null() }
        n.integer("messages", node.messages)
        n.integer("own_messages", node.ownMessages)
        n.integer("topics", node.topics)
        n.integer("payload_bytes", node.payloadBytes)
        n.rate("mean_rate", node.meanRate)
        n.out.append(UInt8(ascii: "}"))
        w.out.append(contentsOf: n.out)
      }
      w.out.append(UInt8(ascii: "]"))
    }
    w.out.append(UInt8(ascii: "}"))
    out = w.out
    VisibleText.escapeControlsInJSON(&out, hidden: true)
    return out
  }

  /// One topic's (or the totals') object.
  private static func append(_ t: TopicStatistics, to out: inout [UInt8], topic: Bool) {
    var w = ObjectWriter(out: [])
    if topic { w.string("topic", t.topic) }
    w.integer("messages", t.messages)
    w.integer("payload_bytes", t.payloadBytes)
    w.optionalInteger("bytes_min", t.minBytes)
    w.optionalInteger("bytes_median", t.medianBytes)
    w.optionalInteger("bytes_max", t.maxBytes)
    w.time("first", t.first)
    w.time("last", t.last)
    w.key("span_seconds")
    Timestamp(microseconds: Int64((t.span * 1e6).rounded())).appendDecimal(to: &w.out)
    w.rate("mean_rate", t.meanRate)
    w.integer("peak_rate", t.peakRate)
    w.time("peak_second", t.peakSecond)
    w.key("longest_silence")
    if let s = t.longestSilence {
      w.out.append(contentsOf: "{\"seconds\":".utf8)
      Timestamp(microseconds: s.to.microseconds - s.from.microseconds).appendDecimal(to: &w.out)
      w.out.append(contentsOf: ",\"from\":\"\(s.from.rfc3339)\",\"to\":\"\(s.to.rfc3339)\"}".utf8)
    } else {
      w.null()
    }
    w.key("messages_by_qos")
    w.out.append(contentsOf: "[\(t.messagesByQoS.map(String.init).joined(separator: ","))]".utf8)
    w.integer("retained", t.retained)
    w.integer("steps_back", t.stepsBack)
    w.out.append(UInt8(ascii: "}"))
    out.append(contentsOf: w.out)
  }

  /// Writes one object's members: `key` opens it.
  private struct ObjectWriter {
    var out: [UInt8]
    var object = JSONObjectWriter()

    mutating func key(_ name: String) { object.key(name, to: &out) }
    mutating func null() { out.append(contentsOf: "null".utf8) }
    mutating func string(_ name: String, _ value: String) {
      key(name)
      JSONWriter.appendString(value, to: &out)
    }
    mutating func integer<T: BinaryInteger>(_ name: String, _ value: T) {
      key(name)
      JSONWriter.appendInteger(value, to: &out)
    }
    mutating func optionalInteger(_ name: String, _ value: Int?) {
      key(name)
      if let value { JSONWriter.appendInteger(value, to: &out) } else { null() }
    }
    mutating func bool(_ name: String, _ value: Bool) {
      key(name)
      out.append(contentsOf: (value ? "true" : "false").utf8)
    }
    mutating func time(_ name: String, _ value: Timestamp?) {
      key(name)
      if let value { JSONWriter.appendString(value.rfc3339, to: &out) } else { null() }
    }
    /// Messages per second with 6 decimals (trailing zeros dropped), or null.
    mutating func rate(_ name: String, _ value: Double?) {
      key(name)
      guard let value, value.isFinite else { return null() }
      let micro = Int64((value * 1e6).rounded())
      Timestamp(microseconds: micro).appendDecimal(to: &out)
      while out.last == UInt8(ascii: "0") { out.removeLast() }
      if out.last == UInt8(ascii: ".") { out.removeLast() }
    }
  }
}
