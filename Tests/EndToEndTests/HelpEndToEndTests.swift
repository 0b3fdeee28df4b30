import Foundation
import Testing

/// Every subcommand's `--help`, at the default 80 columns and at 60: example commands on lines of their own,
/// nothing said twice.
@Suite("--help reads right at 80 and 60 columns")
struct HelpEndToEndTests {
  /// Every subcommand the tool's own `--help` lists (`simulate` through its `print-job`), so a new command is
  /// checked too.
  static let commands: [[String]] = {
    guard let help = try? Running(try toolPath(), ["--help"]).wait(timeout: 30).stdoutText else { return [] }
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
    return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
      // A command's line starts with two spaces; its abstract's continuation lines with more.
      guard !line.hasPrefix("   "), let name = line.split(separator: " ").first.map(String.init), name != "help" else {
        return nil
      }
      return name == "simulate" ? ["simulate", "print-job"] : [name]
    }
  }()

  private func help(_ command: [String], columns: Int) throws -> String {
    let result = try Running(try toolPath(), command + ["--help"], environment: ["COLUMNS": "\(columns)"])
      .wait(timeout: 30)
    guard result.status == 0 else { throw TestFailure("\(command) --help: \(result.stderr)") }
    return result.stdoutText
  }

  /// The lines of the example block: from "Example(s)…:" to the next blank line.
  private func examples(_ help: String) -> [Substring] {
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("Example") && $0.hasSuffix(":") }) else { return [] }
    return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
  }

  /// Each option's description, its wrapped lines joined.
  private func optionDescriptions(_ help: String) -> [String] {
    var descriptions: [String] = []
    for line in help.split(separator: "\n") {
      if line.hasPrefix("  -") {
        descriptions.append(String(line))
      } else if line.hasPrefix("      "), !descriptions.isEmpty {
        descriptions[descriptions.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
      }
    }
    return descriptions
  }

  @Test("examples are whole commands: indented, continued only with a trailing backslash", arguments: [80, 60])
  func examplesUnbroken(columns: Int) throws {
    var seen = 0
    for command in Self.commands {
      let block = examples(try help(command, columns: columns))
      #expect(!block.isEmpty, "\(command) has examples")
      seen += block.count
      var continued = false
      for line in block {
        let context = "\(command) at \(columns) columns: \(line.debugDescription)"
        #expect(line.hasPrefix(continued ? "    " : "  ") && line.count < columns, "\(context)")
        #expect(continued || line.dropFirst(2).hasPrefix("mqtt-dumper ") || line.hasPrefix("  echo "), "\(context)")
        #expect(!line.hasSuffix("\\") || line.hasSuffix(" \\"), "\(context)")
        continued = line.hasSuffix(" \\")
      }
      #expect(!continued, "\(command): the last example ends a command")
    }
    #expect(seen >= 20)
    #expect(Self.commands.count >= 11, "\(Self.commands)")
  }

  @Test("no option states its default twice or lists its values out of the order the list gives; no two say the same")
  func saidOnce() throws {
    for command in Self.commands {
      let descriptions = optionDescriptions(try help(command, columns: 80))
      // What an option says, without its names: two options saying the same thing would be one too many.
      let texts = descriptions.map {
        $0.replacing(/^ +-[^ ]*( -[^ ]*)?( <[^>]*>)?\s+/, with: "")
      }
      #expect(Set(texts).count == texts.count, "\(command): \(texts)")
      for description in descriptions {
        let defaults = description.ranges(of: "default").count
        #expect(defaults <= 1, "\(command): \(description)")
        guard let values = description.firstMatch(of: /\(values: ([^;)]*)/) else { continue }
        let listed = values.1.split(separator: ", ").map(String.init)
        let text = description[..<values.range.lowerBound]
        let mentioned = listed.compactMap { value in text.firstRange(of: value).map { ($0.lowerBound, value) } }
          .sorted { $0.0 < $1.0 }.map(\.1)
        #expect(mentioned == listed.filter { mentioned.contains($0) }, "\(command): \(description)")
      }
    }
  }

  @Test("the password options show in help, with no value; --tls-version says it is a minimum")
  func connectionHelp() throws {
    for command in [["capture"], ["replay"], ["verify"], ["simulate", "print-job"], ["print"]] {
      let options = optionDescriptions(try help(command, columns: 80)).map {
        $0.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
      }
      #expect(
        options.contains(
          " -P, --pw <password> Password; others can read it in `ps`, so prefer MQTT_PASSWORD or --password-file."),
        "\(command)")
      #expect(
        options.contains(
          " -u, --username <username> User name; the password comes from MQTT_PASSWORD, --password-file or -P."))
      #expect(options.contains(" --tls-version <tls-version> The lowest TLS version to accept: tlsv1.2 or tlsv1.3."))
    }
    let withPassword = try Running(
      try toolPath(), ["capture", "--help"], environment: ["MQTT_PASSWORD": "S3cr3tEnv"]
    ).wait(timeout: 30)
    #expect(!withPassword.stdoutText.contains("S3cr3tEnv"))
    #expect(!withPassword.stdoutText.contains("--pw <password> (default"))
  }
}
