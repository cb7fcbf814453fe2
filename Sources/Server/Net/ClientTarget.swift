/// The peer an HTTPClient talks to: where to connect, the path requests are relative to, and the
/// credentials sent with each of them (spec 7.1: user info in a peer URL becomes `Authorization: Basic`).
public struct ClientTarget: Sendable, Equatable {
    /// A name or an address literal (an IPv6 literal without brackets); resolved again on every new connection.
    public var host: String
    public var port: Int
    /// Where relative request paths start: always begins and ends with `/` ("/eureka/").
    public var basePath: String
    public var user: String?
    public var password: String?

    public init(host: String, port: Int, basePath: String = "/", user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.basePath = Self.normalised(basePath)
        self.user = user
        self.password = password
    }

    public enum InvalidURL: Error, Equatable, Sendable {
        /// Only plain `http` peers are supported (spec 7.1).
        case notHTTP
        case missingHost
        case badPort
    }

    /// A peer service URL such as `http://user:secret@eureka-2:8761/eureka/` (percent-escapes in the user
    /// info are decoded, as Java's URI.getUserInfo does). Query and fragment are ignored.
    public init(url: String) throws(InvalidURL) {
        let bytes = Array(url.utf8)
        let scheme = Array("http://".utf8)
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ ASCII.lower($0) == $1 }) else { throw .notHTTP }
        var rest = bytes[scheme.count...]
        if let end = rest.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { rest = rest[..<end] }
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        var authority = rest[..<slash]
        let path = String(decoding: rest[slash...], as: UTF8.self)
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            let info = authority[..<at]
            let colon = info.firstIndex(of: UInt8(ascii: ":")) ?? info.endIndex
            user = Self.percentDecoded(info[..<colon])
            password = colon == info.endIndex ? "" : Self.percentDecoded(info[(colon + 1)...])
            authority = authority[(at + 1)...]
        }
        var portText: ArraySlice<UInt8> = []
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw .missingHost }
            host = String(decoding: authority[(authority.startIndex + 1)..<close], as: UTF8.self)
            portText = authority[(close + 1)...]
        } else {
            let colon = authority.firstIndex(of: UInt8(ascii: ":")) ?? authority.endIndex
            host = String(decoding: authority[..<colon], as: UTF8.self)
            portText = authority[colon...]
        }
        guard !host.isEmpty else { throw .missingHost }
        if portText.isEmpty {
            port = 80
        } else {
            guard portText.first == UInt8(ascii: ":"), let port = Int(String(decoding: portText.dropFirst(), as: UTF8.self)),
                  (1...65_535).contains(port) else { throw .badPort }
            self.port = port
        }
        basePath = Self.normalised(path)
    }

    /// `Host` header value: brackets around an IPv6 literal, the port unless it is 80.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    /// `Basic base64(user:password)`, when the target has a user.
    var authorization: String? {
        guard let user else { return nil }
        return "Basic " + Base64.encode(Array("\(user):\(password ?? "")".utf8))
    }

    /// A path with a leading `/` is sent as it is; any other is appended to `basePath`.
    func target(of path: String) -> String {
        path.hasPrefix("/") ? path : basePath + path
    }

    private static func normalised(_ path: String) -> String {
        var path = path.hasPrefix("/") ? path : "/" + path
        if !path.hasSuffix("/") { path += "/" }
        return path
    }

    /// `%XX` decoding of user info (API/PercentDecoding serves paths and queries on the server side).
    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
               bytes[(i + 1)...(i + 2)].allSatisfy({ (48...57).contains($0) || (97...102).contains(ASCII.lower($0)) }),
               let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Standard base64 with padding (RFC 4648 section 4), for the Basic credentials.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            let word = UInt32(bytes[i]) << 16 | (n > 1 ? UInt32(bytes[i + 1]) << 8 : 0) | (n > 2 ? UInt32(bytes[i + 2]) : 0)
            for k in 0..<4 {
                out.append(k <= n ? alphabet[Int(word >> (18 - 6 * UInt32(k)) & 63)] : UInt8(ascii: "="))
            }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
