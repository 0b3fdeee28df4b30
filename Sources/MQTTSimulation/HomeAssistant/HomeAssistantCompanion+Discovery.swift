import MQTTCapture

/// One entity the plugin announces: its component, the suffix of its object id, and its own keys in the plugin's
/// order. `availability` holds the entity's own `avty` entries (the plugin appends `<base>/mqtt` to them).
struct HomeAssistantEntity {
  var component: String
  var suffix: String
  var members: [(String, Payload)]
  var availability: [Payload] = []
  /// The SoC sensor's topic starts with a literal `homeassistant/`, whatever the discovery prefix.
  var fixedPrefix = false
}

extension HomeAssistantCompanion {
  /// The retained discovery configs under `<prefix>/<component>/<node_id>_<SUFFIX>/config`, in the plugin's order:
  /// the sensors of `_generate_device_registration`, then the controls of `_generate_device_controls`.
  public func discoveryConfigs(at time: Timestamp) -> [CapturedMessage] {
    (sensorEntities + controlEntities).map { entity in
      let prefix = entity.fixedPrefix ? "homeassistant" : discoveryPrefix
      let topic = "\(prefix)/\(entity.component)/\(nodeID)_\(entity.suffix)/config"
      let lastWill = Payload.object([
        ("t", .string("~mqtt")), ("pl_avail", .string("connected")), ("pl_not_avail", .string("disconnected")),
      ])
      let config = Payload.object(
        [("avty", .array(entity.availability + [lastWill])), ("~", .string(baseTopic + "/"))] + entity.members)
      return message(topic, text: config.text, at: time)
    }
  }

  /// The device every entity belongs to.
  var device: Payload {
    .object([
      ("ids", .string(nodeID)), ("name", .string(nodeName)), ("mf", .string("Clifford Roche")),
      ("mdl", .string("HomeAssistant Discovery for OctoPrint")),
      ("sw", .string("HomeAssistant Discovery for OctoPrint " + pluginVersion)),
    ])
  }

  /// An entity's opening keys: `name` (node name + label) and `uniq_id` (node id + suffix).
  private func named(_ label: String, _ suffix: String) -> [(String, Payload)] {
    [("name", .string(nodeName + " " + label)), ("uniq_id", .string(nodeID + "_" + suffix))]
  }

  /// An availability entry that follows a `hass/printing` field: available while the field is truthy.
  private func whilePrinting(_ field: String) -> Payload {
    .object([
      ("t", .string("~hass/printing")), ("val_tpl", .string("{{'False' if not value_json.\(field) else 'True'}}")),
      ("pl_avail", .string("True")), ("pl_not_avail", .string("False")),
    ])
  }

  private var whileIsPrinting: Payload {
    .object([("t", .string("~hass/is_printing")), ("pl_avail", .string("True")), ("pl_not_avail", .string("False"))])
  }

  private func s(_ text: String) -> Payload { .string(text) }

  // MARK: - Sensors (`_generate_device_registration`)

