import Foundation
import MQTTCapture
import Testing

/// Bad input gets one clear sentence and a non-zero exit; never a crash, never a lost file.
@Suite("errors are one sentence and a non-zero exit", .serialized)
struct ErrorEndToEndTests {
  private func expectOneSentence(_ result: Finished, contains text: String, status: Int32 = 2) {
    #expect(result.status == status, "exit status; stderr: \(result.stderr)")
    #expect(result.stderr.contains(text), "stderr: \(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
    #expect(!result.stderr.contains("Stack dump"))
  }

  @Test("an unreachable broker: refused, named, and no file is left behind")
  func unreachable() throws {
    let dir = try temporaryDirectory()
    let port = try freeLoopbackPort()
    let out = dir.appendingPathComponent("never.jsonl.gz").path
    let result = try mqttDumper(["capture", "-h", "127.0.0.1", "-p", "\(port)", "-o", out])
    expectOneSentence(
      result, contains: "cannot connect to 127.0.0.1:\(port): connection refused; is a broker running there?")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("an unknown host is named")
  func unknownHost() throws {
    let result = try mqttDumper(["capture", "-h", "no-such-host.invalid", "-o", "-"])
    expectOneSentence(result, contains: "the host name 'no-such-host.invalid' cannot be resolved")
  }

  @Test("bad credentials are refused by the broker, in one sentence")
  func badCredentials() throws {
    let dir = try temporaryDirectory()
    let passwords = dir.appendingPathComponent("passwd").path
    let made = try Running(try which("mosquitto_passwd"), ["-b", "-c", passwords, "maker", "s3cret"]).wait()
    #expect(made.status == 0, "\(made.stderr)")
    let broker = try TestBroker(extraConfig: "allow_anonymous false\npassword_file \(passwords)\n")
    let wrong = try Running(
      try toolPath(), ["capture", "-p", "\(broker.port)", "-u", "maker", "-o", "-"],
      environment: ["MQTT_PASSWORD": "wrong"]
    ).wait()
    expectOneSentence(wrong, contains: "the broker at localhost:\(broker.port) refused the connection")
    let passwordFile = dir.appendingPathComponent("pw").path
    try "s3cret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
    let right = try mqttDumper([
      "capture", "-p", "\(broker.port)", "-u", "maker", "--password-file", passwordFile, "-W", "0.5", "-o", "-",
      "--quiet",
    ])
    #expect(right.status == 0, "\(right.stderr)")
    #expect(right.stdoutText.contains(#""event":"connected""#))
  }

  @Test("an existing file is not overwritten; --force replaces it")
  func refusesOverwrite() throws {
    let dir = try temporaryDirectory()
    let out = dir.appendingPathComponent("precious.jsonl.gz").path
    try "precious".write(toFile: out, atomically: true, encoding: .utf8)
    let result = try mqttDumper(["capture", "-p", "1", "-o", out])
    expectOneSentence(result, contains: "\(out) already exists; choose another file name, or pass --force")
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "precious")
  }

  @Test("a full disk stops the capture with the cause")
  func diskFull() throws {
    let broker = try TestBroker()
    let result = try mqttDumper(["capture", "-p", "\(broker.port)", "-o", "/dev/full", "--force", "--quiet"])
    expectOneSentence(result, contains: "cannot write to /dev/full: No space left on device")
    // What was there before is never removed, even when replacing it failed.
    var info = stat()
    #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/full is still the device")
  }

  @Test(
    "wrong flags are named with what to write instead",
    arguments: [
      (["capture", "-q", "3"], "-q/--qos must be 0, 1 or 2"),
      (["capture", "--rotate-size", "lots"], "--rotate-size 'lots' is not a size"),
      (["capture", "--rotate-interval", "1ms", "-o", "x.jsonl.gz"], "--rotate-interval 1ms would start a file"),
      (["capture", "-W", "soon"], "-W/--duration 'soon' is not a duration"),
      (["capture", "--force", "--append"], "--force and --append contradict each other"),
      (["capture", "-V", "mqttv4"], "-V/--protocol must be mqttv5 or mqttv311"),
      (["capture", "-t", "a/#/b", "-o", "-"], "'a/#/b' is not a valid topic filter"),
      (["capture", "--frobnicate"], "mqtt-dumper: error: unknown option '--frobnicate'."),
      (["capture", "-L", "http://x"], "http://x is not a broker URL"),
    ])
  func badFlags(arguments: [String], message: String) throws {
    let result = try mqttDumper(arguments)
    #expect(result.status == 2)
    #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
  }

  @Test("info names a file that is not a capture, or is corrupt, and exits non-zero")
  func infoOnBadFiles() throws {
    let dir = try temporaryDirectory()
    let text = dir.appendingPathComponent("notes.txt").path
    try "hello\n".write(toFile: text, atomically: true, encoding: .utf8)
    expectOneSentence(
      try mqttDumper(["info", text]), contains: "\(text) is not an mqtt-dumper capture (line 1 is not a capture header)"
    )

    let binary = dir.appendingPathComponent("photo.jpg").path
    try Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 97) }).write(to: URL(fileURLWithPath: binary))
    expectOneSentence(try mqttDumper(["info", binary]), contains: "it holds binary data")

    let missing = dir.appendingPathComponent("missing.jsonl.gz").path
    expectOneSentence(try mqttDumper(["info", missing]), contains: "cannot open \(missing): No such file or directory")

    // A capture with a bad line in the middle.
    let broken = dir.appendingPathComponent("broken.jsonl").path
    try """
    {"mqtt_dumper_capture":1,"created":"2025-11-25T11:07:36.000000Z","tool":"t","broker":"b","protocol":"mqttv5","subscriptions":[]}
    {"ts":1764068856.1,"topic":"a","qos":0,"retain":false,"payload":"ok"}
    {"ts":1764068856.2,"topic":"a","qos":0,"retain":false,"payload":"broken
    {"ts":1764068856.3,"topic":"a","qos":0,"retain":false,"payload":"never reached"}

    """.write(toFile: broken, atomically: true, encoding: .utf8)
    expectOneSentence(try mqttDumper(["info", broken]), contains: "\(broken) is corrupt at line 3: invalid JSON")

    // Standard input works too.
    let piped = try mqttDumper(["info", "-"], stdin: Data("{\"mqtt_dumper_capture\":1}\n".utf8))
    #expect(piped.status == 0)
    #expect(piped.stdoutText.contains("messages     0 on 0 topics"))
  }
}
