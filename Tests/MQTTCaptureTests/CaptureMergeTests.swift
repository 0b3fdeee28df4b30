import Foundation
import Testing

@testable import MQTTCapture

/// Writes a capture of `records` (messages and events) and returns its path.
private func capture(_ name: String, broker: String, _ records: [CaptureRecord], in dir: URL) throws -> String {
  let path = dir.appendingPathComponent(name).path
  let header = CaptureHeader(
    created: "2025-11-25T11:0\(name.count % 10):00.000000Z", tool: "test", broker: broker, protocolName: "mqttv5",
    subscriptions: [CaptureSubscription(filter: "\(broker)/#", qos: .atLeastOnce)])
  let writer = try CaptureWriter(path: path, header: header)
  for r in records { try writer.write(r) }
  try writer.close()
  return path
}

private func at(_ ms: Int64) -> Timestamp { Timestamp(microseconds: 1_764_068_856_000_000 + ms * 1000) }

private func m(_ ms: Int64, _ topic: String, _ payload: String = "x") -> CaptureRecord {
  .message(CapturedMessage(timestamp: at(ms), topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce))
}

private func merged(_ merge: CaptureMerge) throws -> (records: [CaptureRecord], summary: CaptureMerge.Summary) {
  var out: [CaptureRecord] = []
  let summary = try merge.run(try merge.open()) { out.append($0) }
  return (out, summary)
}

private func topics(_ records: [CaptureRecord]) -> [String] {
  records.map {
    switch $0 {
    case .message(let m): m.topic
    case .event(let e): "event:\(e.kind.rawValue)"
    case .header: "header"
    }
  }
}

@Suite("merging captures")
final class CaptureMergeTests {
  let dir: URL

