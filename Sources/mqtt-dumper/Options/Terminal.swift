import Foundation
import MQTTCapture
import Synchronization

/// Set by SIGINT/SIGTERM; the loops poll it so that files are finished properly.
let stopRequested = Atomic<Bool>(false)

/// Routes SIGINT and SIGTERM to `stopRequested`; a second signal ends the process at once.
func installStopHandlers() {
  _ = stopRequested.load(ordering: .relaxed)  // initialise before a handler can run
  signal(SIGPIPE, SIG_IGN)
  // A parent may have started us with these blocked (test runners do); we need them.
  var set = sigset_t()
  sigemptyset(&set)
  sigaddset(&set, SIGINT)
  sigaddset(&set, SIGTERM)
  sigprocmask(SIG_UNBLOCK, &set, nil)
  for sig in [SIGINT, SIGTERM] {
    signal(sig) { received in
      stopRequested.store(true, ordering: .relaxed)
      signal(received, SIG_DFL)
    }
  }
}

/// Writes `text` to stderr; a stderr that is closed or full is ignored (FileHandle's write would trap on
/// EPIPE, and there is nowhere left to say anything).
func writeToStandardError(_ text: String) {
  var bytes = Array(text.utf8)
  bytes.withUnsafeMutableBytes { buffer in
    var offset = 0
    while offset < buffer.count {
      let n = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return }
      offset += n
    }
  }
}

/// Prints `mqtt-dumper: error: …` on stderr.
func printError(_ error: Error) {
  printError(userSentence(for: error))
}

/// Prints `mqtt-dumper: error: …` for a sentence. Topics and file names in it are made visible
/// (`VisibleText`), so an error cannot drive the terminal either.
func printError(_ message: String) {
  writeToStandardError("mqtt-dumper: error: \(VisibleText.escape(message))\n")
}

/// Prints `mqtt-dumper: warning: …` for a sentence (a cut-off file, a connection that keeps failing).
func printWarning(_ sentence: String) {
  writeToStandardError("mqtt-dumper: warning: \(VisibleText.escape(sentence))\n")
}

/// Whether stderr is a terminal (for status lines).
var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

/// A status line redrawn in place on stderr.
struct StatusLine {
  private var shown = false

  mutating func show(_ text: String) {
    writeToStandardError("\r\u{1B}[K\(text)")
    shown = true
  }

  mutating func clear() {
    if shown { writeToStandardError("\r\u{1B}[K") }
    shown = false
  }
}
