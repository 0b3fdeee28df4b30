// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "mqtt-dumper",
  products: [
    .executable(name: "mqtt-dumper", targets: ["mqtt-dumper"]),
    .library(name: "MQTTCapture", targets: ["MQTTCapture"]),
    .library(name: "MQTTDumper", targets: ["MQTTDumper"]),
    .library(name: "MQTTSimulation", targets: ["MQTTSimulation"]),
    .library(name: "MQTTAnalysis", targets: ["MQTTAnalysis"]),
    .library(name: "MQTTPcap", targets: ["MQTTPcap"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    .systemLibrary(
      name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // Whole-buffer deflate, about twice as fast as zlib's at the same level: `merge`'s gzip output.
    .systemLibrary(name: "CLibdeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    // The capture format: records, JSON, gzip. Needs zlib and libdeflate, never libmosquitto.
    .target(name: "MQTTCapture", dependencies: ["CZlib", "CLibdeflate"]),
    // Talking to brokers: the capture session, replay and verify over libmosquitto.
    .target(name: "MQTTDumper", dependencies: ["MQTTCapture", "CMosquitto"]),
    // A printer on the desk that isn't there: OctoPrint print jobs as the MQTT plugin publishes them, and
    // what else is known about OctoPrint's topics (the sample document's catalog, event matching).
    .target(name: "MQTTSimulation", dependencies: ["MQTTCapture", .product(name: "Yams", package: "Yams")]),
    // What the traffic means: statistics, inferred schemas and AsyncAPI, contract checks, the HTML report.
    // Reads captures only; never talks to a broker.
    .target(name: "MQTTAnalysis", dependencies: ["MQTTCapture", .product(name: "Yams", package: "Yams")]),
    // Packet captures (pcap, pcapng): TCP streams reassembled, MQTT 3.1.1 and 5 packets decoded into messages.
    .target(name: "MQTTPcap", dependencies: ["MQTTCapture"]),
    .executableTarget(
      name: "mqtt-dumper",
      dependencies: [
        "MQTTDumper", "MQTTCapture", "MQTTSimulation", "MQTTAnalysis", "MQTTPcap",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "MQTTCaptureTests", dependencies: ["MQTTCapture"]),
    .testTarget(name: "MQTTSimulationTests", dependencies: ["MQTTSimulation", "MQTTCapture"]),
    .testTarget(name: "MQTTDumperTests", dependencies: ["MQTTDumper", "MQTTCapture"]),
    .testTarget(name: "MQTTAnalysisTests", dependencies: ["MQTTAnalysis", "MQTTCapture"]),
    .testTarget(name: "MQTTPcapTests", dependencies: ["MQTTPcap", "MQTTCapture"]),
    .testTarget(name: "EndToEndTests", dependencies: ["MQTTCapture", "MQTTPcap"]),
  ],
  swiftLanguageModes: [.v6]
)
