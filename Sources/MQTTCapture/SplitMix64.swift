/// SplitMix64: a small, fast generator that gives the same numbers on every machine for a given state, for
/// whatever must repeat exactly (a simulation's `--seed`, the tests' shuffled and damaged inputs).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  @usableFromInline var state: UInt64

  /// A generator whose first number comes from `state` advanced once.
  @inlinable public init(state: UInt64) { self.state = state }

  /// The next 64 random bits.
  @inlinable public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
