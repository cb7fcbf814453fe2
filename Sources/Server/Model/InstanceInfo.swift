/// One registered instance with every field of the wire format (spec 3.2), in Netflix's order but for the one-byte
/// fields (the codecs write Netflix's order whatever the declaration order).
/// Optional fields are written only when non-nil; defaults are the input defaults of the spec.
struct InstanceInfo: Sendable, Equatable {
    var instanceId: String?
    var hostName: String = ""
    /// Always upper case once decoded (spec 1.2).
    var app: String = ""
    var ipAddr: String = ""
    var sid: String = "na"
    var status: InstanceStatus = .up
    var overriddenStatus: InstanceStatus = .unknown
    // The one-byte fields sit together (declaration order is layout order): apart, each padded to 8 bytes, and
    // 16 bytes more per record put every stored lease in the next malloc size class (issue 19).
    var isCoordinatingDiscoveryServer: Bool = false
    var actionType: ActionType?
    var port: PortInfo = .defaultPort
    var securePort: PortInfo = .defaultSecurePort
    var countryId: Int = 1
    var dataCenterInfo: DataCenterInfo?
    var leaseInfo: LeaseInfo?
    var metadata = Metadata()
    var appGroupName: String?
    var homePageUrl: String?
    var statusPageUrl: String?
    var healthCheckUrl: String?
    var secureHealthCheckUrl: String?
    var vipAddress: String?
    var secureVipAddress: String?
    var lastUpdatedTimestamp: Int64 = 0
    var lastDirtyTimestamp: Int64 = 0
    var asgName: String?

    init() {}

    /// The key the registry stores the instance under (spec 2.1 id fallback):
    /// instanceId, else Amazon's instance-id, else hostName.
    var effectiveId: String {
        if let instanceId, !instanceId.isEmpty { return instanceId }
        if let amazonId = dataCenterInfo?.amazonInstanceId { return amazonId }
        return hostName
    }

    /// The comma-separated VIP names, exactly as matched by `GET /vips/{vip}` (spec 2.12).
    var vipNames: [Substring] { Self.split(vipAddress) }
    var secureVipNames: [Substring] { Self.split(secureVipAddress) }

    /// Also called with a stored record's field: `vipNames` read through a class copies the whole record first.
    static func split(_ list: String?) -> [Substring] {
        guard let list, !list.isEmpty else { return [] }
        // Nearly every record names one VIP: the generic split cost ~5,000 instructions per registration
        // (callgrind), a byte test over the UTF-8 view a few hundred.
        guard list.utf8.contains(UInt8(ascii: ",")) else { return [Substring(list)] }
        return list.split(separator: ",", omittingEmptySubsequences: false)
    }
}

extension InstanceInfo {
    /// Application names are case-insensitive and kept upper case (spec 1.2). The common already upper-case
    /// ASCII name comes back as is, without a second string.
    static func normalisedAppName(_ name: String) -> String {
        // Over the contiguous bytes: contains(where:) on the UTF8View itself costs several times more per byte.
        let lower = name.utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 &- 97 < 26 || $0 >= 128 } }
        return (lower ?? true) ? name.uppercased() : name
    }
}
