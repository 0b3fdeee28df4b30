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

/// Prints `mqtt-dumper: error: …` on stderr.
func printError(_ error: Error) {
  printError(userSentence(for: error))
}

/// Prints `mqtt-dumper: error: …` for a sentence. Topics and file names in it are made visible
/// (`VisibleText`), so an error cannot drive the terminal either.
func printError(_ message: String) {
  FileHandle.standardError.write(Data("mqtt-dumper: error: \(VisibleText.escape(message))\n".utf8))
}

/// Prints `mqtt-dumper: warning: …` for a sentence (a cut-off file, a connection that keeps failing).
func printWarning(_ sentence: String) {
  FileHandle.standardError.write(Data("mqtt-dumper: warning: \(VisibleText.escape(sentence))\n".utf8))
}

/// Whether stderr is a terminal (for status lines).
var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

/// A status line redrawn in place on stderr.
struct StatusLine {
  private var shown = false

  mutating func show(_ text: String) {
    FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    shown = true
  }

  mutating func clear() {
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    shown = false
  }
}
