/// `Authorization: Basic base64(user:password)` (RFC 7617) as a client sends it. Anything malformed (another
/// scheme, bad base64, no colon) is no credentials: the client gets the same 401 as without the header.
enum BasicCredentials {
    /// The decoded `user:password` and where the colon is: the user is before it, the password after it.
    static func decode(_ header: ArraySlice<UInt8>) -> (bytes: [UInt8], colon: Int)? {
        let scheme = "basic".utf8
        guard header.count > scheme.count + 1 else { return nil }
        var index = header.startIndex
        for expected in scheme {
            guard ASCII.lower(header[index]) == expected else { return nil }
            index += 1
        }
        guard header[index] == UInt8(ascii: " ") else { return nil }
        while index < header.endIndex, header[index] == UInt8(ascii: " ") { index += 1 }
        var end = header.endIndex
        while end > index, header[end - 1] == UInt8(ascii: " ") || header[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        guard let decoded = Base64.decode(header[index..<end]), let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
            return nil
        }
        return (decoded, colon)
    }
}
