/// The times one file's records go backwards: how often, by how much at most, and whether at its start
/// (against the file before it). `stats` and `merge` both say so.
public struct StepsBack: Sendable, Equatable {
  /// How many times a time was earlier than the one before it.
  public private(set) var count = 0
  /// The largest step back, in microseconds.
  public private(set) var largest: Int64 = 0
  /// Whether the first time was already earlier than `previous` (the end of the file before it).
  public private(set) var atStart = false
  private var seen = false

  /// No steps yet.
  public init() {}

  /// Counts `micros`, which came after `previous`.
  public mutating func add(_ micros: Int64, after previous: Int64?) {
    defer { seen = true }
    guard let previous, micros < previous else { return }
    count += 1
    largest = max(largest, previous - micros)
    if !seen { atStart = true }
  }
}
