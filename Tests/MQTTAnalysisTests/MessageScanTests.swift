import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

@Suite struct MessageScanTests {
  @Test func readsEveryMessageThroughTheFilterAcrossFiles() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var paths: [String] = []
    for file in 0..<2 {
      let path = "\(dir)/\(file).jsonl"
      let lines = [
        #"{"mqtt_dumper_capture":1,"created":"2026-01-01T00:00:00.000000Z","tool":"t","broker":"b","protocol":"mqttv311","subscriptions":[]}"#,
        #"{"ts":176406480\#(file).000000,"topic":"a/\#(file)","qos":0,"retain":false,"payload":"x"}"#,
        #"{"ts":176406480\#(file).000000,"topic":"b/\#(file)","qos":0,"retain":false,"payload":"y"}"#,
      ]
      try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      paths.append(path)
    }
    var filter = MessageFilter()
    filter.topics = [TopicFilter("a/#")!]
    var scan = MessageScan(paths: paths, filter: filter)
    var topics: [String] = []
    let outcome = try scan.run { topics.append($0.topic) }
    #expect(topics == ["a/0", "a/1"])
    #expect(outcome.messages == 2)
    #expect(outcome.truncations.isEmpty)
  }

  @Test("time going backwards: one sentence per file, with how often, by how much and whether at its start")
  func stepsBack() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let header =
      #"{"mqtt_dumper_capture":1,"created":"2026-01-01T00:00:00.000000Z","tool":"t","broker":"b","protocol":"mqttv311","subscriptions":[]}"#
    // A: in order; B: starts before A ends and steps back twice more (by 1 h, then 2 s); C: in order after B.
    let files: [(String, [Double])] = [
      ("a.jsonl", [100, 200, 300]), ("b.jsonl", [250, 3900, 300, 4000, 3998]), ("c.jsonl", [5000, 5001]),
    ]
    var paths: [String] = []
    for (name, times) in files {
      let lines = times.map {
        #"{"ts":\#(String(format: "%.6f", 1_764_064_800 + $0)),"topic":"t","qos":0,"retain":false,"payload":"x"}"#
      }
      try ([header] + lines).joined(separator: "\n").appending("\n").write(
        toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
      paths.append("\(dir)/\(name)")
    }
    var scan = MessageScan(paths: paths)
    let outcome = try scan.run { _ in }
    #expect(
      outcome.stepsBack == [
        "\(dir)/b.jsonl: the time goes back 3 times, by up to 1h 00m 00s, once at its start (give the files in time order); the longest silence "
          + "shown has no message inside it but may miss a longer one, and a second that comes back counts afresh "
          + "for the peak."
      ])
    var late = MessageScan(paths: [paths[1], paths[0]])
    let swapped = try late.run { _ in }
    #expect(swapped.stepsBack.count == 2)
    #expect(
      swapped.stepsBack[1]
        == "\(dir)/a.jsonl: the time goes back 1 time, by up to 1h 04m 58s, at its start (before the end of the file "
        + "before it: give the files in time order); the longest silence shown has no message inside it but may miss a longer one, and a second "
        + "that comes back counts afresh for the peak.")
  }
}
