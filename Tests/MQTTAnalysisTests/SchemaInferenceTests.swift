import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

/// Compact JSON of a value, for whole-schema comparisons.
func compact(_ value: JSONValue) -> String {
  var out: [UInt8] = []
  JSONWriter.append(value, to: &out)
  return String(decoding: out, as: UTF8.self)
}

func message(_ topic: String, _ payload: String, qos: MQTTQoS = .atMostOnce, retain: Bool = false) -> CapturedMessage {
  CapturedMessage(
    timestamp: Timestamp(microseconds: 0), topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain)
}

func infer(_ messages: [CapturedMessage], options: SchemaInference.Options = .init()) -> InferredSchemas {
  var inference = SchemaInference(options: options)
  for m in messages { inference.add(m) }
  return inference.result()
}

@Suite("Schema inference") struct SchemaInferenceTests {
  @Test("types per field, integer vs number, required vs optional, enum, bounds, keys in wire order")
  func fieldTypes() {
    let result = infer([
      message(
        "p/state", #"{"id": 3, "temp": 20, "state": "OPEN", "tags": ["a"], "extra": null, "nested": {"ok": true}}"#),
      message("p/state", #"{"id": 7, "temp": 21.5, "state": "CLOSED", "tags": [], "nested": {"ok": false}}"#),
      message("p/state", #"{"id": 5, "temp": -1, "state": "OPEN", "tags": ["b", "c"], "extra": "x", "nested": {}}"#),
    ])
    #expect(result.channels.count == 1)
    let channel = result.channels[0]
    #expect(channel.kind == .topic)
    #expect(channel.filter == "p/state")
    #expect(channel.id == "p.state")
    #expect(channel.messageCount == 3)
    #expect(
      compact(channel.schema)
        == #"{"type":"object","properties":{"id":{"type":"integer","minimum":3,"maximum":7},"#
        + #""temp":{"type":"number","minimum":-1,"maximum":21.5},"#
        + #""state":{"type":"string","enum":["OPEN","CLOSED"]},"#
        + #""tags":{"type":"array","items":{"type":"string"},"minItems":0,"maxItems":2},"#
        + #""extra":{"type":["string","null"]},"#
        + #""nested":{"type":"object","properties":{"ok":{"type":"boolean"}}}},"#
        + #""required":["id","temp","state","tags","nested"]}"#)
  }

  @Test("enum: at most 10 distinct strings, and only when some value repeats")
  func enumRule() {
    func enumOf(_ values: [String]) -> JSONValue? {
      infer(values.map { message("t", #"{"s": "\#($0)"}"#) }).channels[0].schema["properties"]?["s"]?["enum"]
    }
    #expect(enumOf(["a", "b", "c"]) == nil)
    #expect(enumOf(["a", "b", "c", "a"]) == .array([.string("a"), .string("b"), .string("c")]))
    #expect(enumOf((0..<11).map { "v\($0)" } + ["v0"]) == nil)
    #expect(enumOf(["x", "x"]) == .array([.string("x")]))
  }

  @Test("sibling topics of one shape become a wildcard channel; others stay apart")
  func wildcardGrouping() {
    let result = infer([
      message("octo/temperature/tool0", #"{"actual": 20.5, "target": 0}"#),
      message("octo/temperature/bed", #"{"actual": 21, "target": 60}"#),
      message("octo/progress/printing", #"{"progress": 1}"#),
      message("octo/progress/slicing", #"{"slicer": "cura"}"#),
      message("octo/temperature/chamber", #"{"actual": 30.0, "target": null}"#),
    ])
    #expect(
      result.channels.map(\.filter) == [
        "octo/temperature/+", "octo/progress/printing", "octo/progress/slicing", "octo/temperature/chamber",
      ])
    let temperature = result.channels[0]
    #expect(temperature.kind == .wildcard)
    #expect(temperature.address == "octo/temperature/{temperatureId}")
    #expect(temperature.parameters == ["temperatureId"])
    #expect(temperature.topics == ["octo/temperature/tool0", "octo/temperature/bed"])
    #expect(
      compact(temperature.schema)
        == #"{"type":"object","properties":{"actual":{"type":"number","minimum":20.5,"maximum":21},"#
        + #""target":{"type":"integer","minimum":0,"maximum":60}},"required":["actual","target"]}"#)
    #expect(result.channel(forTopic: "octo/temperature/tool1")?.filter == "octo/temperature/+")
    #expect(result.channel(forTopic: "octo/temperature/chamber")?.filter == "octo/temperature/chamber")
  }

  @Test("the topics under an event level become one channel with a message per event")
  func eventFamily() {
    let result = infer([
      message("octo/event/PrintStarted", #"{"name": "a.gcode", "_event": "PrintStarted"}"#),
      message("octo/event/ZChange", #"{"new": 0.2, "_event": "ZChange"}"#, qos: .atLeastOnce),
      message("octo/event/ZChange", #"{"new": 0.4, "_event": "ZChange"}"#),
    ])
    #expect(result.channels.count == 1)
    let events = result.channels[0]
    #expect(events.kind == .events)
    #expect(events.filter == "octo/event/+")
    #expect(events.address == "octo/event/{event}")
    #expect(events.messages.map(\.name) == ["PrintStarted", "ZChange"])
    #expect(events.messages.map(\.count) == [1, 2])
    #expect(events.qos == [.atMostOnce, .atLeastOnce])
    #expect(events.messages[1].example == Array(#"{"new": 0.2, "_event": "ZChange"}"#.utf8))
    #expect(
      compact(events.messages[1].schema)
        == #"{"type":"object","properties":{"new":{"type":"number","minimum":0.2,"maximum":0.4},"#
        + #""_event":{"type":"string","enum":["ZChange"]}},"required":["new","_event"]}"#)
    #expect(
      compact(events.schema) == #"{"anyOf":["# + compact(events.messages[0].schema) + ","
        + compact(events.messages[1].schema) + "]}")
  }

  @Test("text and binary payloads are described as such, with sizes; mixed kinds as anyOf")
  func nonJSON() {
    let result = infer([
      message("a", "connected"),
      message("a", "gone"),
      CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: "a", payload: [0xFF, 0x00, 0x80]),
      message("a", "42"),
    ])
    #expect(
      compact(result.channels[0].schema)
        == #"{"anyOf":[{"type":"integer","minimum":42,"maximum":42},"#
        + #"{"type":"string","contentMediaType":"text/plain","description":"Text that is not JSON, 4 to 9 bytes; checked as a JSON string."},"#
        + #"{"type":"string","contentEncoding":"base64","contentMediaType":"application/octet-stream","#
        + #""description":"Binary (not UTF-8), 3 bytes; checked as the JSON string of its base64."}]}"#)
  }

  @Test("deep nesting: beyond the depth limit described as any value, with a note; 100,000 levels do not crash")
  func deepNesting() {
    let forty = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let result = infer([message("d", forty), message("e", deep)])
    var node = result.channels[0].schema
    for _ in 0..<32 { node = node["items"]! }
    #expect(compact(node) == #"{"description":"Nested deeper than 32 levels: any value, not described."}"#)
    #expect(result.channels[0].notes == ["d: values nested deeper than 32 levels are described as any value."])
    #expect(
      compact(result.channels[1].schema)
        == #"{"description":"JSON nested deeper than 512 levels (1 payloads): not described."}"#)
    #expect(
      result.channels[1].notes.first == "e: 1 payload nests JSON deeper than 512 levels and are described as any value."
    )
  }

  @Test("mixed shapes on one topic, huge arrays and many member names stay bounded")
  func boundedShapes() {
    let big = "[" + (0..<200_000).map(String.init).joined(separator: ",") + "]"
    let wide = "{" + (0..<1_000).map { #""k\#($0)": \#($0)"# }.joined(separator: ",") + "}"
    let result = infer([message("m", #"{"a": 1}"#), message("m", "[1, \"x\"]"), message("m", big), message("w", wide)])
    #expect(
      compact(result.channels[0].schema)
        == #"{"type":["object","array"],"properties":{"a":{"type":"integer","minimum":1,"maximum":1}},"required":["a"],"#
        + #""items":{"type":["string","integer"],"minimum":0,"maximum":199999},"minItems":2,"maxItems":200000}"#)
    let properties = result.channels[1].schema["properties"]
    guard case .object(let members) = properties else {
      Issue.record("no properties")
      return
    }
    #expect(members.count == 256)
    #expect(
      result.channels[1].schema["$comment"]
        == .string("More than 256 distinct member names: only the first 256 are described."))
  }

  @Test("100,000 devices' topics become one fleet channel; a family of 1,000 siblings is listed up to 100 topics")
  func manyTopics() {
    var inference = SchemaInference()
    for i in 0..<100_000 { inference.add(message("dev/\(i)/state", #"{"on": true}"#)) }
    for i in 0..<1_000 { inference.add(message("many/\(i)", "\(i)")) }
    let result = inference.result()
    #expect(result.channels.map(\.filter) == ["dev/+/state", "many/+"])
    let fleet = result.channels[0]
    #expect(fleet.address == "dev/{devId}/state")
    #expect(fleet.topicCount == 100_000)
    #expect(fleet.messageCount == 100_000)
    let many = result.channels[1]
    #expect(many.topicCount == 1_000)
    #expect(many.topics.count == 100)
    #expect(many.notes == ["many/+: 1,000 topics, the first 100 listed."])
  }

  @Test("a fleet: each metric of its own shape becomes one channel over the devices; two lone topics do not")
  func fleetChannels() {
    var messages: [CapturedMessage] = []
    for device in ["a1", "b2", "c3"] {
      messages.append(message("fleet/\(device)/temperature", #"{"celsius": 21.5}"#))
      messages.append(message("fleet/\(device)/online", "true"))
    }
    messages.append(message("site/north/mode", #"{"auto": true}"#))
    messages.append(message("site/south/mode", #"{"auto": false}"#))
    let result = infer(messages)
    #expect(
      result.channels.map(\.filter) == ["fleet/+/temperature", "fleet/+/online", "site/north/mode", "site/south/mode"])
    #expect(result.channels[0].address == "fleet/{fleetId}/temperature")
    #expect(result.channels[0].topics == ["fleet/a1/temperature", "fleet/b2/temperature", "fleet/c3/temperature"])
    #expect(result.channel(forTopic: "fleet/d4/online")?.filter == "fleet/+/online")
    // Every device publishing metrics of one shape: its siblings first, then the devices.
    let same = infer(
      ["x", "y", "z"].flatMap { d in ["t1", "t2"].map { message("dev/\(d)/\($0)", #"{"v": 1}"#) } })
    #expect(same.channels.map(\.filter) == ["dev/+/+"])
    #expect(same.channels[0].address == "dev/{devId}/{level3}")
    #expect(same.channels[0].topicCount == 6)
  }

  @Test("invalid UTF-8 inside what looks like JSON is binary, never a crash")
  func invalidUTF8() {
    let payload: [UInt8] = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
    let result = infer([CapturedMessage(timestamp: Timestamp(microseconds: 0), topic: "u", payload: payload)])
    #expect(result.channels[0].schema["contentEncoding"] == .string("base64"))
    #expect(PayloadValue(payload) == .binary(payload))
  }
}
