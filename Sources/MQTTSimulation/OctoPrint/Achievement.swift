import MQTTCapture

/// Achievements of OctoPrint's bundled achievements plugin (OctoPrint ≥ 1.10) that a simulated job can
/// unlock. The plugin fires `plugin_achievements_achievement_unlocked` with the achievement's fields
/// (`key, name, description, hidden, nag, timebased`), then `type` and `logo`; the MQTT plugin publishes it
/// like any event. A fresh OctoPrint unlocks these on its first finished or cancelled job.
enum Achievement {
  case oneSmallStep, sprint, allBeginningsAreHard, soClose
  case happyBirthdayFoosel, spooky, santasLittleHelper, happyBirthdayOctoPrint, nightOwl, earlyBird, tgif

  /// What PrintStarted unlocks at `time` (UTC, the simulated server's clock), in the plugin's order:
  /// the date, the hour, the weekday.
  static func onPrintStarted(at time: Timestamp) -> [Achievement] {
    // 2025-11-25T11:07:36.000000Z
    let text = Array(time.rfc3339.utf8)
    func number(_ range: Range<Int>) -> Int { Int(String(decoding: text[range], as: UTF8.self)) ?? 0 }
    let (month, day, hour) = (number(5..<7), number(8..<10), number(11..<13))
    var unlocked: [Achievement] = []
    if month == 3 && day == 21 {
      unlocked.append(.happyBirthdayFoosel)
    } else if month == 10 && day == 31 {
      unlocked.append(.spooky)
    } else if month == 12 && day <= 24 {
      unlocked.append(.santasLittleHelper)
    } else if month == 12 && day == 25 {
      unlocked.append(.happyBirthdayOctoPrint)
    }
    if hour >= 23 || hour < 3 {
      unlocked.append(.nightOwl)
    } else if hour < 7 {
      unlocked.append(.earlyBird)
    }
    // 1970-01-01 was a Thursday; Friday is 4 days after a Monday.
    let days = Int((Double(time.microseconds) / 86_400_000_000).rounded(.down))
    if (days + 3) % 7 == 4 { unlocked.append(.tgif) }
    return unlocked
  }

  var key: String {
    switch self {
    case .oneSmallStep: "one_small_step_for_man"
    case .sprint: "sprint"
    case .allBeginningsAreHard: "all_beginnings_are_hard"
    case .soClose: "so_close"
    case .happyBirthdayFoosel: "happy_birthday_foosel"
    case .spooky: "spooky"
    case .santasLittleHelper: "santas_little_helper"
    case .happyBirthdayOctoPrint: "happy_birthday_octoprint"
    case .nightOwl: "night_owl"
    case .earlyBird: "early_bird"
    case .tgif: "tgif"
    }
  }

  /// `key, name, description, hidden, nag, timebased, type, logo`, in that order.
  var fields: [(String, Payload)] {
    let (name, description, hidden, timebased): (String, String, Bool, Bool) =
      switch self {
      case .oneSmallStep: ("That's One Small Step For (A) Man", "Finish your first print.", false, false)
      case .sprint: ("Sprint", "Finish a print that took less than 10 minutes.", false, false)
      case .allBeginningsAreHard: ("All Beginnings Are Hard", "Cancel your first print.", false, false)
      case .soClose: ("So Close", "Cancel a print job at 95% progress or more.", true, false)
      case .happyBirthdayFoosel:
        ("Happy Birthday, foosel", "Start a print on foosel's birthday, March 21st.", true, true)
      case .spooky: ("Spooky", "Start a print on Halloween, October 31st.", true, true)
      case .santasLittleHelper:
        ("Santa's Little Helper", "Start a print between December 1st and December 24th.", true, true)
      case .happyBirthdayOctoPrint:
        ("Happy Birthday, OctoPrint", "Start a print on OctoPrint's birthday, December 25th.", true, true)
      case .nightOwl: ("Night Owl", "Start a print between 23:00 and 03:00.", true, true)
      case .earlyBird: ("Early Bird", "Start a print between 03:00 and 07:00.", true, true)
      case .tgif: ("TGIF", "Start a print on a Friday.", false, true)
      }
    return [
      ("key", .string(key)), ("name", .string(name)), ("description", .string(description)),
      ("hidden", .bool(hidden)), ("nag", .bool(false)), ("timebased", .bool(timebased)),
      ("type", .string("achievement")), ("logo", .string(key)),
    ]
  }
}
