import MQTTCapture
import Testing

@testable import MQTTAnalysis

/// The violations `check` finds in `messages` against the JSON Schema and the AsyncAPI document inferred
/// from them (both should be none).
private func selfCheck(_ result: InferredSchemas, _ messages: [CapturedMessage]) throws -> [String] {
  var lines: [String] = []
  for document in [result.jsonSchema(title: "t"), result.asyncAPI(title: "t")] {
    var check = SchemaCheck(contract: try SchemaContract(document: document))
    for (n, m) in messages.enumerated() { lines += check.check(m, number: n + 1) }
  }
  return lines
}

@Suite("Schema channels: one channel per filter, every topic checked against a schema that fits it")
struct SchemaChannelFilterTests {
  static let home =
    (1...3).map { message("home/lamp\($0)/state", #"{"on": true}"#) }
    + (1...3).map { message("home/therm\($0)/state", #"{"temp": 21.5}"#) }

  @Test("two fleets of other shapes under one filter are one channel whose schema is their union")
  func sameFilterJoined() throws {
    let result = infer(Self.home)
    #expect(result.channels.map(\.filter) == ["home/+/state"])
    #expect(result.channels.map(\.id) == ["home.state"])
    #expect(result.channels[0].topicCount == 6)
    #expect(
      compact(result.channels[0].schema)
        == #"{"type":"object","properties":{"on":{"type":"boolean"},"temp":{"type":"number","minimum":21.5,"maximum":21.5}}}"#
    )
    #expect(
      compact(result.jsonSchema(title: "t")["x-mqtt-channels"]!) == ##"{"home/+/state":{"$ref":"#/$defs/home.state"}}"##
    )
    #expect(try selfCheck(result, Self.home) == [])
  }

  @Test("folding: a folded fleet and a later fleet of another shape under its filter are one channel")
  func sameFilterFolded() throws {
    var messages: [CapturedMessage] = []
    for round in 0..<2 {
      for n in 0..<90 { messages.append(message("home/sensor\(n)/state", #"{"temp": \#(20 + round)}"#)) }
      for n in 0..<10 { messages.append(message("home/light\(n)/state", #"{"on": \#(round == 0)}"#)) }
    }
    var options = SchemaInference.Options()
    options.foldThreshold = 8
    options.maxTopicsListed = 3
    var inference = SchemaInference(options: options)
    for m in messages { inference.add(m) }
    #expect(inference.folded.count == 2)
    let result = inference.result()
    #expect(result.channels.map(\.filter) == ["home/+/state"])
    #expect(result.channels[0].topicCount == 100)
    #expect(result.channels[0].topics == ["home/sensor0/state", "home/sensor1/state", "home/sensor2/state"])
    #expect(
      compact(result.channels[0].schema)
        == #"{"type":"object","properties":{"temp":{"type":"integer","minimum":20,"maximum":21},"on":{"type":"boolean"}}}"#
    )
    #expect(try selfCheck(result, messages) == [])
    // Without folding, the same document.
    options.foldThreshold = .max
    #expect(compact(infer(messages, options: options).jsonSchema(title: "t")) == compact(result.jsonSchema(title: "t")))
  }

  @Test("a topic an earlier wildcard filter of another shape also matches is a channel of its own")
  func overlappingFilters() throws {
    // a/+/c: a/x/c, a/y/c, a/z/c of one shape; +/b/c: a/b/c, p/b/c, q/b/c of another, which a/+/c matches.
    let messages =
      ["x", "y", "z"].map { message("a/\($0)/c", #"{"n": 1}"#) }
      + ["a", "p", "q"].map { message("\($0)/b/c", #"{"s": "v"}"#) }
    let result = infer(messages)
    #expect(result.channels.map(\.filter) == ["a/+/c", "+/b/c", "a/b/c"])
    #expect(result.channels.map(\.topicCount) == [3, 2, 1])
    #expect(try selfCheck(result, messages) == [])
  }

  @Test("folding: a folded topic an earlier filter matches first widens that filter's schema, with a note")
  func overlappingFolded() throws {
    let messages =
      ["x", "y", "z"].map { message("a/\($0)/c", #"{"n": 1}"#) }
      + ["a", "p", "q", "r"].map { message("\($0)/b/c", #"{"s": "v"}"#) }
    var options = SchemaInference.Options()
    options.foldThreshold = 4
    var inference = SchemaInference(options: options)
    for m in messages { inference.add(m) }
    #expect(inference.folded.map(\.filter) == ["a/+/c", "+/b/c"])
    let result = inference.result()
    #expect(result.channels.map(\.filter) == ["a/+/c", "+/b/c"])
    #expect(
      compact(result.channels[0].schema)
        == #"{"type":"object","properties":{"n":{"type":"integer","minimum":1,"maximum":1},"s":{"type":"string","enum":["v"]}}}"#
    )
    #expect(
      result.channels[0].notes == [
        "a/+/c: its schema also covers the payloads of +/b/c, folded to save memory, some of whose topics this "
          + "filter matches first."
      ])
    #expect(try selfCheck(result, messages) == [])
  }

  @Test("filters that cannot match one topic both are left alone")
  func filterTrie() {
    var trie = FilterTrie()
    trie.insert("a/+/c", rank: 1)
    trie.insert("a/+/d", rank: 0)
    trie.insert("b/x", rank: 2)
    #expect(!trie.hasOverlap)
    #expect(trie.firstMatch("a/q/d") == 0)
    #expect(trie.firstMatch("a/q/c") == 1)
    #expect(trie.firstMatch("a/q") == nil)
    trie.insert("+/x", rank: 3)
    #expect(trie.hasOverlap)
    #expect(trie.firstMatch("b/x") == 2)
  }
}
