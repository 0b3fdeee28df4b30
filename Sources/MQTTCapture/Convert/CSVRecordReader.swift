/// Reads RFC 4180 CSV (as Python's `csv` module and spreadsheets write it) record by record: fields as bytes,
/// quoted fields may hold commas, quotes (doubled) and line breaks.
final class CSVRecordReader {
  private let lines: LineReader
  /// The line the last record started on.
  private(set) var lineNumber = 0

  /// The file's name as given.
  var path: String { lines.path }
  /// Set when compressed input was cut off.
  var truncation: String? { lines.truncation }

  init(path: String) throws {
    lines = try LineReader(path: path)
  }

  /// The next record's fields, or nil at the end; empty lines are skipped.
  /// - Throws: `CaptureError.foreignInput` for a quoted field that never ends.
  func next() throws -> [[UInt8]]? {
    var fields: [[UInt8]] = []
    var field: [UInt8] = []
    var inQuotes = false
    var started = false
    while let raw = try lines.next() {
      if !started {
        if raw.isEmpty || raw == [0x0D] { continue }
        started = true
        lineNumber = lines.lineNumber
      } else {
        // A line break inside quotes belongs to the field (CRLF as it was written).
        field.append(0x0A)
      }
      let line = Array(raw)
      var i = 0
      while i < line.count {
        let c = line[i]
        if inQuotes {
          if c == UInt8(ascii: "\"") {
            if i + 1 < line.count, line[i + 1] == UInt8(ascii: "\"") {
              field.append(c)
              i += 1
            } else {
              inQuotes = false
            }
          } else {
            field.append(c)
          }
        } else if c == UInt8(ascii: "\"") && field.isEmpty {
          inQuotes = true
        } else if c == UInt8(ascii: ",") {
          fields.append(field)
          field = []
        } else if c == 0x0D && i == line.count - 1 {
          // The CR of a CRLF line end.
        } else {
          field.append(c)
        }
        i += 1
      }
      // Inside quotes the line's CR (of a CRLF) was kept: it is the field's.
      if inQuotes { continue }
      fields.append(field)
      return fields
    }
    if started {
      throw CaptureError.foreignInput(
        path: lines.path, line: lineNumber, reason: "starts a quoted field that never ends")
    }
    return nil
  }
}
