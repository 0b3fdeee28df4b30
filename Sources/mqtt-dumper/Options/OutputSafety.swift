import ArgumentParser
import Foundation

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
