/// A JSON value written the way OctoPrint's plugin writes it (Python's `json.dumps`: `", "` and `": "`
/// separators, keys in the given order, floats in their shortest round-trip form such as `210.0`).
enum Payload {
  case string(String)
  case int(Int)
  case float(Double)
  case null
  case bool(Bool)
  case object([(String, Payload)])
  case array([Payload])

  var text: String {
    var out = ""
    write(to: &out)
    return out
  }

  func write(to out: inout String) {
    switch self {
    case .string(let s):
      out += "\""
      for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
          if scalar.value < 0x20 || scalar.value > 0x7E {
            // Python escapes non-ASCII by default (ensure_ascii).
            let units = String(scalar).utf16.map { String($0, radix: 16) }
            for u in units { out += "\\u" + String(repeating: "0", count: 4 - u.count) + u }
          } else {
            out.unicodeScalars.append(scalar)
          }
        }
      }
      out += "\""
    case .int(let i): out += String(i)
    case .float(let d): out += d.description
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .object(let members):
      out += "{"
      for (i, (k, v)) in members.enumerated() {
        if i > 0 { out += ", " }
        Payload.string(k).write(to: &out)
        out += ": "
        v.write(to: &out)
      }
      out += "}"
    case .array(let elements):
      out += "["
      for (i, v) in elements.enumerated() {
        if i > 0 { out += ", " }
        v.write(to: &out)
      }
      out += "]"
    }
  }
}

/// Rounds to two decimals, as OctoPrint reports temperatures.
func twoDecimals(_ x: Double) -> Double { (x * 100).rounded() / 100 }
