import Foundation
import Testing

/// `json` reads values as jq does and lays them out as jq's -c and --indent do.
@Suite("json: several values, -c and --indent, compared with jq")
struct JSONEndToEndTests {
  /// Values jq writes back unchanged (integers, strings, nesting, empty containers, escapes), several on a
  /// line, one over three lines, and a blank line (not `\u00e9`: jq writes it as é, json as it was).
  static let input = """
    {"a": 1, "b": [1, {"c": [], "d": {}}], "e": "x\\"}[yé", "f": null} {"g": true}
    [1,
      2, "three"]

    "text" 42 -7 false
    {"nested": {"deeper": {"deepest": [[[]]]}}}

    """

  private func jq(_ arguments: [String]) throws -> String {
    let result = try Running(try which("jq"), arguments, stdin: Data(Self.input.utf8)).wait(timeout: 30)
    guard result.status == 0 else { throw TestFailure("jq \(arguments) failed: \(result.stderr)") }
    return result.stdoutText
  }

  @Test(
    "json, json -c, json --indent N give jq's output byte for byte",
    arguments: [
      ([], ["."]), (["-c"], ["-c", "."]), (["--compact"], ["-c", "."]), (["--indent", "4"], ["--indent", "4", "."]),
      (["--indent", "0"], ["--indent", "0", "."]), (["--indent", "7"], ["--indent", "7", "."]),
    ])
  func likeJQ(ours: [String], theirs: [String]) throws {
    let result = try mqttDumper(["json"] + ours, stdin: Data(Self.input.utf8))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    let expected = try jq(theirs)
    #expect(result.stdoutText == expected)
  }

  @Test("number literals and key order stay as written in every layout")
  func literals() throws {
    let result = try mqttDumper(
      ["json", "-c"], stdin: Data("{\"z\": 9.0, \"a\": 1e400}  {\"n\": 12345678901234567890}\n".utf8))
    #expect(result.status == 0)
    #expect(result.stdoutText == "{\"z\":9.0,\"a\":1e400}\n{\"n\":12345678901234567890}\n")
  }

  @Test("an error names the line of the bad text, after writing the values before it")
  func errors() throws {
    let bad = try mqttDumper(["json", "-c"], stdin: Data("{\"a\": 1} {\"b\":\n2, }\n".utf8))
    #expect(bad.status == 2)
    #expect(bad.stdoutText == "{\"a\":1}\n")
    #expect(
      bad.stderr
        == "mqtt-dumper: error: standard input, line 2: not JSON: expected a member name in quotes at byte 4; fix or remove that text.\n"
    )
    let cut = try mqttDumper(["json"], stdin: Data("[1,\n2\n".utf8))
    #expect(cut.status == 2)
    #expect(
      cut.stderr
        == "mqtt-dumper: error: standard input, line 2: not JSON: unexpected end at byte 2; fix or remove that text.\n")
    for (arguments, says) in [
      (["json", "--indent", "8"], "--indent must be from 0 to 7, not 8."),
      (["json", "-c", "--indent", "3"], "--compact and --indent 3 contradict each other; choose one."),
    ] {
      let usage = try mqttDumper(arguments, stdin: Data())
      #expect(usage.status == 2)
      #expect(usage.stderr.contains(says), "\(usage.stderr)")
    }
  }
}
