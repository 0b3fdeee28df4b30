/// A recording that can tell it was cut off (compressed data that stops before its end: a recorder killed),
/// so that `convert` ends with the status of a damaged input after converting what is there.
public protocol CutOffReporting {
  /// One sentence when the input ended before its end; nil when it is complete (known once read to the end).
  var truncation: String? { get }
}
