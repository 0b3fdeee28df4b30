import MQTTCapture
import Testing

@testable import MQTTAnalysis

private func json(_ text: String) -> JSONValue { try! JSONParser.parse(text) }

/// The violations of `value` against `schema` (inside `document` when given), as `path: message` lines.
private func violations(_ value: String, _ schema: String, document: String? = nil) -> [String] {
  let validator = JSONSchemaValidator(document: json(document ?? schema))
  return validator.validate(json(value), against: json(schema)).map(\.description)
}

@Suite("JSON Schema validator") struct JSONSchemaValidatorTests {
  @Test("a wrong type names the path, the expectation and the value")
  func wrongType() {
    let schema =
      #"{"type": "object", "properties": {"actual": {"type": "number"}, "target": {"type": ["integer", "null"]}}}"#
    #expect(
      violations(#"{"actual": "n/a", "target": 1.5}"#, schema) == [
        #".actual: expected number, got string "n/a""#, ".target: expected integer or null, got number 1.5",
      ])
    #expect(violations(#"{"actual": 1, "target": 2.0}"#, schema) == [])
    #expect(violations("[]", schema) == [".: expected object, got empty array"])
  }

  @Test("required, additionalProperties, patternProperties, odd keys and indexes in paths")
  func objects() {
    let schema = #"""
      {"required": ["a", "b c"], "properties": {"a": {"type": "array", "items": {"type": "string"}}},
       "patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": false}
      """#
    #expect(
      violations(#"{"a": ["s", 1], "x-n": "no", "zz": 0}"#, schema) == [
        #".["b c"]: required member missing"#, ".a[1]: expected string, got number 1",
        #".["x-n"]: expected integer, got string "no""#, ".zz: unexpected member (additionalProperties is false)",
      ])
  }

  @Test("enum, const, bounds, lengths, pattern, item counts")
  func values() {
    #expect(violations(#""C""#, #"{"enum": ["A", "B"]}"#) == [#".: expected one of "A", "B", got string "C""#])
    #expect(violations("1.0", #"{"enum": [1]}"#) == [])
    #expect(violations(#"{"b": 1, "a": [2]}"#, #"{"const": {"a": [2.0], "b": 1}}"#) == [])
    #expect(violations("3", #"{"const": 4}"#) == [".: expected 4, got number 3"])
    #expect(violations("-1", #"{"minimum": 0, "maximum": 10}"#) == [".: expected at least 0, got -1"])
    #expect(violations("10", #"{"exclusiveMaximum": 10}"#) == [".: expected less than 10, got 10"])
    #expect(violations("0", #"{"minimum": 0, "exclusiveMinimum": true}"#) == [".: expected more than 0, got 0"])
    #expect(violations("7", #"{"multipleOf": 2}"#) == [".: expected a multiple of 2, got 7"])
    #expect(
      violations(#""héllo""#, #"{"maxLength": 4, "minLength": 2}"#) == [".: expected at most 4 characters, got 5"])
    #expect(violations(#""abc""#, #"{"pattern": "^b"}"#) == [#".: expected to match /^b/, got string "abc""#])
    #expect(violations(#""abc""#, #"{"pattern": "b"}"#) == [])
    #expect(
      violations("[1]", #"{"minItems": 2, "prefixItems": [{"type": "string"}]}"#) == [
        ".: expected at least 2 items, got 1", ".[0]: expected string, got number 1",
      ])
    #expect(violations("[1, 1]", #"{"uniqueItems": true}"#) == [".: expected unique items, got [0] equal to [1]"])
  }

  @Test("anyOf reports the nearest alternative, oneOf more than one match, allOf, not, if/then")
  func combinations() {
    let anyOf = #"{"anyOf": [{"type": "string"}, {"properties": {"a": {"type": "integer"}}, "required": ["a"]}]}"#
    #expect(
      violations(#"{"a": "x"}"#, anyOf) == [
        #".a: expected integer, got string "x" (nearest of the 2 alternatives of anyOf)"#
      ])
    #expect(
      violations("3", #"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#) == [
        ".: matches 2 of the 2 alternatives of oneOf, expected exactly one"
      ])
    #expect(violations("3", #"{"allOf": [{"type": "integer"}, {"maximum": 2}]}"#) == [".: expected at most 2, got 3"])
    #expect(violations("null", #"{"not": {"type": "null"}}"#) == [".: matches the schema of not, got null"])
    #expect(
      violations(#"{"k": 1}"#, #"{"if": {"required": ["k"]}, "then": {"required": ["v"]}}"#) == [
        ".v: required member missing"
      ])
    #expect(violations("1", "false") == [".: not allowed (the schema is false), got number 1"])
  }

  @Test("$ref to #/$defs (and escaped pointers); unknown keywords are ignored")
  func references() {
    let document = #"""
      {"$defs": {"a/b": {"type": "integer", "format": "no-such-format", "x-anything": 1}, "t": {"$ref": "#/$defs/a~1b"}},
       "properties": {"n": {"$ref": "#/$defs/t"}}}
      """#
    #expect(violations(#"{"n": "s"}"#, document) == [#".n: expected integer, got string "s""#])
    #expect(violations(#"{"n": 5}"#, document) == [])
    let validator = JSONSchemaValidator(document: json(document))
    #expect(validator.unresolvedReferences(in: json(##"{"items": {"$ref": "#/$defs/none"}}"##)) == ["#/$defs/none"])
    #expect(violations("1", ##"{"$ref": "#/$defs/x"}"##) == [##".: the schema's $ref "#/$defs/x" names nothing"##])
    #expect(
      violations("1", ##"{"$defs": {"loop": {"$ref": "#/$defs/loop"}}, "$ref": "#/$defs/loop"}"##).first?.hasSuffix(
        "loop or nest too deeply") == true)
  }
}

@Suite("Schema contract") struct SchemaContractTests {
  @Test("x-mqtt-channels: a topic's own entry before the first matching filter")
  func channelMap() throws {
    let contract = try SchemaContract(
      document: json(
        #"""
        {"x-mqtt-channels": {"a/+": {"$ref": "#/$defs/any"}, "a/b": {"$ref": "#/$defs/int"}},
         "$defs": {"any": true, "int": {"type": "integer"}}}
        """#))
    #expect(contract.entry(forTopic: "a/b")?.filter == "a/b")
    #expect(contract.entry(forTopic: "a/c")?.filter == "a/+")
    #expect(contract.entry(forTopic: "b") == nil)
    let entry = contract.entry(forTopic: "a/b")!
    #expect(
      contract.violations(of: Array("x".utf8), on: entry).map(\.description) == [
        #".: expected integer, got string "x""#
      ])
  }

  @Test("AsyncAPI 3: addresses with parameters, messages by reference, several messages as anyOf")
  func asyncAPI() throws {
    let document = try SchemaText.parse(
      Array(
        """
        asyncapi: 3.0.0
        info: {title: t, version: 1.0.0}
        channels:
          temps:
            address: 'octo/temperature/{heater}'
            messages:
              t: {$ref: '#/components/messages/temp'}
          events:
            address: octo/event/{event}
            messages:
              a: {payload: {type: object, required: [a]}}
              b: {payload: {type: object, required: [b]}}
        components:
          messages:
            temp:
              payload: {type: object, properties: {actual: {type: number}}}
        """.utf8))
    let contract = try SchemaContract(document: document)
    #expect(contract.entries.map(\.filter) == ["octo/temperature/+", "octo/event/+"])
    let temps = contract.entry(forTopic: "octo/temperature/tool0")!
    #expect(
      contract.violations(of: Array(#"{"actual": "n/a"}"#.utf8), on: temps).map(\.description) == [
        #".actual: expected number, got string "n/a""#
      ])
    let events = contract.entry(forTopic: "octo/event/X")!
    #expect(contract.violations(of: Array(#"{"b": 1}"#.utf8), on: events) == [])
    #expect(contract.violations(of: Array("{}".utf8), on: events).count == 1)
  }

  @Test("a document that cannot be used says what is wrong in a clause")
  func problems() {
    func problem(_ text: String) -> String {
      do {
        _ = try SchemaContract(document: try SchemaText.parse(Array(text.utf8)))
        return "none"
      } catch { return "\(error)" }
    }
    #expect(
      problem(#"{"x-mqtt-channels": {"a/#/b": true}}"#)
        == #"its x-mqtt-channels entry "a/#/b" is not a valid MQTT topic filter"#)
    #expect(
      problem(##"{"x-mqtt-channels": {"a": {"$ref": "#/$defs/gone"}}}"##)
        == ##"its x-mqtt-channels entry "a" refers to #/$defs/gone, which the document does not have"##)
    #expect(problem("asyncapi: 2.6.0\nchannels: {}\n") == "it is AsyncAPI 2.6.0; only AsyncAPI 3 documents are read")
    #expect(problem(#"{"a": "#) == "not valid JSON: unexpected end of JSON at byte 7")
    #expect(problem("- 1\n- 2\n") == "it is neither a JSON Schema (an object) nor an AsyncAPI document")
    #expect(problem(##"{"$ref": "#"}"##) == ##"its root "#" is a $ref that leads back to itself (#)"##)
    #expect(
      problem(#"{"properties": {"a": {"pattern": "[unclosed"}}}"#)
        == #"its pattern "[unclosed" is not a regular expression the validator can read"#)
    // Recursion that goes through a member is fine (a tree of nodes).
    #expect(problem(##"{"properties": {"child": {"$ref": "#"}}}"##) == "none")
  }

  @Test("YAML scalars come back as the JSON they were written from")
  func yamlRoundTrip() throws {
    let value = json(
      #"{"s": ["true", "0", "", "null", "1.5", "2025-11-25", "a: b"], "n": [1, 2.50, -3e2], "b": false, "z": null}"#)
    let text = try SchemaText.yaml(value)
    #expect(try SchemaText.parse(Array(text.utf8)) == value)
  }
}
