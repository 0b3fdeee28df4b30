// What the OctoPrint-HomeAssistant plugin (cmroche/OctoPrint-HomeAssistant) publishes and accepts, as data.
//
// Source: `octoprint_homeassistant/__init__.py` at commit 8a0639b0af75abe70e02f33a66265d8cd76ca64d (the 3.x line:
// buttons, duration sensors in seconds, chamber and SoC sensors, `connect`/`reboot`/`restart` controls; its README
// names breaking changes after v3.6.3), and OctoPrint-MQTT's helpers (`mqtt_publish`, `mqtt_publish_with_timestamp`,
// `mqtt_subscribe`) in the version that has `raw_data` (which this plugin's camera needs).
//
// Facts taken from it:
// - Every message goes through `mqtt_publish`: QoS 0, retained as the MQTT plugin's `broker.retain` setting says
//   (default on; that helper ignores its own `retained` argument). JSON via `json.dumps` (`", "`/`": "`, non-ASCII
//   as `\u00b0`), dict insertion order; `mqtt_publish_with_timestamp` appends `_timestamp` (integer seconds).
// - A discovery config is `{"avty": [...], "~": "<base>/", <the entity's keys>}`: `avty` keeps its first place
//   even when the entity brings its own entries, and the MQTT plugin's `<base>/mqtt` (`connected`/`disconnected`)
//   is always appended last. Device: `ids, name, mf, mdl, sw`.
// - Node id: a new install stores `uuid4().hex` (32 lowercase hex digits); installs migrated from 1.x/2.x keep the
//   first six characters of their `unique_id`, upper-cased.
//
// Not determined from the source: the plugin version a given install reports in `sw` (`pluginVersion` defaults to
// "3.7.0"); whether OctoPrint-MQTT 0.8.16 honours `retained` per call (the reference capture shows its events not
// retained), hence `retain` is a setting; the exact moment OctoPrint drops its connection object after a
// disconnect (`PrinterStatus.connected` is the caller's call).
// Also not determined: where the companion's messages fall relative to the MQTT plugin's own message for the same
// event. OctoPrint calls third-party plugins' `on_event` in identifier order as far as is known here
// (`homeassistant` before `mqtt`), which would put them first; no capture of a real server with both was at hand.

import MQTTCapture

/// One OctoPrint server's Home Assistant companion plugin: its discovery configs, its `hass/…` state messages, and
/// the `hassControl/…` commands it accepts, exactly as OctoPrint-HomeAssistant 3.x with OctoPrint-MQTT publishes them.
public struct HomeAssistantCompanion: Sendable {
  /// The MQTT plugin's base topic without its trailing slash (`octoPrint`, `octoPrint/printer-3`).
  public var baseTopic: String
  /// The plugin's `node_id` setting: the prefix of every `uniq_id` and discovery topic; unique per server.
  public var nodeID: String
  /// The plugin's `node_name` setting (default `OctoPrint`): the device name and each entity name's prefix.
  public var nodeName = "OctoPrint"
  /// The plugin's `discovery_topic` setting (default `homeassistant`). The SoC sensor ignores it, as the plugin does.
  public var discoveryPrefix = "homeassistant"
  /// The version in the device's `sw` field (`HomeAssistant Discovery for OctoPrint <version>`).
  public var pluginVersion = "3.7.0"
  /// The printer profile's extruder count: one temperature and one target sensor each.
  public var extruders = 1
  /// Whether the printer profile has a heated chamber (chamber sensors).
  public var heatedChamber = false
  /// Whether the PSUControl plugin is installed (a `PSU` switch, `hass/psu_on`, `hassControl/psu`).
  public var psuControl = false
  /// Whether OctoPrint has timelapses on and a snapshot URL (a `Camera snapshot` switch, `hassControl/camera_snapshot`).
  public var cameraSnapshot = false
  /// The MQTT plugin's `broker.retain` setting: the retain flag of every message the companion publishes.
  public var retain = true

