import Foundation
import MQTTCapture
import Testing

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
private let checker = repoRoot.appendingPathComponent("Tests/Scripts/report_check.py").path

/// Runs a program to the end (its whole process group is killed after `timeout`).
private func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> Finished {
  try Running(program, arguments).wait(timeout: timeout)
}

/// Headless Chromium with a profile of its own in `dir` (removed with it). Console messages of the page are
/// logged to stderr as `INFO:CONSOLE…` lines with `--enable-logging=stderr --v=0`.
private func chromium(_ arguments: [String], profile: URL) throws -> Finished {
  guard
    let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
      FileManager.default.isExecutableFile(atPath: $0)
    })
  else {
    throw TestFailure("chromium is not installed (make test installs the Debian package chromium)")
  }
  return try run(
    path,
    [
      "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--hide-scrollbars",
      "--enable-logging=stderr", "--v=0", "--no-first-run", "--disable-extensions",
    ] + arguments)
}

private func message(_ seconds: Double, _ topic: String, _ payload: String) -> CapturedMessage {
  CapturedMessage(
    timestamp: Timestamp(microseconds: 1_764_068_856_000_000 + Int64(seconds * 1e6)), topic: topic,
    payload: Array(payload.utf8))
}

@Suite("report", .serialized)
struct ReportEndToEndTests {
  @Test("the report of print-done loads in Chromium without console errors, draws the messages and is not blank")
  func browser() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path
    let html = dir.appendingPathComponent("report.html").path
    let made = try mqttDumper(["report", capture, "-o", html])
    #expect(made.status == 0, "\(made.stderr)")
    let total = formatCount(messages(try readAll(capture).records).count)
    #expect(made.stderr == "wrote \(html): \(total) messages, 5 charts, \(try sizeText(html))\n")

    // The page as Chromium parsed it: no console message at all (errors, warnings, CSP), the charts there.
    let dom = try chromium(["--dump-dom", "file://" + html], profile: dir.appendingPathComponent("profile-1"))
    #expect(dom.status == 0, "\(dom.stderr)")
    let console = dom.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
    #expect(console.isEmpty, "\(console)")
    let page = dom.stdoutText
    #expect(page.components(separatedBy: "<svg ").count - 1 == 5)
    #expect(page.contains("<h2>Charts</h2>"))
    #expect(!page.contains("<script"))

    // A screenshot with something on it: the PNG decoded by Python, its colours counted.
    let png = dir.appendingPathComponent("report.png").path
    let shot = try chromium(
      ["--window-size=900,1300", "--screenshot=\(png)", "file://" + html],
      profile: dir.appendingPathComponent("profile-2"))
    #expect(shot.status == 0, "\(shot.stderr)")
    let pixels = try run("/usr/bin/env", ["python3", checker, "png", png])
    #expect(pixels.status == 0 && pixels.stdoutText.hasPrefix("ok 900x1300 "), "\(pixels.stdoutText)")

