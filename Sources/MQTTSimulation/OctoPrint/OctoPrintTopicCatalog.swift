import MQTTCapture

/// Built-in descriptions of what OctoPrint's MQTT plugin publishes, under either base topic
/// (`octoprint/` of 2017, `octoPrint/` today), in the wording of the 2017 document where it has one.
/// Other topics are described from their names.
public struct OctoPrintTopicCatalog: TopicCatalog {
  /// The catalog.
  public init() {}

  /// Families in the order the 2017 document lists them; topics of other families follow.
  public var familyOrder: [String] { Self.families }

  private static let families = [
    "Printing Events", "Time Lapse", "Temperatures", "Printer Connection", "Files", "Plugin", "Other Events",
  ]

  /// Known topics below the base, in document order within their family.
  private static let known: [(String, TopicDescription)] = [
    ("event/PrintStarted", .init(family: "Printing Events", description: "Print job started")),
    ("progress/printing", .init(family: "Printing Events", description: "Print job status")),
    ("event/ZChange", .init(family: "Printing Events", description: "Z-Axis change")),
    ("event/PrintDone", .init(family: "Printing Events", description: "Print job complete")),
    ("event/PrinterStateChanged", .init(family: "Printing Events", description: "Printer state changes")),
    ("event/FileSelected", .init(family: "Printing Events", description: "File selected for printing")),
    ("event/PrintFailed", .init(family: "Printing Events", description: "Print job failed")),
    ("event/PrintCancelling", .init(family: "Printing Events", description: "Print job being cancelled")),
    ("event/PrintCancelled", .init(family: "Printing Events", description: "Print job cancelled")),
    ("event/PrintPaused", .init(family: "Printing Events", description: "Print job paused")),
    ("event/PrintResumed", .init(family: "Printing Events", description: "Print job resumed")),
    ("event/PositionUpdate", .init(family: "Printing Events", description: "Print head position")),
    ("event/Home", .init(family: "Printing Events", description: "Printer homed")),
    ("event/ChartMarked", .init(family: "Printing Events", description: "Temperature chart marked")),
    ("event/CaptureStart", .init(family: "Time Lapse", description: "Image capture start")),
    ("event/CaptureDone", .init(family: "Time Lapse", description: "Image capture complete")),
    ("event/CaptureFailed", .init(family: "Time Lapse", description: "Image capture failed")),
    ("event/MovieRendering", .init(family: "Time Lapse", description: "Time lapse render start")),
    ("event/MovieDone", .init(family: "Time Lapse", description: "Time lapse render completed")),
    ("event/MovieFailed", .init(family: "Time Lapse", description: "Time lapse render failed")),
    ("temperature/tool0", .init(family: "Temperatures", description: "Hot End temperature")),
    ("temperature/bed", .init(family: "Temperatures", description: "Bed temperature")),
    ("temperature/tool1", .init(family: "Temperatures", description: "Second hot end temperature")),
    ("temperature/chamber", .init(family: "Temperatures", description: "Chamber temperature")),
    ("event/Connecting", .init(family: "Printer Connection", description: "Connecting to the printer")),
    ("event/Connected", .init(family: "Printer Connection", description: "Printer connected")),
    ("event/FirmwareData", .init(family: "Printer Connection", description: "Printer firmware")),
    ("event/Disconnecting", .init(family: "Printer Connection", description: "Disconnecting from the printer")),
    ("event/Disconnected", .init(family: "Printer Connection", description: "Printer disconnected")),
    ("event/Error", .init(family: "Printer Connection", description: "Printer error")),
    ("event/Upload", .init(family: "Files", description: "File uploaded")),
    ("event/FileAdded", .init(family: "Files", description: "File added")),
    ("event/FileRemoved", .init(family: "Files", description: "File removed")),
    ("event/UpdatedFiles", .init(family: "Files", description: "File list changed")),
    ("event/MetadataAnalysisStarted", .init(family: "Files", description: "G-code analysis started")),
    ("event/MetadataAnalysisFinished", .init(family: "Files", description: "G-code analysis finished")),
    ("event/MetadataStatisticsUpdated", .init(family: "Files", description: "Print statistics updated")),
    ("progress/slicing", .init(family: "Files", description: "Slicing status")),
    ("mqtt", .init(family: "Plugin", description: "MQTT plugin connection state (retained; also its last will)")),
    ("event/Startup", .init(family: "Plugin", description: "OctoPrint started")),
    ("event/Shutdown", .init(family: "Plugin", description: "OctoPrint shutting down")),
  ]

  private static let index: [String: Int] = {
    var d: [String: Int] = [:]
    for (i, entry) in known.enumerated() { d[entry.0] = i }
    return d
  }()

  /// The part of an OctoPrint topic below its base (`octoprint/` or `octoPrint/`), or nil.
  private static func relative(_ topic: String) -> Substring? {
    for base in ["octoprint/", "octoPrint/"] where topic.hasPrefix(base) {
      return topic.dropFirst(base.count)
    }
    return nil
  }

  /// The family and description of `topic`: built in for OctoPrint, derived from the name otherwise.
  public func describe(_ topic: String) -> TopicDescription {
    if let rel = Self.relative(topic) {
      if let i = Self.index[String(rel)] { return Self.known[i].1 }
      if rel.hasPrefix("event/GcodeScript") {
        return .init(family: "Printing Events", description: humanize(rel.dropFirst(6)) + " (G-code script)")
      }
      if rel.hasPrefix("event/") { return .init(family: "Other Events", description: humanize(rel.dropFirst(6))) }
      if rel.hasPrefix("temperature/") {
        return .init(family: "Temperatures", description: "Temperature of \(rel.dropFirst(12))")
      }
    }
    return .derived(from: topic)
  }

  /// The position of a known topic in the catalog (the 2017 document's order), or nil.
  public func rank(_ topic: String) -> Int? {
    Self.relative(topic).flatMap { Self.index[String($0)] }
  }

  private func humanize(_ name: Substring) -> String { TopicDescription.humanize(name) }
}
