import Glibc

/// The numeric addresses of this machine's interfaces (`getifaddrs`), IPv4 and IPv6, loopback included,
/// without IPv6 scope suffixes (`fe80::1%eth0` -> `fe80::1`): peer URLs name hosts, not zones. Read when the
/// peer list is evaluated (spec 7.1), so an address added later counts from the next evaluation.
enum LocalAddresses {
    static func all() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            cursor = entry.pointee.ifa_next
            guard let address = entry.pointee.ifa_addr else { continue }
            let length: Int
            switch Int32(address.pointee.sa_family) {
            case AF_INET: length = MemoryLayout<sockaddr_in>.size
            case AF_INET6: length = MemoryLayout<sockaddr_in6>.size
            default: continue  // AF_PACKET and friends: no IP address
            }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(length), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
                continue
            }
            let text = String(nulTerminated: host)
            addresses.append(text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text)
        }
        return addresses
    }
}
