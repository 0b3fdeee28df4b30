#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Everything that can go wrong reading or writing a capture, each as one sentence a user can act on.
public enum CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
  case fileExists(path: String)
  case cannotOpen(path: String, errno: Int32)
  case writeFailed(path: String, errno: Int32)
  case readFailed(path: String, errno: Int32)
  case empty(path: String)
  case notACapture(path: String, reason: String)
  case newerVersion(path: String, version: Int)
  case corrupt(path: String, line: Int, reason: String)
  case cannotAppendToTruncated(path: String)

  public var description: String {
    switch self {
    case .fileExists(let path):
      return "\(path) already exists; choose another file name, or pass --force to replace it or --append to add to it."
    case .cannotOpen(let path, let code):
      return "cannot open \(path): \(systemMessage(code)); check the path and its permissions."
    case .writeFailed(let path, let code):
      return "cannot write to \(path): \(systemMessage(code)); the file keeps every record written before this, "
        + "free some space or choose another place and capture again."
    case .readFailed(let path, let code):
      return "cannot read \(path): \(systemMessage(code))."
    case .empty(let path):
      return "\(path) is empty, not an mqtt-dumper capture; record one with `mqtt-dumper capture -o FILE`."
    case .notACapture(let path, let reason):
      return "\(path) is not an mqtt-dumper capture (\(reason)); record one with `mqtt-dumper capture -o FILE`."
    case .newerVersion(let path, let version):
      return "\(path) is a version \(version) capture, newer than this mqtt-dumper reads (version "
        + "\(CaptureHeader.currentVersion)); upgrade mqtt-dumper to read it."
    case .corrupt(let path, let line, let reason):
      return "\(path) is corrupt at line \(line): \(reason); the records before it are intact."
    case .cannotAppendToTruncated(let path):
      return "cannot append to \(path): it was cut off (the recorder did not finish it); "
        + "capture into a new file instead, the old one still reads up to its last complete record."
    }
  }
}

func systemMessage(_ code: Int32) -> String {
  String(cString: strerror(code))
}
