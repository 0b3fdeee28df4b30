import Testing

@testable import MQTTCapture

private func recorder(_ created: String, group: String? = nil, instance: String? = nil) -> CaptureHeader {
  CaptureHeader(
    created: created, tool: "test", broker: "b:1883", protocolName: "mqttv5",
    subscriptions: [CaptureSubscription(filter: "plant/#", qos: .atLeastOnce)], group: group, instance: instance)
}

private func line(_ header: CaptureHeader) -> String {
  var out: [UInt8] = []
  RecordEncoder.append(header, to: &out)
  return String(decoding: out, as: UTF8.self)
}

@Suite("the merged header: group and instances")
struct MergedHeaderTests {
  @Test("one group is kept (a file without a group does not change it); each file's instance is listed")
  func oneGroup() throws {
    let headers = [
      recorder("2025-11-25T11:00:02.000000Z", group: "fleet", instance: "rec-a"),
      recorder("2025-11-25T11:00:01.000000Z"),
      recorder("2025-11-25T11:00:03.000000Z", group: "fleet", instance: "rec-b"),
    ]
    #expect(CaptureMerge.groups(of: headers) == ["fleet"])
    let h = CaptureMerge.header(for: headers, paths: ["a.gz", "plain.gz", "b.gz"], tool: "t")
    #expect(h.group == "fleet" && h.instance == nil && h.sourceInstances == ["rec-a", nil, "rec-b"])
    #expect(
      line(h)
        == #"{"mqtt_dumper_capture":1,"created":"2025-11-25T11:00:01.000000Z","tool":"t","broker":"b:1883","#
        + #""protocol":"mqttv5","subscriptions":[{"filter":"plant/#","qos":1}],"group":"fleet","#
        + #""sources":["a.gz","plain.gz","b.gz"],"instances":["rec-a",null,"rec-b"]}"# + "\n")
    // Read back as written.
    guard case .header(let back) = try RecordDecoder.decode(String(line(h).dropLast())) else {
      Issue.record("not a header")
      return
    }
    #expect(back == h)
    #expect(back.sourceInstanceCounts.map { "\($0.instance) \($0.sources)" } == ["rec-a 1", "rec-b 1"])
  }

  @Test("different groups: the merged header names none, the instances are still listed")
  func differentGroups() {
    let headers = [
      recorder("2025-11-25T11:00:00.000000Z", group: "fleet", instance: "rec-a"),
      recorder("2025-11-25T11:00:00.000000Z", group: "line2", instance: "rec-a"),
      recorder("2025-11-25T11:00:00.000000Z", group: "fleet", instance: "rec-b"),
    ]
    #expect(CaptureMerge.groups(of: headers) == ["fleet", "line2"])
    let h = CaptureMerge.header(for: headers, paths: ["1", "2", "3"], tool: "t")
    #expect(h.group == nil && h.sourceInstances == ["rec-a", "rec-a", "rec-b"])
    #expect(h.sourceInstanceCounts.map { "\($0.instance) \($0.sources)" } == ["rec-a 2", "rec-b 1"])
  }

  @Test("files without instances: no instances field, as before")
  func noInstances() {
    let h = CaptureMerge.header(
      for: [recorder("2025-11-25T11:00:00.000000Z"), recorder("2025-11-25T11:00:00.000000Z")], paths: ["x", "y"],
      tool: "t")
    #expect(h.group == nil && h.sourceInstances.isEmpty)
    #expect(line(h).hasSuffix(#""sources":["x","y"]}"# + "\n"))
  }

  @Test("an instances list of another length than the sources (or not of strings) is not read")
  func lenientReading() throws {
    let base =
      #"{"mqtt_dumper_capture":1,"created":"","tool":"t","broker":"b","protocol":"mqttv5","#
      + #""subscriptions":[],"sources":["x","y"],"#
    for (instances, want) in [
      (#""instances":["a"]}"#, [String?]()), (#""instances":["a",7]}"#, ["a", nil]),
      (#""instances":[null,"b"]}"#, [nil, "b"]),
    ] {
      guard case .header(let h) = try RecordDecoder.decode(base + instances) else {
        Issue.record("not a header")
        continue
      }
      #expect(h.sources == ["x", "y"] && h.sourceInstances == want, "\(instances)")
    }
  }
}
