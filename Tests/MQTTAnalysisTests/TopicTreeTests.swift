import Foundation
import MQTTCapture
import Testing

@testable import MQTTAnalysis

private func statistics(_ messages: [(Double, String)]) -> TrafficStatistics {
  var s = TrafficStatistics()
  for (seconds, topic) in messages {
    s.add(
      CapturedMessage(
        timestamp: Timestamp(microseconds: 1_764_064_800_000_000 + Int64(seconds * 1e6)), topic: topic,
        payload: Array("xy".utf8)))
  }
  return s
}

@Suite struct TopicTreeTests {
  @Test("levels with sums over each subtree, empty levels, a leading /, $SYS, children by name")
  func sums() {
    let s = statistics([
      (0, "a/b"), (1, "a"), (2, "a//c"), (3, "/x"), (4, "$SYS/broker/uptime"), (5, "a/b/c"), (6, "a/b/c"),
      (7, "a/b/c"), (10, "a/b"),
    ])
    let tree = TopicTree(s)
    let rows = tree.nodes.map { "\($0.depth) \($0.name)|\($0.path)|\($0.messages)/\($0.ownMessages)/\($0.topics)" }
    #expect(
      rows == [
        "0 ||1/0/1",  // the empty first level of /x
        "1 x|/x|1/1/1",
        "0 $SYS|$SYS|1/0/1",
        "1 broker|$SYS/broker|1/0/1",
        "2 uptime|$SYS/broker/uptime|1/1/1",
        "0 a|a|7/1/4",
        "1 |a/|1/0/1",  // the empty middle level of a//c
        "2 c|a//c|1/1/1",
        "1 b|a/b|5/2/2",
        "2 c|a/b/c|3/3/1",
      ])
    #expect(tree.roots == [0, 2, 5])
    #expect(tree.nodes[5].children == [6, 8])
    #expect(tree.nodes[8].parent == 5 && tree.nodes[0].parent == nil)
    #expect(tree.nodes[5].payloadBytes == 14)
    // 9 messages over 10 s; a holds 7 of them.
    #expect(abs(tree.nodes[5].meanRate! - 0.7) < 1e-12)
    #expect(abs(tree.roots.map { tree.nodes[$0].meanRate! }.reduce(0, +) - 0.9) < 1e-12)
    #expect(tree.nodes[5].isTopic && !tree.nodes[6].isTopic)
  }

  @Test("past 64 levels the rest of a topic is one node; 65,535 slashes do not crash")
  func deep() {
    let topic = Array(repeating: "l", count: 100).joined(separator: "/")
    let tree = TopicTree(statistics([(0, topic)]))
    #expect(tree.nodes.count == TopicTree.maxDepth)
    #expect(tree.nodes.last!.name == Array(repeating: "l", count: 37).joined(separator: "/"))
    #expect(tree.nodes.last!.path == topic)
    #expect(tree.nodes.last!.depth == 63)
    let slashes = TopicTree(statistics([(0, String(repeating: "/", count: 65_535))]))
    #expect(slashes.nodes.count == 64)
    #expect(slashes.nodes.last!.messages == 1)
  }

  @Test("no rates when the traffic spans no time")
  func noSpan() {
    let tree = TopicTree(statistics([(1, "a/b"), (1, "a/c")]))
    #expect(tree.nodes.map(\.messages) == [2, 1, 1])
    #expect(tree.nodes.allSatisfy { $0.meanRate == nil })
  }
}
