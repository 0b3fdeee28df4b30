import MQTTCapture

/// What the plugin reads from OctoPrint when it publishes state: whether OctoPrint holds a printer connection
/// (`printer.get_current_connection()` is not `Closed`) and `printer.get_current_data()` (see ``PrinterData``).
struct PrinterStatus {
  /// False only once OctoPrint has no connection object: before the first connect and after a disconnect or error.
  var connected: Bool
  /// `printer.get_current_data()`: an object with `state`, `job`, `currentZ`, `progress`, `offsets`, `resends`.
  var data: Payload
}

extension HomeAssistantCompanion {
  /// The OctoPrint events after which the plugin publishes `hass/Connected` (its `comm` list).
  static let connectionEvents: Set<String> = [
    "Connecting", "Connected", "Disconnecting", "Disconnected", "Error", "PrinterStateChanged",
  ]
  /// The OctoPrint events after which the plugin publishes `hass/printing` (its `comm`, `files` and `status` lists).
  static let statusEvents: Set<String> = connectionEvents.union([
    "FileSelected", "FileDeselected", "CaptureDone", "PrintStarted", "PrintFailed", "PrintDone", "PrintCancelled",
    "PrintPaused", "PrintResumed", "ZChange",
  ])
  /// Seconds between the `hass/printing` updates of the timer that PrintStarted starts.
  public static let statusInterval = 60.0
  /// Seconds between the `temperature/soc` reports; the first comes one interval after startup.
  public static let socInterval = 30.0

  /// What the plugin's `on_event` publishes for the OctoPrint event `name`, in its order: `hass/Connected`
  /// (connection events), `hass/printing` (connection, file and print events, `ZChange`, `CaptureDone`),
  /// `hass/is_printing` (`True` on PrintStarted; `False` on PrintDone, PrintFailed and PrintCancelled — so twice
  /// after a cancel), `hass/is_paused` (`True` on PrintPaused; `False` on PrintResumed and PrintStarted), and after
  /// `CaptureDone` the captured JPEG on `<base>/camera`.
  func messages(forEvent name: String, printer: PrinterStatus, image: [UInt8] = placeholderJPEG, at time: Timestamp)
    -> [CapturedMessage]
  {
    var out: [CapturedMessage] = []
    if Self.connectionEvents.contains(name) { out.append(connectionMessage(printer, at: time)) }
    if Self.statusEvents.contains(name) { out.append(printerStatusMessage(printer, at: time)) }
    switch name {
    case "PrintStarted": out.append(message(stateTopic("is_printing"), text: "True", at: time))
    case "PrintDone", "PrintFailed", "PrintCancelled":
      out.append(message(stateTopic("is_printing"), text: "False", at: time))
    default: break
    }
    switch name {
    case "PrintPaused": out.append(message(stateTopic("is_paused"), text: "True", at: time))
    case "PrintResumed", "PrintStarted": out.append(message(stateTopic("is_paused"), text: "False", at: time))
    default: break
    }
    if name == "CaptureDone" { out.append(message(cameraTopic, image, at: time)) }
    return out
  }

  /// What the plugin publishes when OctoPrint reports print progress (each whole percent, `on_print_progress`)
  /// and at each tick of its 60 s timer while a job runs: `hass/printing`.
  ///
  /// The timer is a thread that PrintStarted starts and the job's end cancels; a Python thread starts only once,
  /// so on a real server only the first job after startup gets these ticks (the plugin swallows the error).
  func messages(forProgress printer: PrinterStatus, at time: Timestamp) -> [CapturedMessage] {
    [printerStatusMessage(printer, at: time)]
  }

  /// When a `RepeatedTimer` started at `start` fires before `end`: every `interval` seconds, the first one
  /// interval after the start (the plugin's timers do not run first). For the 60 s status timer pass PrintStarted
  /// and the job's end, for the first job after startup only; for the 30 s SoC timer, startup and the run's end.
  public static func timerTicks(every interval: Double, from start: Timestamp, until end: Timestamp) -> [Timestamp] {
    let step = Int64((interval * 1_000_000).rounded())
    guard step > 0 else { return [] }
    var ticks: [Timestamp] = []
    var next = start.microseconds + step
    while next < end.microseconds {
      ticks.append(Timestamp(microseconds: next))
      next += step
    }
    return ticks
  }

