/// Finds a topic's position among the topics seen so far, for every message: an open-addressing table on a
/// fast hash of the topic's UTF-8, because `Dictionary<String, Int>`'s seeded hashing of every topic was a
/// noticeable part of `stats`' time. Grows with the number of topics only.
struct TopicIndex: Sendable {
  /// Position + 1 in the caller's topic list; 0 for a free slot.
  private var slots: [Int32] = []
  /// The full hash of the topic in each slot, so that most misses need no string comparison.
  private var hashes: [UInt64] = []
  private var used = 0

  /// The position of `topic`, given the topics in the caller's order (`topics[position]` is a topic).
  func find(_ topic: String, hash: UInt64, topics: (Int) -> String) -> Int? {
    guard !slots.isEmpty else { return nil }
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry == 0 { return nil }
      if hashes[slot] == hash, topics(Int(entry) - 1) == topic { return Int(entry) - 1 }
      slot = (slot + 1) & mask
    }
  }

  /// Records that the topic with `hash` is at `position` (it must not be there yet).
  mutating func insert(hash: UInt64, position: Int) {
    if used * 2 >= slots.count { grow() }
    place(hash: hash, entry: Int32(position + 1))
    used += 1
  }

  private mutating func place(hash: UInt64, entry: Int32) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = entry
    hashes[slot] = hash
  }

  private mutating func grow() {
    let old = zip(slots, hashes).filter { $0.0 != 0 }
    let capacity = max(16, slots.count * 2)
    slots = [Int32](repeating: 0, count: capacity)
    hashes = [UInt64](repeating: 0, count: capacity)
    for (entry, hash) in old { place(hash: hash, entry: entry) }
  }

  /// A hash of `topic`'s UTF-8, eight bytes at a time (not seeded: a hostile capture can only make its own
  /// reading slower).
  static func hash(_ topic: String) -> UInt64 {
    var text = topic
    return text.withUTF8 { bytes -> UInt64 in
      var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
      let raw = UnsafeRawBufferPointer(bytes)
      var i = 0
      while i + 8 <= raw.count {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        i += 8
      }
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while i < raw.count {
        tail |= UInt64(raw[i]) << shift
        shift += 8
        i += 1
      }
      h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
      return h ^ (h >> 29)
    }
  }
}
