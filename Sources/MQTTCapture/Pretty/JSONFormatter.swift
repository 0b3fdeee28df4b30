/// The ANSI escape sequences that colour pretty-printed JSON, one per kind of token (a formatter without
/// colours, `JSONFormatter.colors` nil, writes plain text).
public struct JSONColors: Sendable {
  /// Member names: bold blue.
  public var key = "\u{1B}[1;34m"
  /// String values: green.
  public var string = "\u{1B}[32m"
  /// Numbers: cyan.
  public var number = "\u{1B}[36m"
  /// `true`, `false` and `null`: magenta.
  public var literal = "\u{1B}[35m"
  /// Ends a coloured token: back to the terminal's default.
  public var reset = "\u{1B}[0m"
  /// The colours above.
  public init() {}
}

/// Why a payload could not be formatted as JSON.
public enum JSONFormatError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The payload is not one JSON value: what is wrong, and where (a byte offset from 0).
  case invalid(message: String, offset: Int)
  /// Objects and arrays nest deeper than `limit` levels (`JSONFormatter.maxDepth`).
  case tooDeep(limit: Int)

  /// The reason as a clause: `not JSON: expected ':' at byte 12`.
  public var description: String {
    switch self {
    case .invalid(let message, let offset): return "not JSON: \(message) at byte \(offset + 1)"
    case .tooDeep(let limit): return "JSON nested deeper than \(limit) levels"
    }
  }
}

/// Pretty-prints JSON changing nothing but white space: member order, number literals and strings
/// stay exactly as sent (but for DEL and C1 control characters in strings, which are written as `\u`
/// escapes so that they cannot drive a terminal: the same value); 2-space indent, `"key": value`, one member per line, `[]`/`{}` when empty —
/// the layout of the 2017 OctoPrint MQTT document.
///
/// It is a single streaming pass with an explicit stack, so deep nesting costs memory, not call stack,
/// and is cut off at `maxDepth` with an error rather than a crash.
public struct JSONFormatter: Sendable {
  /// Spaces per nesting level; 2, as in the 2017 document.
  public var indent = 2
  /// Everything on one line without spaces, `{"a":1,"b":[1,2]}`, as `jq -c` writes it; `indent` is then unused.
  public var compact = false
  /// The colours of names, strings, numbers and literals; nil for plain text.
  public var colors: JSONColors?
  /// Rewrites absolute paths in string values as the document does: `"/.../NodeMCU_Case.gcode"`.
  public var redactPaths = false
  /// How deep objects and arrays may nest before formatting gives up with `JSONFormatError.tooDeep`.
  public var maxDepth = 1000

  /// A formatter; by default a 2-space indent, plain text, paths as they are and 1,000 levels.
  public init(indent: Int = 2, colors: JSONColors? = nil, redactPaths: Bool = false, maxDepth: Int = 1000) {
    self.indent = indent
    self.colors = colors
    self.redactPaths = redactPaths
    self.maxDepth = maxDepth
  }

  /// Formats `input` (which must be valid UTF-8) and appends the result to `out` without a final newline.
  /// On error `out` is left as it was.
  /// - Throws: `JSONFormatError` when `input` is not one JSON value, or is nested too deeply.
  public func format(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
    let start = out.count
    do {
      let end = try formatValue(input, from: 0, into: &out)
      guard end == input.count else {
        throw JSONFormatError.invalid(message: "unexpected text after the JSON value", offset: end)
      }
    } catch {
      out.removeSubrange(start...)
      throw error
    }
  }

