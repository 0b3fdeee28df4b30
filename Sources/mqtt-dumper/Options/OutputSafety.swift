import ArgumentParser
import Foundation
import MQTTCapture

/// Whether `output` is the same file as one of `inputs` however it is spelt (another path, a symlink, a hard
/// link): the device and inode decide. A file that does not exist yet is none of them.
func outputIsAnInput(_ output: String, _ inputs: [String]) -> String? {
  var out = stat()
  guard output != "-", stat(output, &out) == 0 else { return nil }
  for input in inputs where input != "-" {
    var st = stat()
    if stat(input, &st) == 0 && st.st_dev == out.st_dev && st.st_ino == out.st_ino { return input }
  }
  return nil
}

/// Refuses, before any work and with one sentence (exit 2), an output that is one of the inputs, or (without
/// `force`) a file that exists.
/// - Parameter option: the option naming the output, for the sentence.
func checkOutput(_ output: String, inputs: [String], force: Bool, option: String = "--output") throws {
  if let input = outputIsAnInput(output, inputs) {
    printError("\(option) \(output) is the input \(input); write to another file.")
    throw ExitCode.error
  }
  if !force && output != "-" && FileManager.default.fileExists(atPath: output) {
    printError("\(output) already exists; choose another file name, or pass --force to replace it.")
    throw ExitCode.error
  }
}

/// On SIGINT, SIGTERM or SIGHUP, removes the staged outputs not yet given their names (`StagedFiles`) and
/// ends the process by that signal, as gzip does with its unfinished output.
func removeStagedFilesOnSignal() {
  StagedFiles.prepare()
  for sig in [SIGINT, SIGTERM, SIGHUP] {
    signal(sig) { received in
      StagedFiles.removeAll()
      signal(received, SIG_DFL)
      raise(received)
    }
  }
}

/// Raises the soft limit on open files to the hard one: `merge` holds every input open at once (a day of
/// rotated files is more than the usual soft limit of 1,024).
func raiseOpenFileLimit() {
  var limit = rlimit()
  guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else {
    return
  }
  limit.rlim_cur = limit.rlim_max
  _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
}

/// Names the `OUTPUT.partial-PID` files beside `output` whose process is gone (a `kill -9` leaves them): they
/// take space and are never finished, but do not block a new run.
func warnAboutLeftoverPartials(_ output: String) {
  guard output != "-" else { return }
  let url = URL(fileURLWithPath: output)
  let prefix = url.lastPathComponent + ".partial-"
  let dir = url.deletingLastPathComponent()
  guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
  for name in names.sorted() where name.hasPrefix(prefix) {
    guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), !isRunning(pid) else { continue }
    let shown = output.lastIndex(of: "/").map { String(output[...$0]) + name } ?? name
    printWarning("\(shown) is left from a run that was killed before it finished; delete it.")
  }
}

/// Whether process `pid` exists and has not ended (a zombie, killed and not yet reaped, has ended).
private func isRunning(_ pid: Int32) -> Bool {
  guard kill(pid, 0) == 0 || errno == EPERM else { return false }
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return true }
  return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
}
