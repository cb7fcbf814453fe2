import Glibc

/// Host names as self-exclusion compares them (spec 7.1): case-insensitively, and IP literals by address, not
/// by spelling, so `[0:0:0:0:0:0:0:1]`, `::1` and an interface's `::1` are one name.
enum HostName {
    /// Lower-cased; an IP literal in `inet_ntop`'s spelling; an IPv4-mapped IPv6 address as its IPv4 form
    /// (a wildcard-bound node answers on both).
    static func canonical(_ host: String) -> String {
        if let v4 = ipv4(host) { return v4 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return host.lowercased() }
        let text = spelling(AF_INET6, &v6)
        if text.hasPrefix("::ffff:"), let v4 = ipv4(String(text.dropFirst(7))) { return v4 }
        return text
    }

    /// A canonical name in 127.0.0.0/8 or `::1`.
    static func isLoopback(_ canonical: String) -> Bool {
        canonical == "::1" || (canonical.hasPrefix("127.") && ipv4(canonical) != nil)
    }

    static func isIPv6Literal(_ text: String) -> Bool {
        var v6 = in6_addr()
        return inet_pton(AF_INET6, text, &v6) == 1
    }

    /// `server.address` values that bind every interface.
    static func isWildcard(_ address: String) -> Bool {
        let canonical = canonical(address)
        return canonical.isEmpty || canonical == "0.0.0.0" || canonical == "::"
    }

    private static func ipv4(_ text: String) -> String? {
        var v4 = in_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        return spelling(AF_INET, &v4)
    }

    private static func spelling(_ family: Int32, _ address: UnsafeRawPointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(nulTerminated: buffer)
    }
}
