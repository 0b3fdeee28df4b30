/// The name and version this library writes into headers.
public enum MQTTDumperVersion {
  /// The version, `major.minor.patch`.
  public static let string = "0.1.0"
}
