/// JSON output primitives. Keys are StaticStrings written with their quotes and colon in one copy
/// (`"\"hostName\":"`); only values go through escaping.
extension ByteSink where Self: ~Copyable {
    /// A JSON string literal. Runs without special bytes are copied in bulk; UTF-8 above ASCII is
    /// written as is (bodies are UTF-8, spec 1.3).
    mutating func appendJSONString(_ text: String) {
        append(UInt8(ascii: "\""))
        text.withUTF8Bytes { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") { continue }
                if runStart < index { append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                appendJSONEscape(byte)
                runStart = index + 1
            }
            if runStart < bytes.count { append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        append(UInt8(ascii: "\""))
    }

    private mutating func appendJSONEscape(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        default:
            appendStatic("u00")
            append(hexDigit(byte >> 4))
            append(hexDigit(byte & 0x0F))
        }
    }

    /// A number written as a JSON string, as Netflix writes its `@Auto` timestamps (spec 3.2).
    mutating func appendQuotedDecimal(_ value: Int64) {
        append(UInt8(ascii: "\""))
        appendDecimal(value)
        append(UInt8(ascii: "\""))
    }
}

/// Lower-case hex digit of a nibble (JSON \u escapes, XML name coding).
@inline(__always)
func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
}