  /// Formats every JSON value in `input` (which must be valid UTF-8), as `jq` reads a sequence of values
  /// separated by white space, appending each to `out` followed by a newline.
  /// - Parameter final: whether the input ends here; if not, a value that `input` ends in the middle of
  ///   is left for the caller to complete with more input.
  /// - Returns: how many bytes of `input` were consumed: all of it, or up to the start of an incomplete
  ///   last value.
  /// - Throws: `JSONFormatError` (offsets from the start of `input`) for text that is not JSON; the values
  ///   before it are in `out`.
  public func formatValues(_ input: UnsafeRawBufferPointer, into out: inout [UInt8], final: Bool) throws -> Int {
    var i = 0
    while true {
      while i < input.count, [0x20, 0x0A, 0x0D, 0x09].contains(input[i]) { i += 1 }
      if i == input.count { return i }
      let start = out.count
      do {
        i = try formatValue(input, from: i, into: &out)
        out.append(0x0A)
      } catch JSONFormatError.invalid(_, let offset) where !final && offset == input.count {
        out.removeSubrange(start...)
        return i
      } catch {
        out.removeSubrange(start...)
        throw error
      }
    }
  }

  /// Formats the value that starts at `start`; returns the index after it and the white space after it.
  private func formatValue(_ input: UnsafeRawBufferPointer, from start: Int, into out: inout [UInt8]) throws -> Int {
    let outStart = out.count
    var controls = false
    let end = try run(input, from: start, &out, controls: &controls)
    if controls { VisibleText.escapeControlsInJSON(&out, from: outStart) }
    return end
  }

  /// Formats a string; see `format(_:into:)`.
  /// - Returns: the formatted text, without a final newline.
  /// - Throws: `JSONFormatError` when `text` is not one JSON value, or is nested too deeply.
  public func format(_ text: String) throws -> String {
    var out: [UInt8] = []
    var copy = text
    let result = copy.withUTF8 { buffer -> JSONFormatError? in
      do {
        try format(UnsafeRawBufferPointer(buffer), into: &out)
        return nil
      } catch let error as JSONFormatError {
        return error
      } catch {
        return nil
      }
    }
    if let result { throw result }
    return String(decoding: out, as: UTF8.self)
  }

  private enum State { case value, key, afterValue }

  /// - Parameter controls: set when a string holds a byte that may start DEL or a C1 control character.
  /// - Returns: the index after the value and the white space after it.
  private func run(_ b: UnsafeRawBufferPointer, from start: Int, _ out: inout [UInt8], controls: inout Bool) throws
    -> Int
  {
    let n = b.count
    var stack: [Bool] = []  // true: object, false: array
    var i = start
    var state = State.value
    @inline(__always) func skip() {
      while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }
    func fail(_ message: String) -> JSONFormatError { .invalid(message: message, offset: i) }
    func newline(_ out: inout [UInt8], depth: Int) {
      if compact { return }
      out.append(0x0A)
      for _ in 0..<(depth * indent) { out.append(0x20) }
    }
    skip()
    while true {
      switch state {
      case .value:
        guard i < n else { throw fail("unexpected end") }
        let c = b[i]
        switch c {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          let close: UInt8 = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
          i += 1
          skip()
          if i < n, b[i] == close {
            out.append(c)
            out.append(close)
            i += 1
            state = .afterValue
          } else {
            guard stack.count < maxDepth else { throw JSONFormatError.tooDeep(limit: maxDepth) }
            stack.append(c == UInt8(ascii: "{"))
            out.append(c)
            newline(&out, depth: stack.count)
            state = c == UInt8(ascii: "{") ? .key : .value
          }
        case UInt8(ascii: "\""):
          let end = try scanString(b, from: i, controls: &controls)
          emitString(b, i, end, isKey: false, &out)
          i = end
          state = .afterValue
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
          let end = try scanNumber(b, from: i)
          emit(b, i, end, color: colors?.number, &out)
          i = end
          state = .afterValue
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
          let literal: StaticString = c == UInt8(ascii: "t") ? "true" : c == UInt8(ascii: "f") ? "false" : "null"
          let len = literal.utf8CodeUnitCount
          guard i + len <= n, (0..<len).allSatisfy({ b[i + $0] == literal.utf8Start[$0] }) else {
            throw fail("unexpected character")
          }
          emit(b, i, i + len, color: colors?.literal, &out)
          i += len
          state = .afterValue
        default:
          throw fail("unexpected character")
        }
      case .key:
        guard i < n, b[i] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
        let end = try scanString(b, from: i, controls: &controls)
        emitString(b, i, end, isKey: true, &out)
        i = end
        skip()
        guard i < n, b[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        i += 1
        out.append(UInt8(ascii: ":"))
        if !compact { out.append(0x20) }
        skip()
        state = .value
      case .afterValue:
        skip()
        guard let isObject = stack.last else { return i }
        guard i < n else { throw fail("unexpected end") }
        let c = b[i]
        if c == UInt8(ascii: ",") {
          i += 1
          out.append(c)
          newline(&out, depth: stack.count)
          skip()
          state = isObject ? .key : .value
        } else if c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
          i += 1
          stack.removeLast()
          newline(&out, depth: stack.count)
          out.append(c)
        } else {
          throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
        }
      }
    }
  }

