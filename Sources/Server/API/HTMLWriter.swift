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

    /// Query-string encoding of one value: unreserved characters stay, everything else is %XX.
    static func queryValue(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    /// `2026-12-05 01:50:12 UTC` for an epoch-ms time; "-" for 0 or less (never happened).
    static func time(_ epochMs: Int64) -> String {
        guard epochMs > 0 else { return "-" }
        var seconds = time_t(epochMs / 1_000)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "\(epochMs)" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
