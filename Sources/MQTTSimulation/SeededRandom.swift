import Glibc

/// SplitMix64: small, fast and the same on every machine, so `--seed N` gives the same job byte for byte.
struct SeededRandom: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1).
  mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

  mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

  /// A normally distributed value (Box–Muller).
  mutating func gaussian(sigma: Double) -> Double {
    let u1 = max(unit(), 1e-12)
    let u2 = unit()
    return sigma * (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
  }
}

@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
