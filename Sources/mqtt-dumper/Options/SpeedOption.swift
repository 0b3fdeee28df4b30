import ArgumentParser

/// `--speed`: the time factor of everything published on a schedule (`replay`, `simulate print-job`, the
/// stimulus of `verify`).
///
/// It does not validate itself: each command calls `check()` from its own validation, so that `verify`
/// can give its usage errors exit status 2.
struct SpeedOption: ParsableArguments {
  @Option(
    name: .long, help: "Time factor when publishing: 2 plays twice as fast, 0.5 half as fast, 60 an hour in a minute.")
  var speed = 1.0

  /// - Throws: `ValidationError` unless the speed is a positive number.
  func check() throws {
    guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a positive number, like 2 or 0.5.") }
  }
}