    // The lines are the messages: Python reads the capture itself and the polylines from the file.
    let recorded = messages(try readAll(capture).records)
    for (topic, field, label) in [
      ("octoPrint/temperature/tool0", "actual", "tool0 actual"),
      ("octoPrint/temperature/tool0", "target", "tool0 target"),
      ("octoPrint/temperature/bed", "actual", "bed actual"),
      ("octoPrint/progress/printing", "progress", "printing"),
    ] {
      let count = recorded.filter { $0.topic == topic }.count
      let check = try run("/usr/bin/env", ["python3", checker, "points", html, capture, topic, field, label])
      #expect(check.status == 0 && check.stdoutText.contains(" \(count) messages"), "\(label): \(check.stdoutText)")
    }
    let selfContained = try run("/usr/bin/env", ["python3", checker, "static", html])
    #expect(selfContained.stdoutText == "ok\n", "\(selfContained.stdoutText)")
  }

  @Test("hostile topics and payloads stay text in the browser; a spike among 20,000 values is drawn")
  func hostileAndSpike() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let evil = "</svg><script>document.title='pwned'</script><img src=x onerror=alert(1)>\u{1B}[2J\u{202E}"
    var messages = [
      message(0, "lab/\(evil)/event/Door", #"{"_event": "</title><script>alert(2)</script>"}"#),
      message(1, "lab/\(evil)", "<script>alert(3)</script>\u{1B}]0;x\u{07}"),
    ]
    for i in 0..<20_000 {
      let value = i == 12_345 ? 99.5 : 20 + Double(i % 10) / 10
      messages.append(message(2 + Double(i) * 0.1, "lab/sensor", #"{"temp": \#(value)}"#))
    }
    let capture = try writeCapture(messages, in: dir)
    let html = dir.appendingPathComponent("report.html").path
    let made = try mqttDumper(["report", capture, "-o", html])
    #expect(made.status == 0, "\(made.stderr)")
    let dom = try chromium(["--dump-dom", "file://" + html], profile: dir.appendingPathComponent("profile"))
    let console = dom.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
    #expect(console.isEmpty, "\(console)")
    #expect(!dom.stdoutText.contains("<script"))
    #expect(!dom.stdoutText.contains("<img"))
    #expect(!dom.stdoutText.contains("pwned</title>"))
    #expect(dom.stdoutText.contains("&lt;script&gt;alert(3)&lt;/script&gt;\\x1b]0;x\\x07"))
    let check = try run("/usr/bin/env", ["python3", checker, "points", html, capture, "lab/sensor", "temp", "temp"])
    #expect(check.status == 0 && check.stdoutText.contains(" 20000 messages"), "\(check.stdoutText)")
    // Downsampled: at most two vertices per half pixel column, not 20,000.
    let vertices = Int(check.stdoutText.split(separator: " ")[1]) ?? .max
    #expect(vertices <= 2 * 1440)
  }

  @Test("an existing report is refused without --force; --svg writes each chart as an SVG file")
  func filesAndForce() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path
    let html = dir.appendingPathComponent("report.html").path
    try "keep me".write(toFile: html, atomically: true, encoding: .utf8)
    let refused = try mqttDumper(["report", capture, "-o", html])
    #expect(refused.status == 2)
    #expect(
      refused.stderr
        == "mqtt-dumper: error: \(html) already exists; choose another file name, or pass --force to replace it.\n")
    #expect(try String(contentsOfFile: html, encoding: .utf8) == "keep me")

    let svgDir = dir.appendingPathComponent("charts").path
    let forced = try mqttDumper([
      "report", capture, "-o", html, "--force", "--svg", svgDir, "-t", "octoPrint/temperature/+",
    ])
    #expect(forced.status == 0, "\(forced.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: svgDir).sorted()
    #expect(files == ["rate.svg", "temperatures.svg"])
    // Each is well-formed XML (Python's parser) with the chart's lines.
    let parsed = try run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
          + "print(len(r.findall('{http://www.w3.org/2000/svg}polyline')))",
        svgDir + "/temperatures.svg",
      ])
    #expect(parsed.stdoutText == "4\n", "\(parsed.stderr)")
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("selected by <code>-t &#39;octoPrint/temperature/+&#39;</code>"))

    // samples --charts writes the same charts and links them in the document.
    let samplesDir = dir.appendingPathComponent("doc-charts").path
    let doc = try mqttDumper(["samples", capture, "--charts", samplesDir, "-t", "octoPrint/progress/#"])
    #expect(doc.status == 0, "\(doc.stderr)")
    #expect(
      doc.stdoutText.hasSuffix(
        "## Charts\n\n![Progress](<\(samplesDir)/progress.svg>)\n\n![Message rate](<\(samplesDir)/rate.svg>)\n\n"))
    #expect(FileManager.default.fileExists(atPath: samplesDir + "/progress.svg"))
  }

  @Test("report - reads standard input once and summarises it, the whole file whatever the filters, as for the file")
  func standardInput() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = repoRoot.appendingPathComponent("captures/print-done.jsonl.gz").path
    let filters = ["-t", "octoPrint/temperature/+", "--limit", "10"]
    let fromFile = dir.appendingPathComponent("file.html").path
    let made = try mqttDumper(["report", capture, "-o", fromFile] + filters)
    #expect(made.status == 0, "\(made.stderr)")
    let fromStdin = dir.appendingPathComponent("stdin.html").path
    let piped = try mqttDumper(
      ["report", "-", "-o", fromStdin] + filters, stdin: try Data(contentsOf: URL(fileURLWithPath: capture)))
    #expect(piped.stderr == "wrote \(fromStdin): 10 messages, 2 charts, \(try sizeText(fromStdin))\n")
    #expect(piped.status == 0)

    // Python counts the capture itself: the table is of all of it (not of the 10 messages), and its rows are
    // those of the file's report.
    let check = try run("/usr/bin/env", ["python3", checker, "summary", fromStdin, capture, fromFile])
    #expect(check.stdoutText == "ok standard input\n", "\(check.stdoutText)")
    let fileCheck = try run("/usr/bin/env", ["python3", checker, "summary", fromFile, capture])
    #expect(fileCheck.stdoutText == "ok \(capture)\n", "\(fileCheck.stdoutText)")
    // And the pages are the same but for the name of the input.
    let page = try String(contentsOfFile: fromFile, encoding: .utf8)
    let stdinPage = try String(contentsOfFile: fromStdin, encoding: .utf8)
    #expect(
      stdinPage
        == page.replacingOccurrences(
          of: "<h3 class=\"file\">\(capture)</h3>", with: "<h3 class=\"file\">standard input</h3>"))
  }
}

/// The size the command reports for a file: `74 kB`.
private func sizeText(_ path: String) throws -> String {
  let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
  return size >= 10_000
    ? "\(Int((Double(size) / 1000).rounded())) kB" : "\(Double(Int((Double(size) / 100).rounded())) / 10) kB"
}
