import Glibc
import MQTTCapture

/// `SplitMix64` from a seed, with the draws a simulation needs, so `--seed N` gives the same job byte for byte.
struct SeededRandom: RandomNumberGenerator {
  private var bits: SplitMix64

  init(seed: UInt64) { bits = SplitMix64(state: seed &+ 0x9E37_79B9_7F4A_7C15) }

  mutating func next() -> UInt64 { bits.next() }

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