  /// A companion for the server whose MQTT plugin publishes under `baseTopic`, registered as `nodeID`.
  public init(baseTopic: String = "octoPrint", nodeID: String) {
    self.baseTopic = baseTopic
    self.nodeID = nodeID
  }

  /// A node id the way a new install makes one (`uuid4().hex`), drawn from `seed` and the printer's number, so
  /// that every printer of a simulation has its own and the same seed gives the same ids.
  public static func nodeID(seed: UInt64, printer: Int) -> String {
    var random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: printer) &+ 0x4841)
    var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
    bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
    return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }

  // MARK: - Topics

  /// `<base>/<suffix>`: the plugin's `_generate_topic(…, full=True)`.
  func topic(_ suffix: String) -> String { baseTopic + "/" + suffix }

  /// The state topic `<base>/hass/<name>` (`printing`, `is_printing`, `is_paused`, `Connected`, `psu_on`).
  public func stateTopic(_ name: String) -> String { topic("hass/" + name) }

  /// The command topic `<base>/hassControl/<name>`.
  public func controlTopic(_ name: String) -> String { topic("hassControl/" + name) }

  /// The MQTT plugin's connection topic, `<base>/mqtt`: every entity's availability.
  public var availabilityTopic: String { topic("mqtt") }

  /// Where the plugin publishes a camera image (the JPEG of each timelapse `CaptureDone`, and snapshots): `<base>/camera`.
  public var cameraTopic: String { topic("camera") }

  /// The filters the plugin subscribes to at startup, in its order: `<base>/mqtt`, then the controls. `connect`
  /// appears twice because the plugin subscribes it twice (so a real server runs each connect command twice).
  public var subscriptions: [String] {
    var names = ["connect", "stop", "cancel", "pause", "shutdown", "reboot", "restart"]
    if psuControl { names.append("psu") }
    if cameraSnapshot { names.append("camera_snapshot") }
    names += ["jog", "connect", "home", "commands"]
    return [availabilityTopic] + names.map(controlTopic)
  }

  // MARK: - Messages

  /// A message as the MQTT plugin's `mqtt_publish` sends it: QoS 0, retained per `retain`.
  func message(_ topic: String, _ payload: [UInt8], at time: Timestamp) -> CapturedMessage {
    CapturedMessage(timestamp: time, topic: topic, payload: payload, qos: .atMostOnce, retain: retain)
  }

  func message(_ topic: String, text: String, at time: Timestamp) -> CapturedMessage {
    message(topic, Array(text.utf8), at: time)
  }

  /// What the plugin's `on_after_startup` publishes once the MQTT plugin is connected: every discovery config
  /// (sensors, then controls), `<base>/mqtt` = `connected` (again, for brokers without retain), `hass/is_printing`
  /// and `hass/is_paused` = `False`, the printer status on `hass/printing`, `hass/Connected`, and with PSUControl
  /// `hass/psu_on`.
  ///
  /// A real server then publishes every discovery config again each time `<base>/mqtt` = `connected` reaches the
  /// plugin's subscription (``messages(forAvailability:at:)``): at startup that is the retained one and its own echo.
  func startup(printer: PrinterStatus, psuOn: Bool = false, at time: Timestamp) -> [CapturedMessage] {
    var out = discoveryConfigs(at: time)
    out.append(message(availabilityTopic, text: "connected", at: time))
    out.append(message(stateTopic("is_printing"), text: "False", at: time))
    out.append(message(stateTopic("is_paused"), text: "False", at: time))
    out.append(printerStatusMessage(printer, at: time))
    out.append(connectionMessage(printer, at: time))
    if psuControl { out.append(message(stateTopic("psu_on"), text: psuOn ? "True" : "False", at: time)) }
    return out
  }

  /// What the plugin publishes when a message arrives on `<base>/mqtt`: for `connected`, every discovery config
  /// again (sensors, then controls); for anything else, nothing.
  public func messages(forAvailability payload: [UInt8], at time: Timestamp) -> [CapturedMessage] {
    payload == Array("connected".utf8) ? discoveryConfigs(at: time) : []
  }
}
