/// One direction of MQTT over WebSocket (RFC 6455): the HTTP upgrade skipped, then the payloads of the data
/// frames unmasked and joined into the MQTT byte stream (MQTT packets may span frames, and frames packets).
///
/// Holds at most a frame header (14 bytes) or the upgrade's header lines; payload bytes pass straight through.
struct WebSocketStream {
  enum Failure: Equatable {
    /// The server answered the upgrade with another status than 101.
    case notUpgraded(String)
    /// A frame header with reserved bits or an unknown opcode: not WebSocket, or lost track.
    case badFrame
  }

  private var inHeaders = true
  private var headerText: [UInt8] = []
  private var frameHeader: [UInt8] = []
  /// Payload bytes of the current frame still to come, and whether they are MQTT (a data frame).
  private var remaining = 0
  private var isData = false
  private var mask: [UInt8] = []
  private var maskOffset = 0
  private(set) var failure: Failure?

  /// The MQTT bytes in `bytes`.
  mutating func unwrap(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var input = bytes
    var out: [UInt8] = []
    while !input.isEmpty, failure == nil {
      if inHeaders {
        input = skipHeaders(input)
        continue
      }
      if remaining > 0 {
        let run = input.prefix(remaining)
        input = input.dropFirst(run.count)
        remaining -= run.count
        if isData {
          if mask.isEmpty {
            out.append(contentsOf: run)
          } else {
            for byte in run {
              out.append(byte ^ mask[maskOffset & 3])
              maskOffset += 1
            }
          }
        }
        continue
      }
      frameHeader.append(input.removeFirst())
      readFrameHeader()
    }
    return out
  }

  /// Skips the HTTP request or response up to its blank line.
  private mutating func skipHeaders(_ input: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var rest = input
    while let byte = rest.popFirst() {
      headerText.append(byte)
      if headerText.count > 16_384 {
        failure = .notUpgraded("an HTTP header longer than 16 KiB")
        return []
      }
      if headerText.suffix(4).elementsEqual([13, 10, 13, 10]) {
        inHeaders = false
        let firstLine = String(decoding: headerText.prefix { $0 != 13 }, as: UTF8.self)
        if firstLine.hasPrefix("HTTP/"), !firstLine.split(separator: " ").dropFirst().starts(with: ["101"]) {
          failure = .notUpgraded(firstLine)
        }
        headerText = []
        return rest
      }
    }
    return rest
  }

  /// Reads the frame header in `frameHeader` once it is complete.
  private mutating func readFrameHeader() {
    guard frameHeader.count >= 2 else { return }
    let first = frameHeader[0]
    let second = frameHeader[1]
    let opcode = first & 0x0F
    guard first & 0x70 == 0, [0, 1, 2, 8, 9, 10].contains(opcode) else {
      failure = .badFrame
      return
    }
    let lengthBytes = second & 0x7F == 126 ? 2 : second & 0x7F == 127 ? 8 : 0
    let maskBytes = second & 0x80 != 0 ? 4 : 0
    guard frameHeader.count == 2 + lengthBytes + maskBytes else { return }
    var length = Int(second & 0x7F)
    if lengthBytes > 0 {
      length = frameHeader[2..<(2 + lengthBytes)].reduce(0) { $0 << 8 | Int($1) }
      guard length >= 0 else {
        failure = .badFrame
        return
      }
    }
    mask = Array(frameHeader.suffix(maskBytes))
    maskOffset = 0
    remaining = length
    isData = opcode <= 2
    frameHeader = []
  }
}