  var sensorEntities: [HomeAssistantEntity] {
    let dev = ("device", device)
    let printing = s("~hass/printing")
    func duration(_ label: String, _ suffix: String, _ field: String, icon: String?) -> HomeAssistantEntity {
      var members =
        named(label, suffix) + [
          ("stat_t", printing), ("val_tpl", s("{{value_json.\(field)}}")), ("dev_cla", s("duration")),
          ("unit_of_meas", s("s")), dev,
        ]
      if let icon { members.append(("ic", s(icon))) }
      return HomeAssistantEntity(
        component: "sensor", suffix: suffix, members: members, availability: [whilePrinting(field)])
    }
    func heater(_ label: String, _ suffix: String, _ heater: String, _ field: String, icon: String)
      -> HomeAssistantEntity
    {
      HomeAssistantEntity(
        component: "sensor", suffix: suffix,
        members: named(label, suffix) + [
          ("stat_t", s("~temperature/" + heater)), ("unit_of_meas", s("°C")),
          ("val_tpl", s("{{value_json.\(field)|float(0)}}")), dev, ("dev_cla", s("temperature")), ("ic", s(icon)),
        ])
    }
    var entities = [
      HomeAssistantEntity(
        component: "binary_sensor", suffix: "CONNECTED",
        members: named("Connected", "CONNECTED") + [
          ("stat_t", s("~hass/Connected")), ("pl_on", s("Connected")), ("pl_off", s("Disconnected")),
          ("dev_cla", s("connectivity")), dev,
        ]),
      HomeAssistantEntity(
        component: "binary_sensor", suffix: "PRINTING",
        members: named("Printing", "PRINTING") + [
          ("stat_t", printing), ("pl_on", s("True")), ("pl_off", s("False")),
          ("val_tpl", s("{{value_json.state.flags.printing}}")), dev,
        ]),
      HomeAssistantEntity(
        component: "sensor", suffix: "EVENT",
        members: named("Last Event", "EVENT") + [
          ("stat_t", s("~event/+")), ("val_tpl", s("{{value_json._event}}")), dev,
        ]),
      HomeAssistantEntity(
        component: "sensor", suffix: "PRINTING_S",
        members: named("Print Status", "PRINTING_S") + [
          ("stat_t", printing), ("json_attr_t", printing), ("json_attr_tpl", s("{{value_json.state|tojson}}")),
          ("val_tpl", s("{{value_json.state.text}}")), dev,
        ]),
      HomeAssistantEntity(
        component: "sensor", suffix: "PRINTING_P",
        members: named("Print Progress", "PRINTING_P") + [
          ("json_attr_t", printing), ("json_attr_tpl", s("{{value_json.progress|tojson}}")),
          ("stat_t", s("~progress/printing")), ("unit_of_meas", s("%")),
          ("val_tpl", s("{{value_json.progress|float(0)}}")), dev,
        ]),
      HomeAssistantEntity(
        component: "sensor", suffix: "PRINTING_F",
        members: named("Print File", "PRINTING_F") + [
          ("stat_t", s("~progress/printing")), ("val_tpl", s("{{value_json.path}}")), dev, ("ic", s("mdi:file")),
        ]),
      duration("Print Time", "PRINTING_T", "progress.printTime", icon: "mdi:clock-start"),
      duration("Print Time Left", "PRINTING_E", "progress.printTimeLeft", icon: "mdi:clock-end"),
    ]
    var eta = duration("Approximate Total Print Time", "PRINTING_ETA", "job.estimatedPrintTime", icon: nil)
    eta.members.insert(
      contentsOf: [("json_attr_t", printing), ("json_attr_tpl", s("{{value_json.job|tojson}}"))], at: 3)
    entities += [
      eta,
      HomeAssistantEntity(
        component: "sensor", suffix: "PRINTING_C",
        members: named("Approximate Completion Time", "PRINTING_C") + [
          ("stat_t", printing),
          ("val_tpl", s("{{now() + timedelta(seconds=value_json.progress.printTimeLeft|int(default=0))}}")),
          ("dev_cla", s("timestamp")), dev,
        ], availability: [whilePrinting("progress.printTimeLeft")]),
      HomeAssistantEntity(
        component: "sensor", suffix: "PRINTING_Z",
        members: named("Current Z", "PRINTING_Z") + [
          ("stat_t", printing), ("unit_of_meas", s("mm")), ("val_tpl", s("{{value_json.currentZ|float(0)}}")), dev,
          ("ic", s("mdi:axis-z-arrow")),
        ]),
      HomeAssistantEntity(
        component: "sensor", suffix: "SLICING_P",
        members: named("Slicing Progress", "SLICING_P") + [
          ("stat_t", s("~progress/slicing")), ("unit_of_meas", s("%")),
          ("val_tpl", s("{{value_json.progress|float(0)}}")), dev,
        ]),
      HomeAssistantEntity(
        component: "sensor", suffix: "SLICING_F",
        members: named("Slicing File", "SLICING_F") + [
          ("stat_t", s("~progress/slicing")), ("val_tpl", s("{{value_json.source_path}}")), dev,
          ("ic", s("mdi:file")),
        ]),
    ]
    for x in 0..<extruders {
      let nozzle = "mdi:printer-3d-nozzle"
      entities.append(heater("Tool \(x) Temperature", "TOOL\(x)", "tool\(x)", "actual", icon: nozzle))
      entities.append(heater("Tool \(x) Target", "TOOL\(x)_TARGET", "tool\(x)", "target", icon: nozzle))
    }
    entities.append(heater("Bed Temperature", "BED", "bed", "actual", icon: "mdi:radiator"))
    entities.append(heater("Bed Target", "BED_TARGET", "bed", "target", icon: "mdi:radiator"))
    if heatedChamber {
      entities.append(heater("Chamber Temperature", "CHAMBER", "chamber", "actual", icon: "mdi:radiator"))
      entities.append(heater("Chamber Target", "CHAMBER_TARGET", "chamber", "target", icon: "mdi:radiator"))
    }
    var soc = heater("SoC Temperature", "SOC", "soc", "temperature", icon: "mdi:radiator")
    soc.members[4].1 = s("{{value_json.temperature|float(0)|round(1)}}")
    soc.fixedPrefix = true
    entities.append(soc)
    return entities
  }

