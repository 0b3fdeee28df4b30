#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Everything that can go wrong reading or writing a capture, each as one sentence a user can act on:
/// what, where, and what to do, in this library's terms (see `problem` and `advice`). System errors keep
/// their `errno`.
public enum CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file exists and the mode was `.createNew`.
  case fileExists(path: String)
  /// `open` failed with this `errno`.
  case cannotOpen(path: String, errno: Int32)
  /// `write` (or `close`) failed with this `errno`.
  case writeFailed(path: String, errno: Int32)
  /// `write` failed on a staged file (`merge`, `convert`), which is removed: nothing is left under `path`.
  case stagedWriteFailed(path: String, errno: Int32)
  /// `read` failed with this `errno`.
  case readFailed(path: String, errno: Int32)
  /// The file has no bytes.
  case empty(path: String)
  /// The file is something else: `reason` says what.
  case notACapture(path: String, reason: String)
  /// The file is in a format version newer than this library reads.
  case newerVersion(path: String, version: Int)
  /// A line that is not a record, or damaged compressed data.
  case corrupt(path: String, line: Int, reason: String)
  /// An append to a file that was cut off: its gzip stream cannot be continued.
  case cannotAppendToTruncated(path: String)
  /// Another tool's recording with a line (or record) that is not in its format: `reason` says what.
  case foreignInput(path: String, line: Int, reason: String)
  /// A file whose format `convert` cannot tell from its start: `reason` says what it looks like.
  case unknownFormat(path: String, reason: String)

  /// What is wrong, where: the sentence without its advice.
  public var problem: String {
    switch self {
    case .fileExists(let path):
      return "\(path) already exists"
    case .cannotOpen(let path, let code):
      return "cannot open \(path): \(systemMessage(code))"
    case .writeFailed(let path, let code), .stagedWriteFailed(let path, let code):
      return "cannot write to \(path): \(systemMessage(code))"
    case .readFailed(let path, let code):
      return "cannot read \(Self.shown(path)): \(systemMessage(code))"
    case .empty("-"):
      return "standard input is empty (or was read already: give - once), not an mqtt-dumper capture"
    case .empty(let path):
      return "\(path) is empty, not an mqtt-dumper capture"
    case .notACapture(let path, let reason):
      return "\(Self.shown(path)) is not an mqtt-dumper capture (\(reason))"
    case .newerVersion(let path, let version):
      return "\(Self.shown(path)) is a version \(version) capture, newer than this mqtt-dumper reads (version "
        + "\(CaptureHeader.currentVersion))"
    case .corrupt(let path, let line, let reason):
      return "\(Self.shown(path)) is corrupt at line \(line): \(reason)"
    case .cannotAppendToTruncated(let path):
      return "cannot append to \(path): it was cut off (the recorder did not finish it)"
    case .foreignInput(let path, let line, let reason):
      return "\(Self.shown(path)), line \(line), \(reason)"
    case .unknownFormat(let path, let reason):
      return "cannot tell which tool wrote \(Self.shown(path)) (\(reason))"
    }
  }

  /// A path as the sentence names it: `-` is standard input.
  public static func shown(_ path: String) -> String {
    path == "-" ? "standard input" : path
  }

  /// What to do about it, in this library's terms; nil where the problem says it all.
  public var advice: String? {
    switch self {
    case .fileExists:
      return "choose another file name, or replace it or add to it (`CaptureWriter.Mode`)"
    case .cannotOpen(_, let code) where code == EMFILE || code == ENFILE:
      return "raise the limit (`ulimit -n`) or take fewer files at a time"
    case .cannotOpen:
      return "check the path and its permissions"
    case .writeFailed:
      return "what was written before this stays in the file; free some space, or write to another place"
    case .stagedWriteFailed(_, let code):
      let full = code == ENOSPC || code == EDQUOT
      return "nothing was written under that name (the unfinished file is removed); "
        + (full ? "free some space, or write to another place" : "write to another place")
    case .readFailed:
      return nil
    case .empty, .notACapture:
      return "record one with `mqtt-dumper capture -o FILE`"
    case .newerVersion:
      return "upgrade mqtt-dumper to read it"
    case .corrupt(_, _, let reason)
    where reason == Inflater.checkFailed || reason == Inflater.checkFailedAfterGoodMember:
      return nil
    case .corrupt:
      return "the records before it are intact"
    case .cannotAppendToTruncated:
      return "capture into a new file instead, the old one still reads up to its last complete record"
    case .foreignInput:
      return "the messages before it were read"
    case .unknownFormat:
      return "name its format (`ConvertFormat`)"
    }
  }

  /// The sentence: the problem, then the advice.
  public var description: String {
    advice.map { "\(problem); \($0)." } ?? "\(problem)."
  }
}

func systemMessage(_ code: Int32) -> String {
  String(cString: strerror(code))
}
