import Glibc

/// Member-by-member reading, for a decoder that maps a known object shape straight onto a record (the register
/// body): no tree, no String per key, and a string's or number's raw bytes when it has no escape. Each value is
/// counted and each object's depth checked where `readValue` would, so the value budget and the nesting bound stop a
/// document at the same value whichever way it is read. Anything unusual (an escaped key) throws: such a caller
/// then reads the document whole, which decides what is refused and how.
extension JSONReader {
    /// One value as read member by member.
    enum RawValue {
        /// A string without escape or control character: its bytes between the quotes.
        case plainString(UnsafeBufferPointer<UInt8>)
        /// A number's literal bytes.
        case number(UnsafeBufferPointer<UInt8>)
        /// Anything else (literals, escaped strings, objects, arrays), as `readValue` reads it.
        case value(JSONValue)

        /// The value as the tree has it.
        var value: JSONValue {
            switch self {
            case .plainString(let bytes): .string(String(decoding: bytes, as: UTF8.self))
            case .number(let bytes): .number(String(decoding: bytes, as: UTF8.self))
            case .value(let value): value
            }
        }

        /// The integer of a string or number that is only an optional minus and 1 to 18 digits (what every
        /// timestamp, interval and port of a client's body is), read from the bytes; nil for any other value, which
        /// the caller reads through `value` and `LenientInput` (the same integer for these, without a String).
        var plainInteger: Int64? {
            let bytes: UnsafeBufferPointer<UInt8>
            switch self {
            case .plainString(let text): bytes = text
            case .number(let text): bytes = text
            case .value: return nil
            }
            let negative = bytes.first == UInt8(ascii: "-")
            let digits = negative ? UnsafeBufferPointer(rebasing: bytes[1...]) : bytes
            guard (1...18).contains(digits.count) else { return nil }
            var result: Int64 = 0
            for byte in digits {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                result = result * 10 + Int64(digit)
            }
            return negative ? -result : result
        }

        /// Whether this is a plain string or number with exactly these bytes.
        func isPlain(_ text: StaticString) -> Bool {
            switch self {
            case .plainString(let bytes), .number(let bytes): bytes.equals(text)
            case .value: false
            }
        }
    }

    /// Where an object's members are up to: before the first, or after one.
    struct MemberCursor {
        fileprivate var started = false
    }

    /// The next byte after whitespace, nil at the end; nothing is consumed.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// The next value, counted as `readValue` counts it.
    mutating func readRaw() throws(CodecError) -> RawValue {
        skipWhitespace()
        guard position < bytes.count else { return .value(try readValue()) }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            try countValue()
            let end = plainEnd(from: position + 1)
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[(position + 1)..<end])
                position = end + 1
                return .plainString(text)
            }
            valuesLeft += 1  // counted again by readValue, which decides escapes and errors
            return .value(try readValue())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try countValue()
            return .number(try scanNumber())
        default:
            return .value(try readValue())
        }
    }

    /// Reads a value and forgets it (a string's bytes are checked, not copied).
    mutating func skipValue() throws(CodecError) {
        _ = try readRaw()
    }

    /// At `{` (the caller has peeked it): counts the object and enters it.
    mutating func enterObject() throws(CodecError) -> MemberCursor {
        try countValue()
        try enter()
        return MemberCursor()
    }

    /// The next member's key (its bytes), the reader then at its value; nil after the closing brace. An escaped key
    /// throws (the caller reads the document whole).
    mutating func nextKey(_ cursor: inout MemberCursor) throws(CodecError) -> UnsafeBufferPointer<UInt8>? {
        skipWhitespace()
        if cursor.started {
            if try readSeparator(closing: UInt8(ascii: "}")) {
                depth -= 1
                return nil
            }
            skipWhitespace()
        } else {
            cursor.started = true
            guard position < bytes.count else { throw failure("unexpected end") }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                depth -= 1
                return nil
            }
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected key") }
        guard let key = readPlainKey() else { throw failure("escaped key") }
        guard skipTo(UInt8(ascii: ":")) else { throw failure("expected ':'") }
        position += 1
        return key
    }

    /// The bytes from the next value (after whitespace) to the end of the document.
    mutating func rest() -> UnsafeBufferPointer<UInt8> {
        skipWhitespace()
        return UnsafeBufferPointer(rebasing: bytes[position...])
    }

    /// Passes over the next `count` bytes, a value already known to read whole at this depth with `values` values
    /// (MetadataReuse), counting them as reading it would.
    mutating func skip(bytes count: Int, values: Int) throws(CodecError) {
        valuesLeft -= values
        guard valuesLeft >= 0 else { throw .tooManyValues(limit: maxValues) }
        position += count
    }

    private mutating func countValue() throws(CodecError) {
        valuesLeft -= 1
        guard valuesLeft >= 0 else { throw .tooManyValues(limit: maxValues) }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Byte equality with a literal (keys and plain values against known names).
    func equals(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, text.utf8Start, count) == 0)
    }
}
