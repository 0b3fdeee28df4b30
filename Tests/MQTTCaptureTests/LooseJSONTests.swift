import Testing

@testable import MQTTCapture

/// The error `LooseJSON.parse` throws for `text`, as (message, offset).
private func looseError(_ text: [UInt8]) -> (String, Int)? {
  do {
    _ = try LooseJSON.parse(text)
    return nil
  } catch let error as JSONSyntaxError {
    return (error.message, error.offset)
  } catch {
    return ("\(error)", -1)
  }
}

/// The error `JSONParser.parse` throws for `text`, as (message, offset).
private func strictError(_ text: [UInt8]) -> (String, Int)? {
  do {
    _ = try text.withUnsafeBytes { try JSONParser.parse($0) }
    return nil
  } catch let error as JSONSyntaxError {
    return (error.message, error.offset)
  } catch {
    return ("\(error)", -1)
  }
}

@Suite("LooseJSON: JSONParser's grammar, strings as bytes")
struct LooseJSONTests {
  @Test("strings keep bytes that are not UTF-8 and raw control characters; JSONParser refuses both")
  func anyBytes() throws {
    let text: [UInt8] = Array(#"{"payload":""#.utf8) + [0xFF, 0xFE, 0x09, 0x41] + Array(#"","n":1}"#.utf8)
    let value = try LooseJSON.parse(text)
    #expect(value["payload"]?.bytes == [0xFF, 0xFE, 0x09, 0x41])
    #expect(value["payload"]?.span == 11..<17)
    #expect(value["n"]?.integer == 1)
    #expect(strictError(text) ?? ("", 0) == ("control character in string", 14))
    #expect(strictError([0x22, 0x41, 0xFF, 0x22]) ?? ("", 0) == ("string is not valid UTF-8", 1))
    #expect(strictError(Array("[\"a\tb\"]".utf8)) ?? ("", 0) == ("control character in string", 3))
  }

  @Test("a value's span is the text it was written as")
  func spans() throws {
    let text = Array(#"{"a": [1, 2] , "b":"x", "c": {"d": null}}"#.utf8)
    let value = try LooseJSON.parse(text)
    #expect(value.span == 0..<text.count)
    #expect(value["a"].map { Array(text[$0.span]) } == Array("[1, 2]".utf8))
    #expect(value["b"]?.span == 19..<22)
    #expect(value["c"].map { Array(text[$0.span]) } == Array(#"{"d": null}"#.utf8))
  }

  @Test(
    "escapes decode; a lone surrogate stands for U+FFFD",
    arguments: [
      (#""\ud83d\udda8""#, [0xF0, 0x9F, 0x96, 0xA8]),
      (#""\ud800x""#, [0xEF, 0xBF, 0xBD, 0x78]),
      (#""\udc00""#, [0xEF, 0xBF, 0xBD]),
      (#""\ud800\u0041""#, [0xEF, 0xBF, 0xBD, 0x41]),
      (#""a\"\\\/\n\u00e9""#, [0x61, 0x22, 0x5C, 0x2F, 0x0A, 0xC3, 0xA9]),
    ] as [(String, [UInt8])])
  func escapes(text: String, bytes: [UInt8]) throws {
    #expect(try LooseJSON.parse(Array(text.utf8)).bytes == bytes)
  }

  @Test(
    "bad JSON is the same sentence at the same byte in both parsers",
    arguments: [
      ("[1 2]", "expected ',' or ']'", 3),
      (#"{"a":1 2}"#, "expected ',' or '}'", 7),
      (#"{"a" 1}"#, "expected ':'", 5),
      (#"{"p": 1e}"#, "invalid number", 8),
      ("1.", "invalid number", 2),
      ("1.2.3", "unexpected text after the JSON value", 3),
      ("--1", "invalid number", 1),
      (#""a\x""#, "invalid escape in string", 4),
      (#""\u12G4""#, "invalid \\u escape", 5),
      (#""abc"#, "unterminated string", 4),
      ("[1] x", "unexpected text after the JSON value", 4),
      ("[tru]", "unexpected character", 1),
    ] as [(String, String, Int)])
  func sameErrors(text: String, message: String, offset: Int) {
    #expect(looseError(Array(text.utf8)) ?? ("", 0) == (message, offset))
    #expect(strictError(Array(text.utf8)) ?? ("", 0) == (message, offset))
  }

  @Test("a lone surrogate is an error in JSONParser only")
  func strictSurrogates() {
    #expect(strictError(Array(#""\ud800""#.utf8)) ?? ("", 0) == ("unpaired surrogate in \\u escape", 7))
    #expect(strictError(Array(#""\ud800\u0041""#.utf8)) ?? ("", 0) == ("unpaired surrogate in \\u escape", 13))
    #expect(strictError(Array(#""\udc00""#.utf8)) ?? ("", 0) == ("unpaired surrogate in \\u escape", 7))
  }

  @Test("the depth limit holds for LooseJSON too")
  func depth() {
    let deep = Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)
    #expect(looseError(deep) ?? ("", 0) == ("JSON nested deeper than 512 levels", 512))
  }
}
