import MQTTCapture

/// Captured text made safe inside HTML and SVG (XML): markup characters as entities, and nothing that
/// would reorder the page or make the XML invalid.
public enum Markup {
  /// `text` as XML text (see `XMLText.escape`).
  public static func escape(_ text: String, quotes: Bool = true) -> String { XMLText.escape(text, quotes: quotes) }

  /// A name (a topic, an event name) for HTML or SVG: made visible on one line (`VisibleText`, name mode)
  /// and escaped.
  public static func name(_ text: String) -> String {
    escape(VisibleText.escape(text, mode: .name))
  }

  /// A name cut after `limit` characters (`…`), for labels that must fit.
  static func shortName(_ text: String, limit: Int) -> String {
    let visible = VisibleText.escape(text, mode: .name)
    guard visible.count > limit else { return escape(visible) }
    return escape(String(visible.prefix(limit - 1)) + "…")
  }
}
