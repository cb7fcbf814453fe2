/// XML output primitives. Element names of the protocol are StaticStrings; user text is escaped
/// (spec 3.6: `&amp; &lt; &gt;`, `&quot;` in attributes) and stripped of characters XML 1.0 forbids,
/// so a stray control character in metadata cannot make the whole registry unreadable.
extension ByteSink where Self: ~Copyable {
    /// `<name>text</name>`. Callers pass both tags as literals, so a fixed element costs two copies
    /// of static bytes instead of six appends.
    mutating func appendXMLElement(_ open: StaticString, _ close: StaticString, text: String) {
        appendStatic(open)
        appendXMLText(text, inAttribute: false)
        appendStatic(close)
    }

    mutating func appendXMLElement(_ open: StaticString, _ close: StaticString, decimal: Int64) {
        appendStatic(open)
        appendDecimal(decimal)
        appendStatic(close)
    }

    /// Character data (or, with `inAttribute`, a double-quoted attribute value's content).
    mutating func appendXMLText(_ text: String, inAttribute: Bool) {
        text.withUTF8Bytes { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let special = byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<")
                    || byte == UInt8(ascii: ">") || (inAttribute && byte == UInt8(ascii: "\""))
                    || (byte == 0xEF && Self.isNonCharacter(bytes, at: index))
                if !special {
                    index += 1
                    continue
                }
                if runStart < index { append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                index += appendXMLEscape(bytes, at: index)
                runStart = index
            }
            if runStart < bytes.count { append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
    }

    /// U+FFFE and U+FFFF (UTF-8 EF BF BE / EF BF BF) are not XML characters.
    private static func isNonCharacter(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 2 < bytes.count && bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE
    }

    /// Writes the replacement for the special byte at `index`; returns how many input bytes it covered.
    private mutating func appendXMLEscape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        switch bytes[index] {
        case UInt8(ascii: "&"): appendStatic("&amp;")
        case UInt8(ascii: "<"): appendStatic("&lt;")
        case UInt8(ascii: ">"): appendStatic("&gt;")
        case UInt8(ascii: "\""): appendStatic("&quot;")
        case 0x09, 0x0A: append(bytes[index])
        // A raw CR would be read back as LF (XML end-of-line handling); XStream writes it as a reference too.
        case 0x0D: appendStatic("&#xd;")
        case 0xEF: return 3
        default: break  // other C0 controls are not XML 1.0 characters: dropped
        }
        return 1
    }
}
