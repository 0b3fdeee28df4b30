import Foundation
import MQTTCapture
import Testing

private let sampleHeader = CaptureHeader(
  created: "2025-11-25T11:07:36.123456Z", tool: "mqtt-dumper 0.1.0", broker: "broker:1883", protocolName: "mqttv5",
  subscriptions: [CaptureSubscription(filter: "plant/#", qos: .atLeastOnce)], group: "fleet", instance: "rec-a")

private func line(_ record: CaptureRecord) -> String {
  var out: [UInt8] = []
  RecordEncoder.append(record, to: &out)
  return String(decoding: out, as: UTF8.self)
}

private func at(_ microseconds: Int64) -> Timestamp { Timestamp(microseconds: 1_764_068_856_000_000 + microseconds) }

@Suite("capture groups in the format: header fields and the retained snapshot")
struct RetainedSnapshotFormatTests {
  @Test("a group's header line carries group and instance after the subscriptions, and reads back")
  func groupHeader() throws {
    let text = line(.header(sampleHeader))
    #expect(
      text
        == #"{"mqtt_dumper_capture":1,"created":"2025-11-25T11:07:36.123456Z","tool":"mqtt-dumper 0.1.0","broker":"broker:1883","protocol":"mqttv5","subscriptions":[{"filter":"plant/#","qos":1}],"group":"fleet","instance":"rec-a"}"#
        + "\n")
    #expect(try RecordDecoder.decode(String(text.dropLast())) == .header(sampleHeader))
  }

  @Test("a header without a group is written as before, and an older header reads with none")
  func plainHeader() throws {
    var plain = sampleHeader
    plain.group = nil
    plain.instance = nil
    #expect(!line(.header(plain)).contains("group") && !line(.header(plain)).contains("instance"))
    let old =
      #"{"mqtt_dumper_capture":1,"created":"x","tool":"t","broker":"b","protocol":"mqttv311","subscriptions":[]}"#
    guard case .header(let h) = try RecordDecoder.decode(old) else {
      Issue.record("not a header")
      return
    }
    #expect(h.group == nil && h.instance == nil)
  }

  @Test("the snapshot's events have their own kinds; a reader keeps a kind it does not know")
  func snapshotEvents() throws {
    let begin = ConnectionEvent(kind: .retainedSnapshot, timestamp: at(0))
    #expect(line(.event(begin)) == #"{"ts":1764068856.000000,"event":"retained_snapshot"}"# + "\n")
    #expect(
      try RecordDecoder.decode(#"{"ts":1,"event":"retained_snapshot_end"}"#)
        == .event(ConnectionEvent(kind: .retainedSnapshotEnd, timestamp: Timestamp(microseconds: 1_000_000))))
    #expect(ConnectionEvent.Kind(rawValue: "later_kind") == .other("later_kind"))
  }

  @Test("info's summary counts the snapshot's messages; print marks them, and only them")
  func summaryAndPrinter() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-unit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("group.jsonl.gz").path
    let live = CapturedMessage(timestamp: at(10), topic: "plant/n", payload: Array("1".utf8), qos: .atLeastOnce)
    let stored = [
      CapturedMessage(timestamp: at(20), topic: "plant/state", payload: Array("ready".utf8), retain: true),
      CapturedMessage(timestamp: at(20), topic: "plant/mode", payload: Array("auto".utf8), retain: true),
    ]
    let later = CapturedMessage(timestamp: at(30), topic: "plant/state", payload: Array("busy".utf8), retain: true)
    let records: [CaptureRecord] =
      [
        .event(.connected(at: at(0))), .message(live),
        .event(ConnectionEvent(kind: .retainedSnapshot, timestamp: at(20))),
      ]
      + stored.map { .message($0) }
      + [.event(ConnectionEvent(kind: .retainedSnapshotEnd, timestamp: at(20))), .message(later)]
    let writer = try CaptureWriter(path: path, header: sampleHeader)
    for record in records { try writer.write(record) }
    try writer.close()

    let summary = try CaptureSummary(path: path)
    #expect(summary.retainedSnapshotMessages == 2)
    #expect(summary.messages == 4 && summary.retainedMessages == 3)
    #expect(summary.header.group == "fleet" && summary.header.instance == "rec-a")

    var printer = MessagePrinter()
    printer.utc = true
    var out: [UInt8] = []
    for record in records {
      switch record {
      case .message(let m): printer.append(m, to: &out)
      case .event(let e): printer.append(e, to: &out)
      case .header: break
      }
    }
    let shown = String(decoding: out, as: UTF8.self).split(separator: "\n").filter { $0.contains("(qos") }
    #expect(
      shown == [
        "2025-11-25 11:07:36.000Z plant/n  (qos 1, 1 byte)",
        "2025-11-25 11:07:36.000Z plant/state  (qos 0, retained, from the retained snapshot, 5 bytes)",
        "2025-11-25 11:07:36.000Z plant/mode  (qos 0, retained, from the retained snapshot, 4 bytes)",
        "2025-11-25 11:07:36.000Z plant/state  (qos 0, retained, 4 bytes)",
      ])
  }

  @Test("a file without a snapshot has none in its summary")
  func noSnapshot() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-dumper-unit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("plain.jsonl").path
    let writer = try CaptureWriter(path: path, header: sampleHeader)
    try writer.write(CapturedMessage(timestamp: at(1), topic: "a", payload: [], retain: true))
    try writer.close()
    #expect(try CaptureSummary(path: path).retainedSnapshotMessages == nil)
  }
}
