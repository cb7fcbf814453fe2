/// `Authorization: Basic base64(user:password)` (RFC 7617) as a client sends it. Anything malformed (another
/// scheme, bad base64, no colon) is no credentials: the client gets the same 401 as without the header.
enum BasicCredentials {
    /// Calls `body` with the user (before the first colon) and the password (after it), decoded into stack memory
    /// (no allocation per request); nil when the header is malformed.
    static func withDecoded<Result>(_ header: ArraySlice<UInt8>,
                                    _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        header.withUnsafeBufferPointer { header in
            guard let token = token(header) else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, token.count / 4 * 3)) { buffer in
                guard let count = Base64.decode(token, into: buffer) else { return nil }
                let decoded = UnsafeBufferPointer(rebasing: buffer[..<count])
                guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
                return body(UnsafeBufferPointer(rebasing: decoded[..<colon]), UnsafeBufferPointer(rebasing: decoded[(colon + 1)...]))
            }
        }
    }

    /// The base64 token after `Basic ` (scheme case-insensitive, blanks around the token tolerated).
    private static func token(_ header: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let scheme = "basic".utf8
        guard header.count > scheme.count + 1 else { return nil }
        var index = 0
        for expected in scheme {
            guard ASCII.lower(header[index]) == expected else { return nil }
            index += 1
        }
        guard header[index] == UInt8(ascii: " ") else { return nil }
        while index < header.count, header[index] == UInt8(ascii: " ") { index += 1 }
        var end = header.count
        while end > index, header[end - 1] == UInt8(ascii: " ") || header[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeBufferPointer(rebasing: header[index..<end])
    }
}
