import Foundation
import MQTTCapture
import Testing

@Suite("simulate against a real broker", .serialized)
struct SimulateEndToEndTests {
  @Test("a job published to a broker is the job written to a file, message for message")
  func publishedEqualsWritten() throws {
    let broker = try TestBroker()
    let dir = try temporaryDirectory()
    let file = dir.appendingPathComponent("job.jsonl.gz").path
    let args = [
      "simulate", "print-job", "--duration", "1m", "--heaters", "virtual", "--seed", "5", "--start",
      "2025-11-25T11:00:00Z", "--quiet",
    ]
    let written = try mqttDumper(args + ["--output", file])
    #expect(written.status == 0, "\(written.stderr)")
    let expected = messages(try readAll(file).records)

    let capture = dir.appendingPathComponent("received.jsonl.gz").path
    let recorder = try startMQTTDumper([
      "capture", "-p", "\(broker.port)", "-t", "octoPrint/#", "-o", capture, "--quiet",
    ])
    try waitUntilRecording(capture)
    let published = try mqttDumper(args + ["-p", "\(broker.port)", "--speed", "200"], timeout: 60)
    #expect(published.status == 0, "\(published.stderr)")
    usleep(400_000)
    recorder.signal(SIGINT)
    #expect(recorder.wait().status == 0)
    let received = messages(try readAll(capture).records)
    #expect(received.count == expected.count)
    // Per topic, the same payloads, QoS and retain flags in the same order (topics may interleave
    // differently where QoS 1 and 0 messages are due at the same moment).
    for topic in Set(expected.map(\.topic)) {
      let e = expected.filter { $0.topic == topic }
      let r = received.filter { $0.topic == topic }
      #expect(r.map(\.payload) == e.map(\.payload), "\(topic)")
      #expect(r.map(\.qos) == e.map(\.qos), "\(topic)")
      #expect(r.map(\.retain) == e.map(\.retain), "\(topic)")
    }
  }

  @Test("the same seed and start write the same file byte for byte")
  func sameSeedSameBytes() throws {
    let dir = try temporaryDirectory()
    var contents: [Data] = []
    for name in ["a", "b"] {
      let path = dir.appendingPathComponent("\(name).jsonl.gz").path
      let r = try mqttDumper([
        "simulate", "print-job", "--seed", "9", "--start", "@1764068856", "--outcome", "paused-resumed", "--output",
        path, "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      contents.append(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    #expect(contents[0] == contents[1])
    // Another seed tells another story: the messages differ, not only the header that names the seed.
    let otherPath = dir.appendingPathComponent("c.jsonl.gz").path
    let other = try mqttDumper([
      "simulate", "print-job", "--seed", "10", "--start", "@1764068856", "--outcome", "paused-resumed", "--output",
      otherPath, "--quiet",
    ])
    #expect(other.status == 0, "\(other.stderr)")
    let seed9 = messages(try readAll(dir.appendingPathComponent("a.jsonl.gz").path).records).map(\.payload)
    let seed10 = messages(try readAll(otherPath).records).map(\.payload)
    #expect(!seed9.isEmpty && !seed10.isEmpty)
    #expect(seed9 != seed10)
  }

  @Test("bad simulate flags are named")
  func badFlags() throws {
    let r = try mqttDumper(["simulate", "print-job", "--outcome", "exploded"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("exploded"))
    let d = try mqttDumper(["simulate", "print-job", "--duration", "5s"])
    #expect(d.status == 2)
    #expect(d.stderr.contains("--duration '5s' must be a duration of at least 30s"))
  }
}