  // MARK: - Controls (`_generate_device_controls`)

  var controlEntities: [HomeAssistantEntity] {
    let dev = ("device", device)
    func button(_ label: String, _ suffix: String, _ control: String, icon: String) -> HomeAssistantEntity {
      HomeAssistantEntity(
        component: "button", suffix: suffix,
        members: named(label, suffix) + [("cmd_t", s("~hassControl/" + control)), dev, ("ic", s(icon))])
    }
    var cancel = button("Cancel Print", "CANCEL", "cancel", icon: "mdi:cancel")
    cancel.availability = [whileIsPrinting]
    var entities = [
      HomeAssistantEntity(
        component: "switch", suffix: "CONNECT",
        members: named("Connect to printer", "CONNECT") + [
          ("cmd_t", s("~hassControl/connect")), ("stat_t", s(stateTopic("Connected"))), ("pl_off", s("False")),
          ("pl_on", s("True")), ("stat_on", s("Connected")), ("stat_off", s("Disconnected")), dev,
          ("ic", s("mdi:lan-connect")),
        ]),
      button("Emergency Stop", "STOP", "stop", icon: "mdi:alert-octagon"),
      cancel,
      HomeAssistantEntity(
        component: "switch", suffix: "PAUSE",
        members: named("Pause Print", "PAUSE") + [
          ("cmd_t", s("~hassControl/pause")), ("stat_t", s("~hass/is_paused")), ("pl_off", s("False")),
          ("pl_on", s("True")), dev, ("ic", s("mdi:pause")),
        ], availability: [whileIsPrinting]),
      button("Shutdown System", "SHUTDOWN", "shutdown", icon: "mdi:power"),
      button("Reboot System", "REBOOT", "reboot", icon: "mdi:restart-alert"),
      button("Restart Server", "RESTART", "restart", icon: "mdi:restart"),
    ]
    if psuControl {
      entities.append(
        HomeAssistantEntity(
          component: "switch", suffix: "PSU",
          members: named("PSU", "PSU") + [
            ("cmd_t", s("~hassControl/psu")), ("stat_t", s("~hass/psu_on")), ("pl_on", s("True")),
            ("pl_off", s("False")), dev, ("ic", s("mdi:flash")),
          ]))
    }
    if cameraSnapshot {
      entities.append(
        HomeAssistantEntity(
          component: "switch", suffix: "CAMERA_SNAPSHOT",
          members: named("Camera snapshot", "CAMERA_SNAPSHOT") + [
            ("cmd_t", s("~hassControl/camera_snapshot")), ("stat_t", s("~hassControl/camera_snapshot")),
            ("pl_off", s("False")), ("pl_on", s("True")), ("val_tpl", s("{{False}}")), dev,
            ("ic", s("mdi:camera-iris")),
          ]))
    }
    return entities
  }
}
