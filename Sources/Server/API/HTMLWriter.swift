import Glibc

/// Builds an HTML page as bytes. Every piece of text that came from outside (ids, names, metadata, peer URLs)
/// goes through `text`, which escapes the five characters that could open markup or close an attribute; only
/// the page's own literals go through `raw`.
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 16 * 1024) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ literal: String) { bytes.append(contentsOf: literal.utf8) }

    mutating func text(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&#39;")
            default: bytes.append(byte)
            }
        }
    }

    mutating func text(_ value: Int) { raw(String(value)) }

    /// `<a href="...">text</a>`; the href is escaped too (its query values are already percent-encoded).
    mutating func link(_ href: String, _ label: String) {
        raw("<a href=\"")
        text(href)
        raw("\">")
        text(label)
        raw("</a>")
    }

    /// A two-column row of a key/value table.
    mutating func row(_ key: String, _ value: String) {
        raw("<tr><th>")
        text(key)
        raw("</th><td>")
        text(value)
        raw("</td></tr>")
    }

    /// `<a href="BASE?app=APP&amp;instance=ID">ID</a>`, written straight into the page: the recent-activity view
    /// writes 2,000 of these, so no intermediate strings.
    mutating func instanceAnchor(base: String, app: String, id: String) {
        raw("<a href=\"")
        text(base)
        raw("?app=")
        queryValue(app)
        raw("&amp;instance=")
        queryValue(id)
        raw("\">")
        text(id)
        raw("</a>")
    }

    /// Query-string encoding of one value (unreserved characters stay, everything else is %XX): safe in an
    /// attribute as it is.
    mutating func queryValue(_ value: String) {
        for byte in value.utf8 {
            if Self.isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 15)])
            }
        }
    }

    static func queryValue(_ value: String) -> String {
        if value.utf8.allSatisfy(isUnreserved) { return value }
        var writer = HTMLWriter(capacity: value.utf8.count * 3)
        writer.queryValue(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// `2026-12-05 01:50:12 UTC` for an epoch-ms time; "-" for 0 or less (never happened).
    mutating func time(_ epochMs: Int64) {
        guard epochMs > 0 else { return raw("-") }
        var seconds = time_t(epochMs / 1_000)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return raw(String(epochMs)) }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: " "))
        digits(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        raw(" UTC")
    }

    static func time(_ epochMs: Int64) -> String {
        var writer = HTMLWriter(capacity: 32)
        writer.time(epochMs)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// `value` in decimal, zero-padded to `width` digits.
    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
