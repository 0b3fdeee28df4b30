/// Where a simulation listens for commands, and what a message there asks for: the OctoPrint-HomeAssistant
/// plugin's `<base>/hassControl/<command>` topics (`--homeassistant`), or the same commands under a topic of
/// the user's (`--control TOPIC`: `TOPIC/cancel`). With several printers, each printer's commands carry its
/// name: `<base>/printer-3/hassControl/cancel`, `TOPIC/printer-3/cancel`.
public struct JobControlTopics: Sendable {
  /// The simulation's base topic (`octoPrint`).
  public var base: String
  /// How many printers run.
  public var printers: Int
  /// Listen where the Home Assistant companion listens.
  public var homeAssistant: Bool
  /// `--control TOPIC`, without a trailing slash.
  public var prefix: String?

  /// Commands for `printers` printers under `base`, on the companion's topics and/or under `prefix`.
  public init(base: String, printers: Int, homeAssistant: Bool, prefix: String?) {
    self.base = base
    self.printers = printers
    self.homeAssistant = homeAssistant
    self.prefix = prefix.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
  }

  /// Whether anything is listened to.
  public var isActive: Bool { homeAssistant || prefix != nil }

  /// The filters to subscribe to.
  public var subscriptions: [String] {
    let each = printers > 1 ? "+/" : ""
    var filters: [String] = []
    if homeAssistant { filters.append("\(base)/\(each)hassControl/#") }
    if let prefix { filters.append("\(prefix)/\(each)#") }
    return filters
  }

  /// What a message asks of which printer (0-based), as the companion reads it; nil when it is not a command
  /// here or one the plugin would ignore.
  public func command(topic: String, payload: [UInt8]) -> (printer: Int, command: HomeAssistantCommand, name: String)? {
    for (root, hass) in [(homeAssistant ? base : nil, true), (prefix, false)] {
      guard let root, topic.hasPrefix(root + "/") else { continue }
      var rest = Substring(topic.dropFirst(root.count + 1))
      var printer = 0
      var printerBase = base
      if printers > 1 {
        guard rest.hasPrefix("printer-"), let slash = rest.firstIndex(of: "/"),
          let n = Int(rest[rest.index(rest.startIndex, offsetBy: 8)..<slash]), (1...printers).contains(n)
        else { continue }
        printer = n - 1
        printerBase = "\(base)/printer-\(n)"
        rest = rest[rest.index(after: slash)...]
      }
      if hass {
        guard rest.hasPrefix("hassControl/") else { continue }
        rest = rest.dropFirst("hassControl/".count)
      }
      let name = String(rest)
      guard !name.isEmpty, !name.contains("/"),
        let command = HomeAssistantCommand(
          topic: "\(printerBase)/hassControl/\(name)", payload: payload, baseTopic: printerBase)
      else { continue }
      return (printer, command, name)
    }
    return nil
  }
}

extension HomeAssistantCommand {
  /// What the command does to a simulated job; nil for commands the simulation does not act on (jogging,
  /// G-code, the system commands).
  public var jobCommand: JobCommand? {
    switch self {
    case .cancel: .cancel
    case .pause: .pause
    case .resume: .resume
    default: nil
    }
  }
}
