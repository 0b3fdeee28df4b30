/// Formats JSON given line by line as `jq` reads it: any number of values per line (JSON Lines, or
/// `{"a":1} {"b":2}`), and values spread over several lines (pretty-printed JSON), each value written
/// with `JSONFormatter` and followed by a newline.
///
/// A value spread over lines is kept until its brackets close, then formatted once: the cost stays
/// linear in the input. Lines that hold whole values (JSON Lines) are formatted without a copy.
public struct JSONSequenceFormatter {
  /// Text that is not JSON: the line it is on (from 1, counting the lines given) and the error, with its
  /// offset from the start of that line.
  public struct Failure: Error, Equatable, Sendable {
    /// The line the error is on, from 1.
    public var line: Int
    /// What is wrong, with the byte offset in that line.
    public var error: JSONFormatError
    /// A failure on `line` (from 1).
    public init(line: Int, error: JSONFormatError) {
      self.line = line
      self.error = error
    }
  }

  /// How each value is laid out.
  public let formatter: JSONFormatter
  /// Lines of a value not complete yet, newline-terminated.
  private var pending: [UInt8] = []
  /// The number of the first line in `pending`.
  private var pendingLine = 1
  /// Lines given so far.
  private var lines = 0
  /// Open brackets in `pending`, outside strings.
  private var depth = 0

  /// A formatter of values laid out by `formatter`.
  public init(formatter: JSONFormatter) { self.formatter = formatter }

  /// Adds the next line (without its newline), appending to `out` the values it completes.
  /// - Throws: `Failure` when the text is not JSON; the values before it are in `out`.
  public mutating func append(line: UnsafeRawBufferPointer, to out: inout [UInt8]) throws {
    lines += 1
    var line = line
    if pending.isEmpty {
      // The common case, JSON Lines: the values a line holds are formatted where they are, and only a value
      // that goes on past the line is kept.
      let consumed: Int
      do {
        consumed = try formatter.formatValues(line, into: &out, final: false)
      } catch let error as JSONFormatError {
        throw Failure(line: lines, error: error)
      }
      guard consumed < line.count else { return }
      line = UnsafeRawBufferPointer(rebasing: line[consumed...])
      pendingLine = lines
    }
    pending.append(contentsOf: line)
    pending.append(0x0A)
    depth += Self.bracketBalance(line)
    // Strings cannot span lines, so a line where the brackets balance ends every value it started.
    if depth <= 0 { try formatPending(to: &out) }
  }

  /// Formats what is left at the end of the input.
  /// - Throws: `Failure` when the input ends inside a value.
  public mutating func finish(to out: inout [UInt8]) throws {
    try formatPending(to: &out)
  }

  private mutating func formatPending(to out: inout [UInt8]) throws {
    defer {
      pending.removeAll(keepingCapacity: pending.count < 1 << 20)
      depth = 0
    }
    do {
      _ = try pending.withUnsafeBytes { try formatter.formatValues($0, into: &out, final: true) }
    } catch JSONFormatError.invalid(let message, let offset) {
      throw failure(at: offset) { .invalid(message: message, offset: $0) }
    } catch let error as JSONFormatError {
      throw Failure(line: pendingLine, error: error)
    }
  }

  /// The error at `offset` in `pending`, told as a line and an offset in it (the end of the input is the
  /// end of the last line).
  private func failure(at offset: Int, _ make: (Int) -> JSONFormatError) -> Failure {
    let offset = min(offset, max(pending.count - 1, 0))
    var line = pendingLine
    var lineStart = 0
    for k in 0..<offset where pending[k] == 0x0A {
      line += 1
      lineStart = k + 1
    }
    return Failure(line: line, error: make(offset - lineStart))
  }

  /// `{` and `[` minus `}` and `]` outside strings in `line`.
  static func bracketBalance(_ line: UnsafeRawBufferPointer) -> Int {
    var balance = 0
    var inString = false
    var i = 0
    while i < line.count {
      let c = line[i]
      if inString {
        if c == UInt8(ascii: "\\") {
          i += 1
        } else if c == UInt8(ascii: "\"") {
          inString = false
        }
      } else if c == UInt8(ascii: "\"") {
        inString = true
      } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
        balance += 1
      } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
        balance -= 1
      }
      i += 1
    }
    return balance
  }
}
