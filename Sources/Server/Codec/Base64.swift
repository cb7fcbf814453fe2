/// Standard base64 with padding (RFC 4648 §4), for `Authorization: Basic`: sent to peers whose URL carries user
/// info (spec 7.1), and read from clients when authentication is on (issue 18).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            // Three bytes make four 6-bit groups; a short tail is padded with zero bits, then `=`.
            let group = UInt32(input[index]) << 16
                | (remaining > 1 ? UInt32(input[index + 1]) << 8 : 0)
                | (remaining > 2 ? UInt32(input[index + 2]) : 0)
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict decoding: length a multiple of 4, `=` only as the last one or two characters, nothing outside the
    /// alphabet (no blanks). nil for anything else: a client's malformed credentials are simply no credentials.
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        text.withUnsafeBufferPointer { text in
            var out = [UInt8](repeating: 0, count: text.count / 4 * 3)
            let count = out.withUnsafeMutableBufferPointer { decode(text, into: $0) }
            guard let count else { return nil }
            out.removeLast(out.count - count)
            return out
        }
    }

    /// The same into `out` (at least `text.count / 4 * 3` bytes), without allocating: the bytes written, or nil.
    /// On the request path of every authenticated request.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard text.count % 4 == 0, out.count >= text.count / 4 * 3 else { return nil }
        var written = 0
        var index = 0
        while index < text.count {
            // Only the last group may end in `x=` or `==`.
            var padding = 0
            if index + 4 == text.count, text[index + 3] == UInt8(ascii: "=") {
                padding = text[index + 2] == UInt8(ascii: "=") ? 2 : 1
            }
            var group: UInt32 = 0
            for offset in 0..<4 {
                let value = offset < 4 - padding ? sextet(text[index + offset]) : 0
                guard value != invalid else { return nil }
                group = group << 6 | value
            }
            out[written] = UInt8(truncatingIfNeeded: group >> 16)
            out[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
            out[written + 2] = UInt8(truncatingIfNeeded: group)
            written += 3 - padding
            index += 4
        }
        return written
    }

    private static let invalid: UInt32 = 0xFF

    @inline(__always)
    private static func sextet(_ byte: UInt8) -> UInt32 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte &- UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte &- UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte &- UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: invalid
        }
    }
}
