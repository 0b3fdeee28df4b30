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
}
