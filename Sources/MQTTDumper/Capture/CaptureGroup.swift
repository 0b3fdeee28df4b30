import Glibc

/// Recorders that split a broker's traffic between them: each subscribes to `$share/<name>/<filter>`
/// (MQTT shared subscriptions, mosquitto ≥ 1.6, EMQX, HiveMQ, VerneMQ), and the broker hands each message
/// to one member of the group.
public struct CaptureGroup: Equatable, Sendable {
  /// The share name, the same for every recorder of the group.
  public var name: String
  /// This recorder's name within the group, for the capture's header.
  public var instance: String

  /// A group `name` (checked by `nameProblem`) as seen by the recorder `instance`.
  public init(name: String, instance: String) {
    self.name = name
    self.instance = instance
  }

  /// The filter to subscribe to for `filter`: `$share/<name>/<filter>`.
  public func sharedFilter(_ filter: String) -> String { "$share/\(name)/\(filter)" }

  /// Why `name` cannot be a share name, as a clause (`contains '/'`), or nil when it can.
  ///
  /// MQTT 5 (4.8.2) forbids `/`, `+` and `#` in a share name: the broker would read a different group
  /// and filter out of `$share/<name>/<filter>`.
  public static func nameProblem(_ name: String) -> String? {
    if name.isEmpty { return "is empty" }
    for character in ["/", "+", "#"] where name.contains(character) { return "contains '\(character)'" }
    if name.utf8.contains(0) { return "contains a NUL character" }
    return nil
  }

  /// The instance name used when none is given: the host name and the process id (`printer-box-4242`),
  /// which tells the recorders of one group apart in their headers.
  public static var defaultInstance: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost-\(getpid())" }
    let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return "\(host)-\(getpid())"
  }

  /// The first two filters a message can match both of, or nil when none overlap.
  ///
  /// A broker shares each filter on its own, so in a group a message that matches two filters goes to a
  /// member for each: the recorders cannot tell the copies apart (MQTT v5 subscription identifiers only do
  /// so within one recorder), and the union of their files holds it twice.
  public static func overlappingFilters(_ filters: [String]) -> (String, String)? {
    for (i, a) in filters.enumerated() {
      for b in filters[(i + 1)...] where a != b && overlap(a, b) { return (a, b) }
    }
    return nil
  }

  /// Whether some topic matches both filters.
  static func overlap(_ a: String, _ b: String) -> Bool {
    let x = a.split(separator: "/", omittingEmptySubsequences: false)
    let y = b.split(separator: "/", omittingEmptySubsequences: false)
    var i = 0
    while i < x.count && i < y.count {
      if x[i] == "#" || y[i] == "#" {
        // A wildcard in the first level does not match topics starting with '$'.
        return !(i == 0 && (x[i].hasPrefix("$") || y[i].hasPrefix("$")))
      }
      let wild = x[i] == "+" || y[i] == "+"
      if wild && i == 0 && (x[i].hasPrefix("$") || y[i].hasPrefix("$")) { return false }
      if !wild && x[i] != y[i] { return false }
      i += 1
    }
    // `a/#` also matches `a`.
    if x.count == y.count { return true }
    let longer = x.count > y.count ? x : y
    return longer.count == i + 1 && longer[i] == "#"
  }
}
