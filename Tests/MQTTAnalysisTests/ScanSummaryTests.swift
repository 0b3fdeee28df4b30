import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

/// `report` summarises each file in the pass that reads its messages: the summaries must be what `info`
/// reads on its own (`CaptureSummary(path:)`), whatever the filter hands on.
@Suite struct ScanSummaryTests {
  private static let header =
    ##"{"mqtt_dumper_capture":1,"created":"2026-01-01T00:00:00.000000Z","tool":"t","broker":"b","protocol":"mqttv5","subscriptions":[{"filter":"#","qos":2}]}"##

  /// Two sessions, connection events, a retained snapshot, a binary payload, v5 properties, time going back,
  /// and a last line cut off mid-record.
  private static let eventful =
    [
      header,
      #"{"ts":1764064800.000000,"event":"connected"}"#,
      #"{"ts":1764064800.000000,"event":"retained_snapshot"}"#,
      #"{"ts":1764064800.000000,"topic":"s/1","qos":1,"retain":true,"payload":"on"}"#,
      #"{"ts":1764064800.000000,"event":"retained_snapshot_end"}"#,
      #"{"ts":1764064801.000000,"topic":"a","qos":0,"retain":false,"payload_b64":"AP8="}"#,
      #"{"ts":1764064802.000000,"topic":"a","qos":2,"retain":false,"payload":"x","properties":{"content_type":"text/plain"}}"#,
      #"{"ts":1764064803.000000,"event":"disconnected","reason":"connection lost"}"#,
      header,
      #"{"ts":1764064900.000000,"topic":"b","qos":1,"retain":false,"payload":"later"}"#,
      #"{"ts":1764064850.000000,"topic":"a","qos":0,"retain":false,"payload":"back"}"#,
    ].joined(separator: "\n") + "\n" + #"{"ts":1764064901.000000,"topic":"b","qo"#

  private static let plain =
    [
      header,
      #"{"ts":1764065000.000000,"topic":"c","qos":0,"retain":false,"payload":"1"}"#,
      #"{"ts":1764065001.000000,"topic":"a","qos":0,"retain":false,"payload":"2"}"#,
    ].joined(separator: "\n") + "\n"

  /// The test files in a new directory: the eventful one plain and gzipped (cut off too: its gzip stream is
  /// complete but its last line is not), and a small complete one.
  private func files() throws -> (dir: String, paths: [String]) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scansum-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Self.eventful.write(toFile: "\(dir)/eventful.jsonl", atomically: true, encoding: .utf8)
    try Self.eventful.write(toFile: "\(dir)/gz.jsonl", atomically: true, encoding: .utf8)
    try Self.plain.write(toFile: "\(dir)/plain.jsonl", atomically: true, encoding: .utf8)
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
    gzip.arguments = ["\(dir)/gz.jsonl"]
    try gzip.run()
    gzip.waitUntilExit()
    #expect(gzip.terminationStatus == 0)
    return (dir, ["\(dir)/eventful.jsonl", "\(dir)/gz.jsonl.gz", "\(dir)/plain.jsonl"])
  }

  /// Every stored property, for comparing two summaries whole.
  private func fields(_ summary: CaptureSummary) -> String { String(reflecting: summary) }

  @Test("the scan's summaries equal CaptureSummary(path:): events, two sessions, a cut-off end, gzip")
  func equalsReadingAlone() throws {
    let (dir, paths) = try files()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var scan = MessageScan(paths: paths, summarizes: true)
    let outcome = try scan.run { _ in }
    let alone = try paths.map { try CaptureSummary(path: $0) }
    #expect(outcome.summaries.map(fields) == alone.map(fields))
    #expect(outcome.messages == 12)
    // What is counted, checked against the lines above, so that two empty summaries cannot pass.
    let s = outcome.summaries[0]
    #expect(s.path == paths[0])
    #expect(s.sessions == 2 && s.disconnections == 1 && s.retainedSnapshotMessages == 1)
    #expect(s.messages == 5 && s.binaryMessages == 1 && s.retainedMessages == 1 && s.withProperties == 1)
    #expect(s.messagesByQoS == [2, 2, 1])
    #expect(s.topics.map(\.topic) == ["s/1", "a", "b"] && s.topics.map(\.messages) == [1, 3, 1])
    #expect(s.first?.microseconds == 1_764_064_800_000_000 && s.last?.microseconds == 1_764_064_900_000_000)
    #expect(s.truncation != nil && !s.isCompressed)
    let size = try FileManager.default.attributesOfItem(atPath: paths[0])[.size] as? Int
    #expect(s.fileBytes == UInt64(size ?? -1) && s.uncompressedBytes == s.fileBytes)
    #expect(outcome.summaries[1].isCompressed && outcome.summaries[1].truncation != nil)
    #expect(outcome.summaries[2].truncation == nil && outcome.summaries[2].messages == 2)
    #expect(outcome.truncations.count == 2)
  }

  @Test("a filter and --limit change what is handed on, not the summaries; a cut-off end past the limit warns not")
  func filterDoesNotChangeTheSummary() throws {
    let (dir, paths) = try files()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var filter = MessageFilter()
    filter.topics = [TopicFilter("a")!]
    filter.limit = 1
    var scan = MessageScan(paths: paths, filter: filter, summarizes: true)
    var handed: [String] = []
    let outcome = try scan.run { handed.append($0.topic) }
    #expect(handed == ["a"])
    #expect(outcome.messages == 1)
    let alone = try paths.map { try CaptureSummary(path: $0) }
    #expect(outcome.summaries.map(fields) == alone.map(fields))
    // As without summaries: the scan stopped at its limit before the cut, which is the summary's to tell.
    #expect(outcome.truncations.isEmpty)
    var unsummarized = MessageScan(paths: paths, filter: filter)
    let before = try unsummarized.run { _ in }
    #expect(before.summaries.isEmpty && before.truncations.isEmpty && before.messages == 1)
  }

  @Test("CaptureReport's summaries are those of the scan, one per file in order")
  func reportSummaries() throws {
    let (dir, paths) = try files()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let report = try CaptureReport(paths: paths.reversed())
    #expect(report.summaries.map(\.path) == paths.reversed())
    #expect(report.summaries.map(fields) == (try paths.reversed().map { try CaptureSummary(path: $0) }.map(fields)))
  }
}
