/// How heaters warm up and cool down.
public enum HeaterModel: String, Sendable, CaseIterable {
  /// OctoPrint's Virtual Printer: 10 °C/s toward the target, snapping within 0.5 °C; 2 °C/s cooling.
  case virtual
  /// A real hot end and bed: a slowing approach with a little overshoot, sensor noise, Newton cooling.
  case real
}

/// One heater's temperature over time, for a schedule of target changes.
struct Heater {
  static let ambient = 21.3
  let model: HeaterModel
  /// Natural frequency of the heating response (rad/s) and cooling time constant (s).
  let omega: Double
  let coolingTau: Double
  let noise: Double
  private var segments: [(start: Double, from: Double, target: Double)] = []

  /// A heater at `from` °C (ambient unless given) with no target.
  init(model: HeaterModel, omega: Double, coolingTau: Double, noise: Double, from: Double? = nil) {
    self.model = model
    self.omega = omega
    self.coolingTau = coolingTau
    self.noise = noise
    segments = [(0, from ?? Heater.ambient, 0)]
  }

  var target: Double { segments.last!.target }

  func target(at t: Double) -> Double {
    segments.last { $0.start <= t }?.target ?? 0
  }

  /// Sets a new target at time `t`; the temperature carries on from where it is.
  mutating func setTarget(_ target: Double, at t: Double) {
    let now = temperature(at: t)
    segments.append((t, now, target))
  }

  /// Drops the target changes planned after `t` (a command changed the job's course).
  mutating func forget(after t: Double) {
    segments.removeAll { $0.start > t }
  }

  /// The true temperature at `t` (without sensor noise).
  func temperature(at t: Double) -> Double {
    guard let s = segments.last(where: { $0.start <= t }) else { return Heater.ambient }
    let dt = t - s.start
    switch model {
    case .virtual:
      if s.target == 0 {
        return s.from > Heater.ambient ? max(Heater.ambient, s.from - 2 * dt) : s.from
      }
      let distance = s.target - s.from
      let travelled = 10 * dt
      if abs(distance) - travelled <= 0.5 { return s.target }
      return s.from + (distance > 0 ? travelled : -travelled)
    case .real:
      if s.target == 0 {
        return Heater.ambient + (s.from - Heater.ambient) * _exp(-dt / coolingTau)
      }
      // Underdamped second-order step response: about 2 % overshoot, then settles.
      let zeta = 0.78
      let wd = omega * (1 - zeta * zeta).squareRoot()
      let decay = _exp(-zeta * omega * dt)
      return s.target + (s.from - s.target) * decay * (_cos(wd * dt) + zeta * omega / wd * _sin(wd * dt))
    }
  }

  /// When the heater is within `band` of its target for good (searching forward from `t`).
  func settled(after t: Double, band: Double = 0.5) -> Double {
    var time = t
    while time < t + 3600 {
      if abs(temperature(at: time) - target) <= band && abs(temperature(at: time + 5) - target) <= band {
        return time
      }
      time += 0.5
    }
    return time
  }
}
