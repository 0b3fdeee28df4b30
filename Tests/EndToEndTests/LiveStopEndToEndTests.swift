import Foundation
import Testing

/// `print --live -C/-W` stop as `capture -C/-W` do, against a real mosquitto.
@Suite("print --live stops after -C messages or -W time")
struct LiveStopEndToEndTests {
  @Test("-C counts the messages shown, after the filters")
  func count() throws {
    let broker = try TestBroker()
    let run = try startMQTTDumper([
      "print", "--live", "-p", "\(broker.port)", "-t", "live/#", "--compact", "--grep", "keep", "-C", "2",
    ])
    usleep(700_000)
    try mosquittoPub(broker, ["-t", "live/a", "-m", "keep 1"])
    try mosquittoPub(broker, ["-t", "live/b", "-m", "drop"])
    try mosquittoPub(broker, ["-t", "live/c", "-m", "keep 2"])
    try mosquittoPub(broker, ["-t", "live/d", "-m", "keep 3"])
    let result = run.wait(timeout: 10)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdoutText == "live/a keep 1\nlive/c keep 2\n")
    #expect(result.stderr == "")
  }

  @Test("-W stops after that long with status 0, having shown what came")
  func duration() throws {
    let broker = try TestBroker()
    let started = Date()
    let run = try startMQTTDumper(["print", "--live", "-p", "\(broker.port)", "--compact", "-W", "2"])
    usleep(700_000)
    try mosquittoPub(broker, ["-t", "w/a", "-m", "one"])
    let result = run.wait(timeout: 10)
    let elapsed = Date().timeIntervalSince(started)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdoutText == "w/a one\n")
    #expect(elapsed >= 1.9 && elapsed < 6, "stopped after \(elapsed) s")
  }

  @Test("-W 0, -C 0, and -C/-W without --live are usage errors (2), as in capture")
  func usage() throws {
    for (arguments, says) in [
      (["print", "--live", "-W", "0"], "-W/--duration '0' is not a duration longer than 0"),
      (["print", "--live", "-C", "0"], "-C/--count must be at least 1."),
      (["capture", "-W", "0", "-o", "/nonexistent/x.jsonl"], "-W/--duration '0' is not a duration longer than 0"),
      (["print", "x.jsonl.gz", "-C", "3"], "-C and -W go with --live"),
    ] {
      let result = try mqttDumper(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.contains(says), "\(arguments): \(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
  }
}
