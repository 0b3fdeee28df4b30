import MQTTCapture

/// A command the Home Assistant companion plugin accepts on `<base>/hassControl/<name>`, with exactly the payloads
/// its handlers act on; anything else it logs as unknown and ignores.
public enum HomeAssistantCommand: Equatable, Sendable {
  /// `connect` = `True`: `printer.connect()` (run twice on a real server: the plugin subscribes the topic twice).
  case connect
  /// `connect` = `False`: `printer.disconnect()` (also run twice).
  case disconnect
  /// `stop` = `PRESS`: sends `M112`.
  case emergencyStop
  /// `cancel` = `PRESS`: `printer.cancel_print()`.
  case cancel
  /// `pause` = `True`: `printer.pause_print()`.
  case pause
  /// `pause` = `False`: `printer.resume_print()`.
  case resume
  /// `shutdown` = `PRESS`: runs OctoPrint's system shutdown command.
  case shutdownSystem
  /// `reboot` = `PRESS`: runs OctoPrint's system restart command.
  case rebootSystem
  /// `restart` = `PRESS`: runs OctoPrint's server restart command.
  case restartServer
  /// `psu` = `True` (with PSUControl): turns the power supply on.
  case psuOn
  /// `psu` = `False` (with PSUControl): turns the power supply off.
  case psuOff
  /// `camera_snapshot` = `PRESS` (with a snapshot URL): publishes a snapshot on `<base>/camera`. Home Assistant's
  /// switch for it sends `True`/`False`, which the plugin ignores.
  case cameraSnapshot
  /// `jog` = a JSON object with numbers for some of `x`, `y`, `z` (others ignored) and an optional `speed`.
  case jog(x: Double?, y: Double?, z: Double?, speed: Double?)
  /// `home` = JSON whose elements (array), keys (object) or characters (string) name axes; those among `x`, `y`,
  /// `z`, `e` are homed, here in that order.
  case home(axes: [String])
  /// `commands` = G-code: a JSON string or array of strings, or else the payload as it is (`G28`).
  case gcode([String])

  /// The command `payload` on `topic` means to the plugin under `baseTopic`, or nil when the plugin would ignore it
  /// (another topic, an unknown payload, JSON it cannot use). `psu` and `camera_snapshot` count only when the
  /// plugin has subscribed them.
  public init?(
    topic: String, payload: [UInt8], baseTopic: String = "octoPrint", psuControl: Bool = false,
    cameraSnapshot: Bool = false
  ) {
    let prefix = baseTopic + "/hassControl/"
    guard topic.hasPrefix(prefix) else { return nil }
    let text = String(decoding: payload, as: UTF8.self)
    let parsed: Self?
    switch topic.dropFirst(prefix.count) {
    case "connect": parsed = text == "True" ? .connect : text == "False" ? .disconnect : nil
    case "stop": parsed = text == "PRESS" ? .emergencyStop : nil
    case "cancel": parsed = text == "PRESS" ? .cancel : nil
    case "pause": parsed = text == "True" ? .pause : text == "False" ? .resume : nil
    case "shutdown": parsed = text == "PRESS" ? .shutdownSystem : nil
    case "reboot": parsed = text == "PRESS" ? .rebootSystem : nil
    case "restart": parsed = text == "PRESS" ? .restartServer : nil
    case "psu" where psuControl: parsed = text == "True" ? .psuOn : text == "False" ? .psuOff : nil
    case "camera_snapshot" where cameraSnapshot: parsed = text == "PRESS" ? .cameraSnapshot : nil
    case "jog": parsed = Self.jog(payload)
    case "home": parsed = Self.home(payload)
    case "commands": parsed = Self.gcode(payload, text: text)
    default: parsed = nil
    }
    guard let parsed else { return nil }
    self = parsed
  }

  private static func json(_ payload: [UInt8]) -> JSONValue? {
    payload.withUnsafeBytes { try? JSONParser.parse($0) }
  }

  private static func jog(_ payload: [UInt8]) -> Self? {
    guard case .object(let members)? = json(payload) else { return nil }
    var axes: [String: Double] = [:]
    var speed: Double?
    for member in members {
      let (key, value) = (member.key, member.value)
      guard ["x", "y", "z", "speed"].contains(key) else { continue }
      // OctoPrint's printer.jog wants numbers and at least one axis; the speed may be absent or null.
      if key == "speed", case .null = value { continue }
      guard let number = value.numberLiteral.flatMap(Double.init) else { return nil }
      if key == "speed" { speed = number } else { axes[key] = number }
    }
    guard !axes.isEmpty else { return nil }
    return .jog(x: axes["x"], y: axes["y"], z: axes["z"], speed: speed)
  }

  private static func home(_ payload: [UInt8]) -> Self? {
    let names: [String]
    switch json(payload) {
    case .array(let elements)?: names = elements.compactMap(\.stringValue)
    case .object(let members)?: names = members.map(\.key)
    case .string(let s)?: names = s.map(String.init)
    default: return nil  // set() of a number or null fails; so does invalid JSON
    }
    return .home(axes: ["x", "y", "z", "e"].filter(names.contains))
  }

  private static func gcode(_ payload: [UInt8], text: String) -> Self? {
    guard !payload.isEmpty else { return nil }
    switch json(payload) {
    case nil: return .gcode([text])
    case .string(let s)?: return .gcode([s])
    case .array(let elements)?:
      let lines = elements.compactMap(\.stringValue)
      return lines.count == elements.count ? .gcode(lines) : nil
    default: return nil
    }
  }
}
