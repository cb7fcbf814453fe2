/// A strict JSON (RFC 8259) parser over a byte buffer, producing a `JSONValue` tree.
/// Leniency about field types lives in the instance decoders, not here: this only reads syntax.
struct JSONReader {
    /// Hostile nesting must not exhaust the stack; real bodies nest 5 deep.
    static let maxDepth = 64

    // Internal rather than private: the member-by-member reading (JSONReader+Members.swift) walks the same state.
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0
    /// Values still allowed before parsing stops with `tooManyValues`.
    var valuesLeft: Int
    let maxValues: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxValues: Int) {
        self.bytes = bytes
        self.maxValues = maxValues
        valuesLeft = maxValues
    }

    /// `maxValues` bounds the values of the whole document (every scalar, object and array counts one).
    static func parse(_ body: [UInt8], maxValues: Int = .max) throws(CodecError) -> JSONValue {
        try body.withUnsafeBufferPointer { (buffer) throws(CodecError) -> JSONValue in
            var reader = JSONReader(buffer, maxValues: maxValues)
            reader.skipByteOrderMark()
            let value = try reader.readValue()
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.failure("trailing bytes after the document") }
            return value
        }
    }

    /// Reads a document of exactly the shape `{"<wrapper>":{…}}` member by member: `member` gets each key of the
    /// inner object (its raw bytes) and the reader at its value, which it must read (or skip) whole, in order. False, as soon as it shows, when the document has any
    /// other shape (another root member, an escaped key, trailing bytes): the caller must then parse it whole.
    /// Values are counted and depth checked as `parse` does, so a body within the bounds there is within them here.
    static func readWrappedMembers(_ body: [UInt8], wrapper: StaticString, maxValues: Int,
                                   _ member: (UnsafeBufferPointer<UInt8>, inout JSONReader) throws(CodecError) -> Void)
        throws(CodecError) -> Bool {
        try body.withUnsafeBufferPointer { (buffer) throws(CodecError) -> Bool in
            var reader = JSONReader(buffer, maxValues: maxValues)
            reader.skipByteOrderMark()
            // The root object and the wrapped object are one value each, as readValue counts them.
            reader.valuesLeft -= 2
            guard reader.valuesLeft >= 0, reader.skipTo(UInt8(ascii: "{")) else { return false }
            try reader.enter()
            guard reader.skipTo(UInt8(ascii: "\"")), let name = reader.readPlainKey(),
                  name.elementsEqual(UnsafeBufferPointer(start: wrapper.utf8Start, count: wrapper.utf8CodeUnitCount)),
                  reader.skipTo(UInt8(ascii: ":")) else { return false }
            reader.position += 1
            guard reader.skipTo(UInt8(ascii: "{")) else { return false }
            try reader.enter()
            if reader.skipTo(UInt8(ascii: "}")) {
                reader.position += 1
            } else {
                while true {
                    guard reader.skipTo(UInt8(ascii: "\"")), let key = reader.readPlainKey(),
                          reader.skipTo(UInt8(ascii: ":")) else { return false }
                    reader.position += 1
                    try member(key, &reader)
                    if try reader.readSeparator(closing: UInt8(ascii: "}")) { break }
                }
            }
            reader.depth -= 1
            guard reader.skipTo(UInt8(ascii: "}")) else { return false }  // another root member: parse it whole
            reader.position += 1
            reader.depth -= 1
            reader.skipWhitespace()
            return reader.position == buffer.count
        }
    }

    /// Skips whitespace; true when the next byte is `byte` (not consumed).
    mutating func skipTo(_ byte: UInt8) -> Bool {
        skipWhitespace()
        return position < bytes.count && bytes[position] == byte
    }

    /// A key at its opening quote, as its raw bytes, when it has no escape and no control character; nil otherwise
    /// (the position is then meaningless: the caller gives up on the document).
    mutating func readPlainKey() -> UnsafeBufferPointer<UInt8>? {
        let start = position + 1
        let end = plainEnd(from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The index of the first quote, backslash or control character (below 0x20) at or after `start`, or the
    /// document's length: where a string without escapes ends. Eight bytes at a time (a byte-by-byte loop spent ~7
    /// instructions per byte, and the keys and strings of a registration body are ~700 bytes): in each 64-bit word,
    /// `(v - 0x01..) & ~v & 0x80..` marks the bytes of `v` that are zero, and the lowest mark is always a true one
    /// (a borrow only marks bytes above a zero byte), so the lowest mark of the three tests is the first such byte.
    func plainEnd(from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let quote = word ^ 0x2222_2222_2222_2222
            let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
            let marks = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- 0x2020_2020_2020_2020) & ~word)
                & highs
            if marks != 0 { return index + (marks.trailingZeroBitCount >> 3) }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return count
    }

    func failure(_ what: String) -> CodecError {
        .unparseable("JSON: \(what) at byte \(position)")
    }

    mutating func skipByteOrderMark() {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func readValue() throws(CodecError) -> JSONValue {
        valuesLeft -= 1
        guard valuesLeft >= 0 else { throw .tooManyValues(limit: maxValues) }
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(CodecError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("truncated literal") }
        for offset in 0..<count where bytes[position + offset] != literal.utf8Start[offset] {
            throw failure("bad literal")
        }
        position += count
    }

    mutating func enter() throws(CodecError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("nesting too deep") }
        position += 1
    }

    private mutating func readObject() throws(CodecError) -> JSONValue {
        try enter()
        var members: [JSONMember] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        // An instance object has ~20 members: two allocations instead of six (1, 2, 4, 8, 16, 32); bodies are
        // small and the tree short-lived, so the spare capacity of small objects costs little.
        members.reserveCapacity(16)
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected key") }
            let key = try readString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            members.append(JSONMember(key: key, value: try readValue()))
            if try readSeparator(closing: UInt8(ascii: "}")) { break }
        }
        depth -= 1
        return .object(members)
    }

    private mutating func readArray() throws(CodecError) -> JSONValue {
        try enter()
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try readValue())
            if try readSeparator(closing: UInt8(ascii: "]")) { break }
        }
        depth -= 1
        return .array(items)
    }

    /// After a member or element: true at the closing bracket, false after a comma.
    mutating func readSeparator(closing: UInt8) throws(CodecError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end") }
        let byte = bytes[position]
        position += 1
        if byte == closing { return true }
        if byte == UInt8(ascii: ",") { return false }
        throw failure("expected ',' or closing bracket")
    }

    private mutating func readNumber() throws(CodecError) -> String {
        String(decoding: try scanNumber(), as: UTF8.self)
    }

    /// A number's literal bytes, checked as RFC 8259 writes numbers (not counted as a value: the caller does).
    mutating func scanNumber() throws(CodecError) -> UnsafeBufferPointer<UInt8> {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard try skipDigits() > 0 else { throw failure("bad number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard try skipDigits() > 0 else { throw failure("bad fraction") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard try skipDigits() > 0 else { throw failure("bad exponent") }
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<position])
    }

    private mutating func skipDigits() throws(CodecError) -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }

    /// A string starting at its opening quote. Escape-free strings (nearly all) are decoded from the
    /// buffer in one step; others are rebuilt byte by byte.
    private mutating func readString() throws(CodecError) -> String {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("control character in string") }
            position += 1
        }
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case ..<0x20:
                throw failure("control character in string")
            default:
                decoded.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(CodecError) {
        guard position < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"): appendScalar(try readUnicodeEscape(), to: &decoded)
        default: throw failure("bad escape")
        }
    }

    /// `\uXXXX`, joining a surrogate pair into one scalar. A lone surrogate becomes U+FFFD rather
    /// than failing the body: Java clients can produce one, and the rest of the body is still good.
    private mutating func readUnicodeEscape() throws(CodecError) -> Unicode.Scalar {
        let unit = try readHex4()
        switch unit {
        case 0xD800...0xDBFF:
            let save = position
            if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                position += 2
                let low = try readHex4()
                if (0xDC00...0xDFFF).contains(low) {
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
                }
                position = save
            }
            return "\u{FFFD}"
        case 0xDC00...0xDFFF:
            return "\u{FFFD}"
        default:
            return Unicode.Scalar(unit)!
        }
    }

    private mutating func readHex4() throws(CodecError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[position]) else { throw failure("bad \\u escape") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}

/// The value of one hex digit, either case; nil for anything else.
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}

/// UTF-8 encoding of one scalar onto a byte array (JSON \u escapes, XML character references).
func appendScalar(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
    for unit in UTF8.encode(scalar)! { bytes.append(unit) }
}
