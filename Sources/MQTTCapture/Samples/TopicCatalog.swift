/// What a sample document knows about topics: the family each is listed under, a description, and the
/// order to list them in.
///
/// The capture format knows no device: `SampleDocument` is given a catalog. `DerivedTopicCatalog` reads
/// everything from the topic names; a catalog for a device (OctoPrint's, in `MQTTSimulation`) knows better.
public protocol TopicCatalog: Sendable {
  /// Families in the order a document lists them; families not named here follow, in the order first seen.
  var familyOrder: [String] { get }
  /// The family and description of `topic`.
  func describe(_ topic: String) -> TopicDescription
  /// The topic's place within its family, or nil to list it after the ranked ones, in the order first seen.
  func rank(_ topic: String) -> Int?
}

/// A catalog that knows no topics: families and descriptions come from the names
/// (`TopicDescription.derived(from:)`), in the order topics were first seen.
public struct DerivedTopicCatalog: TopicCatalog {
  /// The catalog.
  public init() {}
  /// None: families are listed as first seen.
  public var familyOrder: [String] { [] }
  /// `TopicDescription.derived(from: topic)`.
  public func describe(_ topic: String) -> TopicDescription { .derived(from: topic) }
  /// Nil: topics are listed as first seen.
  public func rank(_ topic: String) -> Int? { nil }
}
