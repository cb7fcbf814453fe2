/// One registered instance with every field of the wire format (spec 3.2), in Netflix's order.
/// Optional fields are written only when non-nil; defaults are the input defaults of the spec.
public struct InstanceInfo: Sendable, Equatable {
    public var instanceId: String?
    public var hostName: String = ""
    /// Always upper case once decoded (spec 1.2).
    public var app: String = ""
    public var ipAddr: String = ""
    public var sid: String = "na"
    public var status: InstanceStatus = .up
    public var overriddenStatus: InstanceStatus = .unknown
    public var port: PortInfo = .defaultPort
    public var securePort: PortInfo = .defaultSecurePort
    public var countryId: Int = 1
    public var dataCenterInfo: DataCenterInfo?
    public var leaseInfo: LeaseInfo?
    public var metadata = Metadata()
    public var appGroupName: String?
    public var homePageUrl: String?
    public var statusPageUrl: String?
    public var healthCheckUrl: String?
    public var secureHealthCheckUrl: String?
    public var vipAddress: String?
    public var secureVipAddress: String?
    public var isCoordinatingDiscoveryServer: Bool = false
    public var lastUpdatedTimestamp: Int64 = 0
    public var lastDirtyTimestamp: Int64 = 0
    public var actionType: ActionType?
    public var asgName: String?

    public init() {}

    /// The key the registry stores the instance under (spec 2.1 id fallback):
    /// instanceId, else Amazon's instance-id, else hostName.
    public var effectiveId: String {
        if let instanceId, !instanceId.isEmpty { return instanceId }
        if let amazonId = dataCenterInfo?.amazonInstanceId { return amazonId }
        return hostName
    }

    /// The comma-separated VIP names, exactly as matched by `GET /vips/{vip}` (spec 2.12).
    public var vipNames: [Substring] { Self.split(vipAddress) }
    public var secureVipNames: [Substring] { Self.split(secureVipAddress) }

    private static func split(_ list: String?) -> [Substring] {
        guard let list, !list.isEmpty else { return [] }
        return list.split(separator: ",", omittingEmptySubsequences: false)
    }
}
