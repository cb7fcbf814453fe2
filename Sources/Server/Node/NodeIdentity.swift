import Glibc

/// This server's own name and instance (spec 2.15): host name, app, instance id `<hostname>:<port>`.
struct NodeIdentity {
    let hostName: String
    let appName: String
    let address: String

    init(config: ServerConfig) {
        hostName = config.instanceHostname ?? Self.machineHostName()
        appName = config.applicationName.uppercased()
        address = config.address == "0.0.0.0" || config.address == "::" ? Self.firstNonLoopbackAddress() : config.address
    }

    func instanceId(port: Int) -> String { "\(hostName):\(port)" }

    func instance(port: Int, status: InstanceStatus, now: Int64) -> InstanceInfo {
        var info = InstanceInfo()
        info.instanceId = instanceId(port: port)
        info.hostName = hostName
        info.app = appName
        info.ipAddr = address
        info.status = status
        info.port = PortInfo(number: port, enabled: true)
        info.dataCenterInfo = .myOwn
        info.leaseInfo = LeaseInfo()
        info.vipAddress = appName.lowercased()
        info.isCoordinatingDiscoveryServer = true
        info.lastUpdatedTimestamp = now
        info.lastDirtyTimestamp = now
        return info
    }

    private static func machineHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(nulTerminated: buffer)
    }

    private static func firstNonLoopbackAddress() -> String {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return "127.0.0.1" }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            if let address = entry.pointee.ifa_addr, Int32(address.pointee.sa_family) == AF_INET {
                var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 {
                    let text = String(nulTerminated: host)
                    if !text.hasPrefix("127.") { return text }
                }
            }
            cursor = entry.pointee.ifa_next
        }
        return "127.0.0.1"
    }
}

extension String {
    /// The text of a NUL-terminated C buffer filled by a libc call.
    init(nulTerminated buffer: [CChar]) {
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