  /// The 30 s `temperature/soc` report: `{"temperature": <°C or null>, "_timestamp": …}` (psutil's `coretemp` or
  /// `cpu-thermal`; null where neither exists).
  public func messages(forSoCTemperature celsius: Double?, at time: Timestamp) -> [CapturedMessage] {
    let payload = Payload.object([("temperature", celsius.map { .float($0) } ?? .null), ("_timestamp", stamp(time))])
    return [message(topic("temperature/soc"), text: payload.text, at: time)]
  }

  /// `hass/Connected`: `Connected` unless OctoPrint has no printer connection.
  func connectionMessage(_ printer: PrinterStatus, at time: Timestamp) -> CapturedMessage {
    message(stateTopic("Connected"), text: printer.connected ? "Connected" : "Disconnected", at: time)
  }

  /// `hass/printing`: OctoPrint's current data, with `progress.printTimeLeftFormatted`,
  /// `progress.printTimeFormatted` and `job.estimatedPrintTimeFormatted` (Python's `str(timedelta)` without
  /// fractions, or null) appended to their objects, then `_timestamp`.
  func printerStatusMessage(_ printer: PrinterStatus, at time: Timestamp) -> CapturedMessage {
    guard case .object(var members) = printer.data else {
      return message(stateTopic("printing"), text: Payload.object([("_timestamp", stamp(time))]).text, at: time)
    }
    for (index, (key, value)) in members.enumerated() {
      guard case .object(var inner) = value else { continue }
      if key == "progress" {
        let left = inner.first { $0.0 == "printTimeLeft" }?.1
        let elapsed = inner.first { $0.0 == "printTime" }?.1
        inner.append(
          ("printTimeLeftFormatted", Self.formatted(left.flatMap(Self.seconds).map { $0.rounded(.towardZero) })))
        inner.append(("printTimeFormatted", Self.formatted(elapsed.flatMap(Self.seconds))))
      } else if key == "job" {
        let estimate = inner.first { $0.0 == "estimatedPrintTime" }?.1
        inner.append(("estimatedPrintTimeFormatted", Self.formatted(estimate.flatMap(Self.seconds))))
      } else {
        continue
      }
      members[index].1 = .object(inner)
    }
    members.append(("_timestamp", stamp(time)))
    return message(stateTopic("printing"), text: Payload.object(members).text, at: time)
  }

  /// The integer Unix seconds `mqtt_publish_with_timestamp` adds.
  func stamp(_ time: Timestamp) -> Payload { .int(Int(time.microseconds / 1_000_000)) }

  static func seconds(_ value: Payload) -> Double? {
    switch value {
    case .int(let i): Double(i)
    case .float(let d): d
    default: nil
    }
  }

  /// Python's `str(datetime.timedelta(seconds=s)).split(".")[0]`: `H:MM:SS`, after `N day(s), ` when a day or
  /// more; null when there is no value.
  static func formatted(_ seconds: Double?) -> Payload {
    guard let seconds, seconds.isFinite else { return .null }
    // timedelta keeps microseconds (rounded); the split drops them, leaving whole seconds rounded down.
    let whole = Int(((seconds * 1_000_000).rounded() / 1_000_000).rounded(.down))
    let days = whole >= 0 ? whole / 86_400 : -((-whole + 86_399) / 86_400)
    let rest = whole - days * 86_400
    let clock = "\(rest / 3600):" + twoDigits(rest / 60 % 60) + ":" + twoDigits(rest % 60)
    return .string(days == 0 ? clock : "\(days) day\(abs(days) == 1 ? "" : "s"), " + clock)
  }

  private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

/// A 1×1 grey baseline JPEG standing in for a timelapse frame on `<base>/camera`.
let placeholderJPEG: [UInt8] =
  [
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00,
  ]
  + [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 0x01, count: 64)
  + [0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00]
  + [0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01] + [UInt8](repeating: 0, count: 15) + [0x00]
  + [0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01] + [UInt8](repeating: 0, count: 15) + [0x00]
  + [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x3F, 0xFF, 0xD9]