  init() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: dir) }

  @Test("a heartbeat repeated within the window: each copy matches one message, none is lost, no clock offset")
  func heartbeat() throws {
    // A says "online" every second for a minute but missed t=30 s; B recorded every one, 20 ms later.
    let a = try capture(
      "a", broker: "x", (0..<60).filter { $0 != 30 }.map { m(Int64($0) * 1000, "status", "online") }, in: dir)
    let b = try capture("bb", broker: "x", (0..<60).map { m(Int64($0) * 1000 + 20, "status", "online") }, in: dir)
    var merge = CaptureMerge(paths: [a, b])
    merge.dedupWindow = 2_000_000
    let (records, summary) = try merged(merge)
    #expect(records.count == 60)
    #expect(summary.duplicates == 59)
    #expect(summary.clockOffsets.count == 1)
    #expect(summary.clockOffsets.first.map { abs($0.microseconds - 20_000) <= 1_000 } == true)
  }

  @Test("by time across files; ties keep the files' order, then the lines'; events too; one header for all")
  func order() throws {
    let connected = CaptureRecord.event(ConnectionEvent(kind: .connected, timestamp: at(0)))
    let a = try capture("a", broker: "a", [connected, m(1, "a1"), m(3, "a3"), m(5, "a5"), m(5, "a5b")], in: dir)
    let b = try capture("bb", broker: "b", [m(1, "b1"), m(2, "b2"), m(6, "b6")], in: dir)
    let c = try capture("ccc", broker: "c", [m(4, "c4"), m(5, "c5")], in: dir)
    let (records, summary) = try merged(CaptureMerge(paths: [a, b, c]))
    #expect(topics(records) == ["event:connected", "a1", "b1", "b2", "a3", "c4", "a5", "a5b", "c5", "b6"])
    #expect(summary.written == 10 && summary.duplicates == 0)
    #expect(summary.sources.map(\.messages) == [4, 3, 2])
    let header = CaptureMerge.header(
      for: try CaptureMerge(paths: [a, b, c]).open().map(\.header), paths: [a, b, c], tool: "t")
    #expect(header.sources == [a, b, c])
    #expect(header.broker == "a, b, c")
    #expect(header.subscriptions.map(\.filter) == ["a/#", "b/#", "c/#"])
  }

  @Test("--dedup drops another file's copy within the window, keeps repeats in one file, measures the clocks")
  func dedup() throws {
    let a = try capture(
      "a", broker: "x", [m(1000, "t", "1"), m(2000, "t", "2"), m(2000, "t", "2"), m(9000, "t", "9")], in: dir)
    // b's clock is 300 ms ahead; its copy of "9" comes 5 s late (outside a 1 s window): kept.
    let b = try capture(
      "b", broker: "x", [m(1300, "t", "1"), m(2300, "t", "2"), m(3000, "u", "1"), m(14000, "t", "9")], in: dir)
    var merge = CaptureMerge(paths: [a, b])
    merge.dedupWindow = 1_000_000
    let (records, summary) = try merged(merge)
    let payloads = records.compactMap { r -> String? in
      if case .message(let m) = r { return m.topic + "=" + String(decoding: m.payload, as: UTF8.self) }
      return nil
    }
    #expect(payloads == ["t=1", "t=2", "t=2", "u=1", "t=9", "t=9"])
    #expect(summary.duplicates == 2)
    #expect(
      summary.clockOffsets.map { "\($0.reference) \($0.path) \($0.microseconds) \($0.copies)" } == [
        "\(a) \(b) 300000 2"
      ])
    // Without --dedup every message is kept.
    #expect(try merged(CaptureMerge(paths: [a, b])).records.count == 8)
  }

  @Test("clocks: every two files that share copies are compared, not only with the first; either may be earlier")
  func clocksOfEveryPair() throws {
    // a and b share "1" and "2" (b 300 ms ahead); c shares "7" and "8" with b only, 2 s behind it, so c's
    // copies come first in time and b's are the ones dropped.
    let a = try capture("a", broker: "x", [m(1000, "t", "1"), m(2000, "t", "2")], in: dir)
    let b = try capture(
      "b", broker: "x", [m(1300, "t", "1"), m(2300, "t", "2"), m(20000, "t", "7"), m(21000, "t", "8")], in: dir)
    let c = try capture("c", broker: "x", [m(18000, "t", "7"), m(19000, "t", "8"), m(30000, "t", "9")], in: dir)
    var merge = CaptureMerge(paths: [a, b, c])
    merge.dedupWindow = 3_000_000
    let (records, summary) = try merged(merge)
    #expect(records.count == 5 && summary.duplicates == 4)
    let offsets = summary.clockOffsets.map { "\($0.reference) \($0.path) \($0.microseconds) \($0.copies)" }
    #expect(offsets == ["\(a) \(b) 300000 2", "\(b) \(c) -2000000 2"])
  }

  @Test("copies per file: one that overlaps the others but shares none (its clock 5 s ahead, a 2 s window) is named")
  func sharingNoCopies() throws {
    let times = Array(stride(from: Int64(10_000), through: 20_000, by: 1000))
    let a = try capture("a", broker: "x", times.map { m($0, "t", "\($0)") }, in: dir)
    let b = try capture("b", broker: "x", times.map { m($0 + 500, "t", "\($0)") }, in: dir)
    let c = try capture("c", broker: "x", times.map { m($0 + 5000, "t", "\($0)") }, in: dir)
    // d comes a minute later: apart from the others, named as such, not here.
    let d = try capture("d", broker: "x", [m(70_000, "t", "late")], in: dir)
    var merge = CaptureMerge(paths: [a, b, c, d])
    merge.dedupWindow = 2_000_000
    let summary = try merged(merge).summary
    #expect(summary.duplicates == 11)
    #expect(summary.sources.map(\.copies) == [11, 11, 0, 0])
    #expect(summary.sourcesSharingNoCopies.map(\.path) == [c])
    #expect(summary.separateSources.map(\.path) == [d])
    // A window wide enough finds c's copies.
    merge.dedupWindow = 6_000_000
    #expect(try merged(merge).summary.sourcesSharingNoCopies.map(\.path) == [])
  }

  @Test("a file whose own times go backwards: how often and by how much, each file on its own")
  func stepsBack() throws {
    let a = try capture("a", broker: "x", [m(0, "a"), m(5000, "a"), m(2000, "a"), m(8000, "a"), m(7500, "a")], in: dir)
    let b = try capture("b", broker: "x", [m(1000, "b"), m(9000, "b")], in: dir)
    let (records, summary) = try merged(CaptureMerge(paths: [a, b]))
    #expect(topics(records) == ["a", "b", "a", "a", "a", "a", "b"])
    #expect(summary.sources.map(\.stepsBack.count) == [2, 0])
    #expect(summary.sources.map(\.stepsBack.largest) == [3_000_000, 0])
  }

  @Test("a clock offset sample is exact up to its capacity and a close estimate beyond, in constant memory")
  func offsetSample() {
    var small = ClockOffsetSample()
    for v: Int64 in [5, -3, 9, 1, 7] { small.add(v) }
    #expect(small.count == 5 && small.median == 5)
    #expect(ClockOffsetSample().median == 0)
    // 200,000 values 0 ..< 200,000 in a scrambled order (7919 is prime to 200,000): the median is 100,000.
    var large = ClockOffsetSample()
    for i in 0..<200_000 { large.add(Int64(i * 7919 % 200_000)) }
    #expect(large.count == 200_000)
    #expect(abs(large.median - 100_000) < 6_000, "\(large.median)")
  }

  @Test("a cut-off file is merged up to the damage and named")
  func cutOff() throws {
    let a = try capture("a", broker: "x", [m(1, "a"), m(2, "a")], in: dir)
    let b = try capture("b", broker: "x", [m(3, "b")], in: dir)
    // Plain text cut mid-line.
    let cut = dir.appendingPathComponent("cut.jsonl").path
    let text =
      "{\"mqtt_dumper_capture\":1,\"created\":\"2025-11-25T11:00:00.000000Z\",\"tool\":\"t\",\"broker\":\"x\","
      + "\"protocol\":\"mqttv5\",\"subscriptions\":[]}\n{\"ts\":1764068856.004,\"topic\":\"c\",\"qos\":0,"
      + "\"retain\":false,\"payload\":\"1\"}\n{\"ts\":1764068856.005,\"top"
    try text.write(toFile: cut, atomically: true, encoding: .utf8)
    let (records, summary) = try merged(CaptureMerge(paths: [a, b, cut]))
    #expect(topics(records) == ["a", "a", "b", "c"])
    #expect(summary.truncations.count == 1)
  }

  private static let headerLine =
    "{\"mqtt_dumper_capture\":1,\"created\":\"2025-11-25T11:00:00.000000Z\",\"tool\":\"t\",\"broker\":\"x\","
    + "\"protocol\":\"mqttv5\",\"subscriptions\":[]}"

  private func plain(_ name: String, _ lines: [String]) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try ([Self.headerLine] + lines).map { $0 + "\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// What reading `path` record by record throws.
  private func readingError(_ path: String) throws -> CaptureError? {
    let reader = try CaptureReader(path: path)
    do {
      while try reader.next() != nil {}
    } catch let error as CaptureError {
      return error
    }
    return nil
  }

  @Test(
    "a corrupt line stops its file where reading it stops, named in the reader's words; the rest is merged",
    arguments: [
      #"{"ts":01,"topic":"t","qos":0,"retain":false,"payload":"p"}"#,
      #"{"ts":1764068856.5,"topic":"t","qos":0,"retain":faxxe,"payload":"p"}"#,
      #"{"ts":1764068856.5,"topic":"t","qos":0,"retain":false,"payload":"a\qb"}"#,
      #"{"ts":1764068856.5,"topic":"t","qos":0,"retain":false,"payload_b64":"!!!!"}"#,
      #"{"ts":1764068856.5,"topic":"t","qos":0,"retain":false}"#,
      #"{"ts":1764068856.5,"topic":"t","payload":"p""#,
      "{\"ts\":1764068856.5,\"topic\":\"t\",\"payload\":\"a\u{01}b\"}",
    ])
  func corruptLine(line: String) throws {
    let good = #"{"ts":1764068856.000001,"topic":"good","qos":0,"retain":false,"payload":"1"}"#
    let a = try plain("a.jsonl", [good, line, good])
    let b = try capture("b", broker: "x", [m(1, "b")], in: dir)
    let expected = try #require(try readingError(a))
    guard case .corrupt(let path, let number, _) = expected else {
      Issue.record("not a corrupt-line error: \(expected)")
      return
    }
    #expect(path == a && number == 3)
    // Not thrown: the file stops at the damage like a cut-off one and is named in the reader's words; the
    // other file is merged in full and the output can be finished.
    let sentence = "\(expected.problem); its records before that were merged."
    let out = dir.appendingPathComponent("out.jsonl.gz").path
    let merge = CaptureMerge(paths: [b, a])
    let writer = try CaptureWriter(path: out, header: CaptureMerge.header(for: [], paths: [], tool: "t"))
    let summary = try merge.run(try merge.open(), into: writer)
    try writer.close()
    #expect(summary.truncations == [sentence])
    #expect(summary.written == 2 && summary.sources.map(\.messages) == [1, 1])
    let reader = try CaptureReader(path: out)
    var back: [CaptureRecord] = []
    while let r = try reader.next() { back.append(r) }
    #expect(reader.truncation == nil)
    #expect(topics(back) == ["good", "b"])
    // The decoding path agrees.
    let (records, decodedSummary) = try merged(merge)
    #expect(topics(records) == ["good", "b"] && decodedSummary.truncations == [sentence])
  }

  @Test("the same file twice, however it is spelt, is found by device and inode; - and missing paths are not")
  func repeatedInput() throws {
    let a = try capture("a", broker: "x", [m(1, "a")], in: dir)
    let b = try capture("b", broker: "x", [m(1, "b")], in: dir)
    let link = dir.appendingPathComponent("link").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: a)
    let hard = dir.appendingPathComponent("hard").path
    try FileManager.default.linkItem(atPath: b, toPath: hard)
    let dotted = dir.path + "/./a"
    #expect(CaptureMerge.repeatedInput(in: [a, b]) == nil)
    #expect(CaptureMerge.repeatedInput(in: [a, "-", b, dir.appendingPathComponent("missing").path]) == nil)
    #expect(CaptureMerge.repeatedInput(in: [a, b, a]).map { [$0.path, $0.earlier] } == [a, a])
    #expect(CaptureMerge.repeatedInput(in: [link, b, dotted]).map { [$0.path, $0.earlier] } == [dotted, link])
    #expect(CaptureMerge.repeatedInput(in: [a, hard, b]).map { [$0.path, $0.earlier] } == [b, hard])
  }

  @Test("message lines are copied byte for byte; events and lines with properties are written as decoded")
  func copiedLines() throws {
    let lines = [
      #"{"ts":1764068856.000001,"topic":"café","qos":1,"retain":true,"payload":"{\"a\": 1.50}"}"#,
      #"{"ts":1764068856.000002,"event":"connected"}"#,
      #"{"topic":"t","ts":1764068856.000003,"payload":"\/x"}"#,
      #"{"ts":1764068856.000004,"topic":"p","qos":0,"retain":false,"payload":"x","properties":{"content_type":"a"}}"#,
      #"{"ts":1764068856.000005,"topic":"b","qos":2,"retain":false,"payload_b64":"AAEC/w=="}"#,
      #"{"ts":1764068856.000006,"topic":"caf\u00e9","qos":0,"retain":false,"payload":"p"}"#,
    ]
    let a = try plain("a.jsonl", lines)
    let out = dir.appendingPathComponent("out.jsonl").path
    let merge = CaptureMerge(paths: [a])
    let writer = try CaptureWriter(path: out, header: CaptureMerge.header(for: [], paths: [a], tool: "t"))
    let summary = try merge.run(try merge.open(), into: writer)
    try writer.close()
    #expect(summary.written == 6 && summary.sources[0].messages == 5)
    let written = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
    // Re-encoded lines are what the writer makes of the decoded record (checked against the input by the reader).
    func encoded(_ line: String) throws -> String {
      var bytes: [UInt8] = []
      RecordEncoder.append(try RecordDecoder.decode(line), to: &bytes)
      return String(decoding: bytes.dropLast(), as: UTF8.self)
    }
    #expect(
      written == [lines[0], try encoded(lines[1]), lines[2], try encoded(lines[3]), lines[4], try encoded(lines[5])])
    #expect(written[5].contains(#""topic":"café""#))
    #expect(written[3].contains(#""properties":{"content_type":"a"}"#))
    // Read back, the same records the decoding path gives.
    let reader = try CaptureReader(path: out)
    var back: [CaptureRecord] = []
    while let r = try reader.next() { back.append(r) }
    #expect(back == (try merged(merge)).records)
  }
}
