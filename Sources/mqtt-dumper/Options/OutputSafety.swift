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
