import ArgumentParser
import Foundation
import MQTTCapture

struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge captures into one, in time order: several recorders, rotated sets, sessions of a day.",
    discussion: """
      A k-way merge by the records' times that holds one record per file, so captures of any size merge in \
      constant memory. Ties keep the files' order, then each file's line order. Messages and connection \
      events are kept; the merged capture has one header (the earliest start, every broker and \
      subscription) listing its sources and the instance that recorded each (capture --instance); it \
      keeps the group (capture --share) when every file that names one names the same, and names none, \
      with a warning, when they differ. Message lines are checked as every command checks them and \
      copied unchanged; a gzip output is compressed on every core, a gzip member per MiB that every gzip \
      reader takes as one file (--level 1 compresses about 1.7 times faster than the default 6, for a \
      file about 1.1 times larger).

      --dedup WINDOW drops a message identical in topic, payload, QoS, retain flag and properties to one \
      another file recorded at most WINDOW earlier (recorders running side by side on one broker) and says \
      how many; the copies also tell whether the recorders' clocks disagree: any two files that share \
      copies are compared (the median of their offsets), and named when they disagree by more than a \
      second. Files that do not overlap in time are named too (merged one after the other; files that \
      follow one another, as a rotated set does, in one line), files that hold no messages, files that \
      overlap the others but share no copy with them under --dedup (a clock off by more than WINDOW), and \
      files whose own times go backwards (their records are merged where their times put them). The same \
      file given twice (under any name) is refused. The output is written as OUT.partial-PID and renamed \
      to OUT when finished: Ctrl-C or a failure removes it and leaves an existing OUT as it was (a \
      symbolic link, a file with other links or another owner, a device or a pipe is written in place).

      Examples:
        mqtt-dumper merge a.jsonl.gz b.jsonl.gz -o ab.jsonl.gz
        mqtt-dumper merge rec-1.jsonl.gz rec-2.jsonl.gz \\
          --dedup 2s -o fleet.jsonl.gz

      Exit status: 0 when every file was merged; 2 on a usage error, an existing output (without \
      --force), the same file given twice, or a file that cannot be read, is not a capture, or is corrupt \
      or cut off (its records up to the damage are merged, the other files' in full, and the output is \
      finished).
      """,
    helpNames: [.long])

  @Argument(help: "Capture files, in the order that breaks ties.")
  var files: [String]

  @Option(name: [.customShort("o"), .long], help: "The merged capture (- for standard output).")
  var output: String

  @Option(name: .long, help: "Drop copies another file recorded this close, e.g. 2s or 500ms.")
  var dedup: String?

  @Option(name: .long, help: "Compression level of a .gz output, 1 (fastest) to 9 (smallest); 6 when not given.")
  var level: Int32?

  @Flag(name: .long, help: "Replace the output file if it exists.")
  var force = false

  @Flag(name: .long, help: "No summary.")
  var quiet = false

  func validate() throws {
    guard validating else { return }
    guard files.count >= 1 else { throw ValidationError("give the captures to merge.") }
    guard (1...9).contains(level ?? 6) else { throw ValidationError("--level must be from 1 to 9.") }
    if let dedup {
      guard let d = parseDuration(dedup), d > .zero else {
        throw ValidationError("--dedup '\(dedup)' must be a duration longer than zero, like 2s or 500ms.")
      }
    }
    if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read once.") }
  }

  func run() throws {
    if let (path, earlier) = CaptureMerge.repeatedInput(in: files) {
      let same = path == earlier ? "\(path) is given twice" : "\(path) is the same file as \(earlier)"
      printError("\(same): merging a file with itself would double every record (merge a copy if that is meant).")
      throw ExitCode.error
    }
    try checkOutput(output, inputs: files, force: force)
    var merge = CaptureMerge(paths: files)
    if let dedup, let d = parseDuration(dedup) {
      merge.dedupWindow = d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
    }
    if level != nil && output != "-" && !isGzipName(output) {
      printWarning("--level applies to a .gz output; \(output) is written as plain JSON Lines.")
    }
    raiseOpenFileLimit()
    removeStagedFilesOnSignal()
    warnAboutLeftoverPartials(output)
    let summary: CaptureMerge.Summary
    var writer: CaptureWriter?
    var groups: [String] = []
    do {
      let readers = try merge.open()
      groups = CaptureMerge.groups(of: readers.map(\.header))
      let header = CaptureMerge.header(
        for: readers.map(\.header), paths: files, tool: "mqtt-dumper \(MQTTDumperVersion.string) merge")
      // Staged (written as OUT.partial-PID, renamed when finished) wherever renaming loses nothing: a killed
      // merge leaves no half file under OUT (with a gzip member per MiB it could look complete).
      let w =
        output == "-"
        ? try CaptureWriter(standardOutputWithHeader: header)
        : try CaptureWriter(
          path: output, mode: force ? .replace : .createNew, header: header, level: level ?? 6,
          threads: ProcessInfo.processInfo.activeProcessorCount, staged: true)
      writer = w
      summary = try merge.run(readers, into: w)
      try w.close()
    } catch let error as CaptureError where error.isClosedPipe {
      return
    } catch {
      writer?.discard()
      printError(error)
      throw ExitCode.error
    }
    report(summary, groups: groups)
    if !summary.truncations.isEmpty { throw ExitCode.error }
  }

  private func name(_ path: String) -> String { CaptureError.shown(path) }

  private func report(_ s: CaptureMerge.Summary, groups: [String]) {
    if groups.count > 1 {
      printWarning(
        "the files were recorded by \(groups.count) groups "
          + "(\(groups.map { VisibleText.name($0, limit: Info.nameLimit) }.joined(separator: ", "))): "
          + "the merged header names none.")
    }
    for truncation in s.truncations { printWarning(truncation) }
    for (reference, path, offset, copies) in s.clockOffsets where abs(offset) > 1_000_000 {
      let seconds = formatDuration(seconds: Double(abs(offset)) / 1_000_000)
      printWarning(
        "\(name(path))'s clock looks \(seconds) \(offset > 0 ? "ahead of" : "behind") \(name(reference))'s "
          + "(the median over \(formatCount(copies, "message")) both recorded).")
    }
    if let dedup {
      for src in s.sourcesSharingNoCopies {
        printWarning(
          "\(name(src.path)) overlaps the other files in time but shares no message with them within --dedup "
            + "\(dedup): maybe its clock is off by more than that (try a wider --dedup), or it recorded other traffic.")
      }
    }
    for src in s.sources where src.stepsBack.count > 0 {
      let steps = src.stepsBack
      printWarning(
        "\(name(src.path))'s own times go back \(formatCount(steps.count, "time")), by up to "
          + "\(formatDuration(seconds: Double(steps.largest) / 1_000_000)): its records are merged where their "
          + "times put them, so not all in its order.")
    }
    // A file without messages (one that holds only connection events) says so, and is left out of the
    // overlap check: its events are merged where their times put them.
    for src in s.sources where src.messages == 0 { printWarning("\(name(src.path)) holds no messages.") }
    let separate = s.separateSources
    if separate.count > 1 && separate.count == s.sources.filter({ $0.messages > 0 }).count {
      let first = separate.compactMap(\.first).min()!
      let last = separate.compactMap(\.last).max()!
      printWarning(
        "the \(formatCount(separate.count, "file")) do not overlap in time: they follow one another (\(first.rfc3339) "
          + "to \(last.rfc3339)), as a rotated set or separate days do, and are merged one after the other.")
    } else {
      for src in separate.prefix(5) {
        printWarning(
          "\(name(src.path)) does not overlap any other file in time (\(src.first!.rfc3339) to \(src.last!.rfc3339)).")
      }
      if separate.count > 5 {
        let more = separate.count - 5
        printWarning(
          "\(formatCount(more, "more file")) \(more == 1 ? "does" : "do") not overlap any other file in time either.")
      }
    }
    guard !quiet else { return }
    var line = "mqtt-dumper: merged \(formatCount(s.sources.count, "file")) into \(formatCount(s.written, "record"))"
    if dedup != nil {
      line += ", dropping \(formatCount(s.duplicates, "copy", plural: "copies")) another file had recorded"
    }
    writeToStandardError((line + (output == "-" ? "" : " in \(output)") + "\n"))
  }
}
