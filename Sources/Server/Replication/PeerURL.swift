/// One peer's service URL from `eureka.client.service-url.defaultZone` (spec 7.1), parsed once when the list is
/// read, so a bad entry stops start-up instead of failing every batch sent to it.
struct PeerURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as configured, trimmed, with a trailing `/` so request paths join as `{url}apps/…` (7.1).
    let url: String
    /// The host as written, without the brackets of an IPv6 literal: what the connector resolves.
    let host: String
    /// 80 when the URL has none.
    let port: Int
    /// Starts and ends with `/`, percent-escapes kept as written: `/eureka/`, or `/` for a bare host.
    let basePath: String
    /// From user info (`http://user:secret@host/`), percent-decoded: sent as Basic auth on every request (7.1).
    let credentials: Credentials?

    struct Credentials: Sendable, Equatable {
        let user: String
        let password: String
    }

    /// `Basic base64(user:password)`, or nil when the URL has no user info.
    var basicAuthorization: String? {
        credentials.map { "Basic " + Base64.encode("\($0.user):\($0.password)".utf8) }
    }

    /// The `Host` header: brackets for IPv6, the port unless it is 80.
    var hostHeader: String {
        let name = HostName.isIPv6Literal(host) ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    /// The batch endpoint's request target (spec 7.4), e.g. `/eureka/peerreplication/batch/`.
    var batchPath: String { basePath + "peerreplication/batch/" }

    /// The URL with any password hidden: what logs and error messages show.
    var description: String { Self.redacted(url) }

    init(parsing raw: String) throws(PeerURLError) {
        let text = String(raw.trimmingSpaces)
        func malformed(_ reason: String) -> PeerURLError { .malformed(Self.redacted(text), reason: reason) }

        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            throw malformed("expected http://host[:port]/path")
        }
        switch text[..<colon].lowercased() {
        case "http": break
        case "https": throw .httpsNotSupported(Self.redacted(text))
        default: throw malformed("scheme must be http")
        }
        let rest = text[text.index(colon, offsetBy: 3)...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var hostPort = rest[..<authorityEnd]
        let path = rest[authorityEnd...]

        // User info ends at the last `@`: a password may contain `@` where a client did not escape it.
        if let at = hostPort.lastIndex(of: "@") {
            credentials = try Self.credentials(hostPort[..<at], malformed)
            hostPort = hostPort[hostPort.index(after: at)...]
        } else {
            credentials = nil
        }
        let portText: Substring
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw malformed("unclosed [ in host") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            guard HostName.isIPv6Literal(host) else { throw malformed("bad IPv6 address [\(host)]") }
            let after = hostPort[hostPort.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw malformed("unexpected text after ]") }
            portText = after.dropFirst()
        } else {
            let hostEnd = hostPort.firstIndex(of: ":") ?? hostPort.endIndex
            host = String(hostPort[..<hostEnd])
            guard !host.isEmpty else { throw malformed("no host") }
            guard host.utf8.allSatisfy(Self.isHostByte) else { throw malformed("bad host name \(host)") }
            portText = hostPort[hostEnd...].dropFirst()
        }
        if portText.isEmpty {
            port = 80  // `host:` with an empty port is the default port too (RFC 3986 §3.2.3)
        } else {
            guard portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(portText), (1...65535).contains(number) else {
                throw malformed("bad port \(portText)")
            }
            port = number
        }
        // A base URL with a query or fragment cannot be joined with `apps/…`.
        guard !path.contains("?"), !path.contains("#") else { throw malformed("query or fragment in a service URL") }
        guard path.utf8.allSatisfy(Self.isPathByte), Self.hasValidEscapes(path) else {
            throw malformed("characters in the path that need percent-encoding")
        }
        basePath = path.isEmpty ? "/" : path.hasSuffix("/") ? String(path) : path + "/"
        url = text.hasSuffix("/") ? text : text + "/"
    }

    private static func credentials(_ userInfo: Substring, _ malformed: (String) -> PeerURLError) throws(PeerURLError) -> Credentials? {
        guard !userInfo.isEmpty else { return nil }
        guard hasValidEscapes(userInfo) else { throw malformed("bad percent-escape in user info") }
        let colon = userInfo.firstIndex(of: ":")
        let user = userInfo[..<(colon ?? userInfo.endIndex)]
        let password = colon.map { userInfo[userInfo.index(after: $0)...] } ?? ""
        return Credentials(user: PercentDecoding.decode(ArraySlice(user.utf8), plusIsSpace: false),
                           password: PercentDecoding.decode(ArraySlice(password.utf8), plusIsSpace: false))
    }

    /// Registered-name characters (RFC 3986 unreserved); `_` too, which Docker service names use.
    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// RFC 3986 `pchar` and `/`: printable ASCII except space, `"`, `<`, `>`, `\`, `^`, backquote, `{`, `|`, `}`.
    private static func isPathByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        return !#""<>\^`{|}"#.utf8.contains(byte)
    }

    /// Every `%` followed by two hex digits.
    private static func hasValidEscapes(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[index + 1].isHexDigit, bytes[index + 2].isHexDigit else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return true
    }

    /// `http://user:secret@host/` -> `http://user:***@host/`; text without a password is returned as is.
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.firstIndex(of: ":"), text[schemeEnd...].hasPrefix("://") else { return text }
        let authorityStart = text.index(schemeEnd, offsetBy: 3)
        let authorityEnd = text[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@"),
              let colon = text[authorityStart..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}

/// Why a peer URL cannot be used; the text shows the URL with its password hidden.
enum PeerURLError: Error, Equatable, CustomStringConvertible {
    /// OUR choice (7.1): peers are reached over plain HTTP; TLS belongs in front of the node.
    case httpsNotSupported(String)
    case malformed(String, reason: String)

    var url: String {
        switch self {
        case .httpsNotSupported(let url), .malformed(let url, _): url
        }
    }

    var reason: String {
        switch self {
        case .httpsNotSupported: "https peers are not supported (http only)"
        case .malformed(_, let reason): "malformed peer URL: \(reason)"
        }
    }

    var description: String { "peer URL '\(url)': \(reason)" }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