  private func emit(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, color: String?, _ out: inout [UInt8]) {
    if let color { out.append(contentsOf: color.utf8) }
    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[start..<end]))
    if color != nil, let reset = colors?.reset { out.append(contentsOf: reset.utf8) }
  }

  private func emitString(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, isKey: Bool, _ out: inout [UInt8]) {
    let color = isKey ? colors?.key : colors?.string
    if !isKey && redactPaths, end - start > 3, b[start + 1] == UInt8(ascii: "/") {
      // "/home/pi/.octoprint/uploads/x.gcode" → "/.../x.gcode"
      var lastSlash = end - 2
      while lastSlash > start + 1 && b[lastSlash] != UInt8(ascii: "/") { lastSlash -= 1 }
      if lastSlash > start + 1 {
        if let color { out.append(contentsOf: color.utf8) }
        out.append(contentsOf: #""/..."#.utf8)
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[lastSlash..<end]))
        if let reset = colors?.reset { out.append(contentsOf: reset.utf8) }
        return
      }
    }
    emit(b, start, end, color: color, &out)
  }

  /// The index after the closing quote of the string that starts at `start`.
  private func scanString(_ b: UnsafeRawBufferPointer, from start: Int, controls: inout Bool) throws -> Int {
    var i = start + 1
    let n = b.count
    while i < n {
      let c = b[i]
      if c == UInt8(ascii: "\"") { return i + 1 }
      if c < 0x20 { throw JSONFormatError.invalid(message: "control character in string", offset: i) }
      if c >= 0x7F, c == 0x7F || c == 0xC2 { controls = true }
      if c == UInt8(ascii: "\\") {
        guard i + 1 < n else { break }
        switch b[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          i += 2
        case UInt8(ascii: "u"):
          guard i + 6 <= n, (2..<6).allSatisfy({ isHex(b[i + $0]) }) else {
            throw JSONFormatError.invalid(message: "invalid \\u escape", offset: i)
          }
          i += 6
        default:
          throw JSONFormatError.invalid(message: "invalid escape in string", offset: i)
        }
        continue
      }
      i += 1
    }
    throw JSONFormatError.invalid(message: "unterminated string", offset: start)
  }

  private func isHex(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66)
  }

  private func scanNumber(_ b: UnsafeRawBufferPointer, from start: Int) throws -> Int {
    var i = start
    let n = b.count
    func digit(_ k: Int) -> Bool { k < n && b[k] >= 0x30 && b[k] <= 0x39 }
    if b[i] == UInt8(ascii: "-") { i += 1 }
    guard digit(i) else { throw JSONFormatError.invalid(message: "invalid number", offset: start) }
    if b[i] == UInt8(ascii: "0") { i += 1 } else { while digit(i) { i += 1 } }
    if i < n, b[i] == UInt8(ascii: ".") {
      i += 1
      guard digit(i) else { throw JSONFormatError.invalid(message: "invalid number", offset: start) }
      while digit(i) { i += 1 }
    }
    if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
      guard digit(i) else { throw JSONFormatError.invalid(message: "invalid number", offset: start) }
      while digit(i) { i += 1 }
    }
    return i
  }
}
