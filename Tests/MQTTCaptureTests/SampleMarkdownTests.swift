import Foundation
import MQTTCapture
import Testing

/// What a capture holds cannot change the structure of the sample document.
@Suite("samples: captured content does not break the Markdown")
struct SampleMarkdownTests {
  private func document(_ messages: [(String, String)], style: SampleDocument.Style = .init()) -> String {
    var document = SampleDocument()
    for (i, (topic, payload)) in messages.enumerated() {
      document.add(
        CapturedMessage(timestamp: Timestamp(microseconds: Int64(i)), topic: topic, payload: Array(payload.utf8)))
    }
    return document.markdown(style)
  }

  @Test(
    "code spans have more backticks than the topic holds in a row, and spaces where it starts or ends with one",
    arguments: [
      ("plain/topic", "`plain/topic`"),
      ("a`b", "``a`b``"),
      ("a``b```c", "````a``b```c````"),
      ("`start", "`` `start ``"),
      ("end`", "`` end` ``"),
      (" both ", "`  both  `"),
      ("<b>x</b>", "`<b>x</b>`"),
      ("a\u{1B}[2J\u{202E}", #"`a\x1b[2J\u{202E}`"#),
    ])
  func codeSpan(topic: String, span: String) {
    #expect(SampleDocument.codeSpan(topic) == span)
  }

  @Test("text outside code shows HTML and Markdown syntax as text")
  func markdownText() {
    #expect(
      SampleDocument.markdownText("<b>bold</b> & *x* _y_ [l](u) `c` \\")
        == #"&lt;b&gt;bold&lt;/b&gt; &amp; \*x\* \_y\_ \[l\](u) \`c\` \\"#)
    #expect(SampleDocument.markdownText("Print job started") == "Print job started")
  }

  @Test("a payload holding a fence gets a longer fence, and the document goes on as a document")
  func fences() {
    let payload = "before\n```\n<script>alert(1)</script>\n# not a heading\n`````x\nafter"
    let md = document([("a/b/evil", payload), ("a/b/next", "ok")])
    #expect(md.contains("``````\nbefore\n```\n<script>alert(1)</script>\n# not a heading\n`````x\nafter\n``````\n"))
    #expect(md.contains("Next: `a/b/next`\n\n```\nok\n```\n"))
    // Every fence line the document opens is closed by the same fence.
    var open: String?
    for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
      let ticks = line.prefix { $0 == "`" }
      guard ticks.count >= 3 else { continue }
      if let fence = open {
        if line == fence { open = nil }
      } else {
        open = String(ticks)
      }
    }
    #expect(open == nil)
  }

  @Test("topics with backticks and HTML stay code and text; controls are visible")
  func topics() {
    let md = document([("x`y/<b>fam/<i>desc", terminalAttack)])
    #expect(md.contains("## x\\`y/&lt;b&gt;fam\n"))
    #expect(md.contains("&lt;i&gt;desc: ``x`y/<b>fam/<i>desc``\n"))
    #expect(md.contains(#"\x1b]0;pwned\x07\x1b[2J"#))
    #expect(rawControls(in: Array(md.utf8)) == [])
  }

  @Test("a long payload is cut at --max-bytes, saying how many bytes were left out")
  func maxBytes() {
    var style = SampleDocument.Style()
    style.maxBytes = 10
    style.cutHint = " (--max-bytes 0 shows all)"
    let md = document([("t", String(repeating: "z", count: 25))], style: style)
    #expect(md.contains("```\nzzzzzzzzzz\n… 15 more bytes not shown (--max-bytes 0 shows all)\n```"))
    style.maxBytes = nil
    #expect(
      document([("t", String(repeating: "z", count: 25))], style: style).contains(String(repeating: "z", count: 25)))
  }

  @Test("the JSON form writes C1 controls and bidi characters as \\u escapes")
  func json() {
    var document = SampleDocument()
    document.add(
      CapturedMessage(timestamp: Timestamp(microseconds: 1), topic: "t\u{9B}\u{202E}", payload: Array("x\u{85}".utf8)))
    let json = document.json(variants: 1)
    #expect(rawControls(in: Array(json.utf8)) == [])
    #expect(json.contains(#""topic":"t\u009b\u202e""#))
    #expect(json.contains(#""samples":["x\u0085"]"#))
  }
}
