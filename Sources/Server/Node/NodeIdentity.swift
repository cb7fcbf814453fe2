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
        LocalAddresses.all().first { !$0.contains(":") && !$0.hasPrefix("127.") } ?? "127.0.0.1"  // IPv4, not loopback
    }
}

extension String {
    /// The text of a NUL-terminated C buffer filled by a libc call.
    init(nulTerminated buffer: [CChar]) {
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
