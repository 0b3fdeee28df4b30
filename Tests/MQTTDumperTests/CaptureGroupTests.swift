import Glibc
import Testing

@testable import MQTTDumper

@Suite("capture groups: share names and subscriptions")
struct CaptureGroupTests {
  @Test("each filter is subscribed as $share/GROUP/FILTER")
  func sharedFilters() {
    let group = CaptureGroup(name: "fleet", instance: "rec-a")
    #expect(group.sharedFilter("plant/#") == "$share/fleet/plant/#")
    #expect(group.sharedFilter("#") == "$share/fleet/#")
    #expect(group.sharedFilter("+/status") == "$share/fleet/+/status")
  }

  @Test(
    "a share name with '/', '+' or '#', or none at all, is refused with the reason",
    arguments: [("a/b", "contains '/'"), ("a+", "contains '+'"), ("#", "contains '#'"), ("", "is empty")])
  func badNames(name: String, problem: String) {
    #expect(CaptureGroup.nameProblem(name) == problem)
  }

  @Test("ordinary share names are accepted", arguments: ["fleet", "recorders-1", "Zone_3.a", "grüße"])
  func goodNames(name: String) {
    #expect(CaptureGroup.nameProblem(name) == nil)
  }

  @Test("the default instance is the host name and the process id")
  func defaultInstance() {
    let instance = CaptureGroup.defaultInstance
    #expect(instance.hasSuffix("-\(getpid())"))
    #expect(instance.count > "-\(getpid())".count)
  }

  @Test(
    "filters that some topic matches both are found",
    arguments: [
      (["a/#", "a/b"], true), (["a/+", "a/b"], true), (["a/#", "a"], true), (["+/b", "a/+"], true),
      (["#", "x/y/z"], true), (["a/b", "a/c"], false), (["a/+", "a/b/c"], false), (["a/b/#", "a/c/#"], false),
      (["#", "$SYS/x"], false), (["+/x", "$SYS/x"], false), (["a", "a/b"], false), (["a/b", "a/b"], false),
    ])
  func overlap(filters: [String], overlapping: Bool) {
    #expect((CaptureGroup.overlappingFilters(filters) != nil) == overlapping)
  }
}
