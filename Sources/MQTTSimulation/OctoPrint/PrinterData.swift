/// What OctoPrint's `printer.get_current_data()` returns, which the MQTT plugin adds to progress payloads as
/// `printer_data` when its `printerData` setting is on: `state`, `job`, `currentZ`, `progress`, `offsets`,
/// `resends`, keys in OctoPrint 1.11's order (its state monitor and `_getStateFlags`).
struct PrinterData {
  /// The state OctoPrint is in, as `state.text` and its flags.
  enum State {
    case offline, operational, printing, paused

    var text: String {
      switch self {
      case .offline: "Offline"
      case .operational: "Operational"
      case .printing: "Printing"
      case .paused: "Paused"
      }
    }
  }

  var state: State
  var fileName: String
  var fileSize: Int
  /// The file's modification time (Unix seconds), as `job.file.date`.
  var fileDate: Int
  var user: String
  /// The slicer's estimate, `job.estimatedPrintTime`, in seconds.
  var estimatedPrintTime: Double
  /// How much of the file is printed (0…1); nil once no job runs.
  var printed: Double?
  /// Seconds since PrintStarted.
  var printTime: Double?
  var currentZ: Double?
  /// Whether a file is selected; without one every job field is null, as OctoPrint resets them.
  var fileSelected = true

  var payload: Payload {
    let flags: [(String, Payload)] = [
      ("operational", .bool(state != .offline)), ("printing", .bool(state == .printing)),
      ("cancelling", .bool(false)), ("pausing", .bool(false)), ("resuming", .bool(false)), ("finishing", .bool(false)),
      ("closedOrError", .bool(state == .offline)), ("error", .bool(false)), ("paused", .bool(state == .paused)),
      ("ready", .bool(state == .operational)), ("sdReady", .bool(false)),
    ]
    // 1.75 mm filament: 2.405 mm² cross-section; a G-code file holds roughly a millimetre of filament per
    // kilobyte.
    let length = twoDecimals(Double(fileSize) / 1000)
    let job: [(String, Payload)] = [
      (
        "file",
        .object([
          ("name", .string(fileName)), ("path", .string(fileName)), ("display", .string(fileName)),
          ("origin", .string("local")), ("size", .int(fileSize)), ("date", .int(fileDate)),
        ])
      ),
      ("estimatedPrintTime", .float(estimatedPrintTime)), ("averagePrintTime", .null), ("lastPrintTime", .null),
      (
        "filament",
        .object([
          ("tool0", .object([("length", .float(length)), ("volume", .float(twoDecimals(length * 2.405 / 1000)))]))
        ])
      ),
      ("user", .string(user)),
    ]
    let noJob: [(String, Payload)] = [
      (
        "file",
        .object(["name", "path", "display", "origin", "size", "date"].map { ($0, Payload.null) })
      ),
      ("estimatedPrintTime", .null), ("averagePrintTime", .null), ("lastPrintTime", .null), ("filament", .null),
      ("user", .null),
    ]
    var progress: [(String, Payload)] = [
      ("completion", .null), ("filepos", .null), ("printTime", .null), ("printTimeLeft", .null),
      ("printTimeLeftOrigin", .null),
    ]
    if let printed, let printTime {
      let left = max(0, Int(estimatedPrintTime - printTime))
      progress = [
        ("completion", .float(printed * 100)), ("filepos", .int(Int(Double(fileSize) * printed))),
        ("printTime", .int(Int(printTime))), ("printTimeLeft", .int(left)),
        ("printTimeLeftOrigin", .string("estimate")),
      ]
    }
    return .object([
      ("state", .object([("text", .string(state.text)), ("flags", .object(flags)), ("error", .string(""))])),
      ("job", .object(fileSelected ? job : noJob)),
      ("currentZ", currentZ.map { .float($0) } ?? .null),
      ("progress", .object(progress)),
      ("offsets", .object([])),
      (
        "resends",
        .object([
          ("count", .int(0)), ("transmitted", .int(Int(Double(fileSize) * (printed ?? 0) / 30))), ("ratio", .int(0)),
        ])
      ),
    ])
  }
}
