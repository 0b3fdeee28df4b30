import MQTTCapture
import Testing

@Suite("JSON sequences: several values per line, values over several lines")
struct JSONSequenceTests {
  private func format(_ lines: [String], compact: Bool = true) throws -> String {
    var formatter = JSONFormatter()
    formatter.compact = compact
    var sequence = JSONSequenceFormatter(formatter: formatter)
    var out: [UInt8] = []
    for line in lines {
      var copy = line
      try copy.withUTF8 { try sequence.append(line: UnsafeRawBufferPointer($0), to: &out) }
    }
    try sequence.finish(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  @Test("values are split at white space, joined over lines, and brackets in strings do not count")
  func values() throws {
    #expect(try format([#"{"a":1} {"b":2}"#, "", "  3 "]) == "{\"a\":1}\n{\"b\":2}\n3\n")
    #expect(try format(["[1,", #" {"q": "]}["},"#, "2]"]) == "[1,{\"q\":\"]}[\"},2]\n")
    #expect(try format([#"{"a": [1,"#, "2]} [", "]"], compact: false) == "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n[]\n")
  }

  @Test("an error is told by line and byte of that line")
  func failures() throws {
    #expect(throws: JSONSequenceFormatter.Failure(line: 3, error: .invalid(message: "unexpected character", offset: 3)))
    {
      try format(["1", "[2,", "3, x]"])
    }
    #expect(throws: JSONSequenceFormatter.Failure(line: 2, error: .invalid(message: "unexpected end", offset: 3))) {
      try format(["{\"a\":", "[1,"])
    }
    #expect(throws: JSONSequenceFormatter.Failure(line: 1, error: .invalid(message: "unexpected character", offset: 0)))
    {
      try format(["}"])
    }
  }
}
