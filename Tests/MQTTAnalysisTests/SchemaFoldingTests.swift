import MQTTCapture
import Testing

@testable import MQTTAnalysis

@Suite("Schema inference folding a fleet's topics") struct SchemaFoldingTests {
  /// Three rounds over a fleet (shuffled after the first), whose devices list enum values and equal bounds
  /// (`20`, `20.0`) in different orders, beside a family of siblings, an event family and lone topics.
  static func capture(devices: Int) -> [CapturedMessage] {
    var generator = SplitMix64(state: 42)
    var messages: [CapturedMessage] = []
    for round in 0..<3 {
      var ids = Array(0..<devices)
      if round > 0 { ids.shuffle(using: &generator) }
      for id in ids {
        let modes = ["x", "y", "z", "w"]
        let mode = modes[(id + round) % (1 + id % 4)]
        let temperature = ["20", "20.0", "19", "21.5", "19.00"][(id * 7 + round) % 5]
        messages.append(message("plant/\(id % 3)/dev\(id)/m", #"{"t": \#(temperature), "mode": "\#(mode)"}"#))
        messages.append(message("fam/s\(id % 40)", "\(id % 3)", qos: round == 2 ? .atLeastOnce : .atMostOnce))
        if id % 50 == 0 { messages.append(message("dev/event/E\(id % 7)", #"{"n": \#(id)}"#)) }
      }
      messages.append(message("site/mode", "auto"))
    }
    return messages
  }

  static func document(_ messages: [CapturedMessage], foldThreshold: Int) -> (String, SchemaInference) {
    var options = SchemaInference.Options()
    options.foldThreshold = foldThreshold
    options.maxTopicsListed = 7
    var inference = SchemaInference(options: options)
    for m in messages { inference.add(m) }
    return (compact(inference.result().jsonSchema(title: "t")), inference)
  }

  @Test("folding early gives the same document as keeping every topic's shape, and keeps few shapes")
  func sameDocument() {
    let messages = Self.capture(devices: 600)
    let (kept, keeping) = Self.document(messages, foldThreshold: .max)
    #expect(keeping.shapes.count == 600 + 40 + 7 + 1)
    for threshold in [8, 50, 256] {
      let (folded, folding) = Self.document(messages, foldThreshold: threshold)
      #expect(folded == kept, "fold threshold \(threshold)")
      #expect(folding.heldCount < 2 * threshold)
      #expect(!folding.folded.isEmpty)
    }
    #expect(kept.contains(#""x-mqtt-channels":{"plant/+/+/m":"#))
  }

  @Test("a folded topic that later changes shape widens its channel, with a note")
  func changedShape() {
    var messages = (0..<20).map { message("fleet/d\($0)/state", #"{"on": true}"#) }
    messages.append(message("fleet/d3/state", #"{"on": true, "late": 1}"#))
    var options = SchemaInference.Options()
    options.foldThreshold = 10
    var inference = SchemaInference(options: options)
    for m in messages { inference.add(m) }
    let result = inference.result()
    #expect(result.channels.map(\.filter) == ["fleet/+/state"])
    #expect(result.channels[0].topicCount == 20)
    #expect(
      compact(result.channels[0].schema)
        == #"{"type":"object","properties":{"on":{"type":"boolean"},"late":{"type":"integer","minimum":1,"maximum":1}},"required":["on"]}"#
    )
    #expect(
      result.channels[0].notes == [
        "fleet/+/state: topics folded into this channel to save memory (past 10 topics) later sent payloads of "
          + "another shape; the schema covers them, the channel may include topics that would otherwise be their own."
      ])
    // Without folding, fleet/d3/state is a topic of its own shape.
    #expect(infer(messages).channels.map(\.filter) == ["fleet/+/state", "fleet/d3/state"])
  }
}

@Suite("AsyncAPI parameter names") struct ParameterNameTests {
  @Test("a + level is the level before it, singular, with Id; else level and its number; unique in a channel")
  func names() {
    let cases: [(String, Int, String)] = [
      ("dev/+/state", 1, "devId"), ("fleet/+/temp", 1, "fleetId"), ("devices/+/state", 1, "deviceId"),
      ("batteries/+", 1, "batteryId"), ("streetlights/+/lighting", 1, "streetlightId"), ("status/+", 1, "statusId"),
      ("address/+", 1, "addressId"), ("bus/+", 1, "busId"), ("gps/+", 1, "gpsId"), ("octoPrint/+", 1, "octoPrintId"),
      ("+/state", 0, "level1"), ("dev/+/+", 2, "level3"), ("site.v2/+", 1, "level2"), ("a//+", 2, "level3"),
      ("my-sensors/+", 1, "my-sensorId"), ("boxes/+", 1, "boxId"), ("news/+", 1, "newsId"),
      ("aliases/+", 1, "aliasId"), ("ids/+", 1, "id"), ("uids/+", 1, "uid"), ("statuses/+", 1, "statusId"),
      ("addresses/+", 1, "addressId"), ("matches/+", 1, "matchId"), ("houses/+", 1, "houseId"),
      ("series/+", 1, "seriesId"), ("alias/+", 1, "aliasId"), ("Boxes/+", 1, "BoxId"), ("devId/+", 1, "devId"),
      ("kids/+", 1, "kidId"), ("device_ids/+", 1, "device_id"), ("UUIDs/+", 1, "UUID"),
    ]
    for (filter, index, name) in cases {
      let levels = filter.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      #expect(SchemaInference.parameterName(levels: levels, at: index) == name, "\(filter)")
    }
    var messages: [CapturedMessage] = []
    for device in ["x", "y", "z"] {
      for n in 1...2 { messages.append(message("a/\(device)/a/\(n)", #"{"v": 1}"#)) }
    }
    let result = infer(messages)
    #expect(result.channels.map(\.address) == ["a/{aId}/a/{aId4}"])
    #expect(result.channels[0].parameters == ["aId", "aId4"])
  }
}
