/// InstanceInfo → JSON, in the field order and with the JSON types of spec 3.2 (full) and 3.11
/// (compact). Keys are written with their quotes, colon and leading comma as one static copy.
enum InstanceJSON {
    static let emptyMapMarker: StaticString = "{\"@class\":\"java.util.Collections$EmptyMap\"}"

    /// The instance object without the `instance` wrapper.
    static func append<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, representation: Representation, to out: inout Out) {
        switch representation {
        case .full: appendFull(info, to: &out)
        case .compact: appendCompact(info, to: &out)
        }
    }

    private static func appendFull<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, to out: inout Out) {
        appendIdentity(info, to: &out)
        // Netflix leaves out the deprecated sid at its two "no value" spellings.
        if info.sid != "na" && info.sid != "unknown" {
            out.appendStatic(",\"sid\":")
            out.appendJSONString(info.sid)
        }
        out.appendStatic(",\"status\":\"")
        out.appendStatus(info.status)
        out.appendStatic("\",\"overriddenStatus\":\"")
        out.appendStatus(info.overriddenStatus)
        out.appendStatic("\",\"port\":")
        appendPort(info.port, to: &out)
        out.appendStatic(",\"securePort\":")
        appendPort(info.securePort, to: &out)
        out.appendStatic(",\"countryId\":")
        out.appendDecimal(info.countryId)
        if let dataCenterInfo = info.dataCenterInfo {
            out.appendStatic(",\"dataCenterInfo\":")
            appendDataCenterInfo(dataCenterInfo, compact: false, to: &out)
        }
        if let leaseInfo = info.leaseInfo {
            out.appendStatic(",\"leaseInfo\":")
            appendLeaseInfo(leaseInfo, to: &out)
        }
        out.appendStatic(",\"metadata\":")
        if info.metadata.isEmpty {
            out.appendStatic(emptyMapMarker)
        } else {
            appendStringMap(info.metadata, to: &out)
        }
        appendOptional(",\"appGroupName\":", info.appGroupName, to: &out)
        appendOptional(",\"homePageUrl\":", info.homePageUrl, to: &out)
        appendOptional(",\"statusPageUrl\":", info.statusPageUrl, to: &out)
        appendOptional(",\"healthCheckUrl\":", info.healthCheckUrl, to: &out)
        appendOptional(",\"secureHealthCheckUrl\":", info.secureHealthCheckUrl, to: &out)
        appendOptional(",\"vipAddress\":", info.vipAddress, to: &out)
        appendOptional(",\"secureVipAddress\":", info.secureVipAddress, to: &out)
        out.appendStatic(info.isCoordinatingDiscoveryServer
            ? ",\"isCoordinatingDiscoveryServer\":\"true\"" : ",\"isCoordinatingDiscoveryServer\":\"false\"")
        out.appendStatic(",\"lastUpdatedTimestamp\":")
        out.appendQuotedDecimal(info.lastUpdatedTimestamp)
        out.appendStatic(",\"lastDirtyTimestamp\":")
        out.appendQuotedDecimal(info.lastDirtyTimestamp)
        appendActionType(info.actionType, to: &out)
        appendOptional(",\"asgName\":", info.asgName, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Netflix's mini codec: its fields, in the order its serializer emits them (spec 3.12.6), with
    /// `lastUpdatedTimestamp` a number.
    private static func appendCompact<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, to out: inout Out) {
        appendIdentity(info, to: &out)
        out.appendStatic(",\"status\":\"")
        out.appendStatus(info.status)
        out.append(UInt8(ascii: "\""))
        if let dataCenterInfo = info.dataCenterInfo {
            out.appendStatic(",\"dataCenterInfo\":")
            appendDataCenterInfo(dataCenterInfo, compact: true, to: &out)
        }
        out.appendStatic(",\"lastUpdatedTimestamp\":")
        out.appendDecimal(info.lastUpdatedTimestamp)
        appendOptional(",\"vipAddress\":", info.vipAddress, to: &out)
        appendOptional(",\"secureVipAddress\":", info.secureVipAddress, to: &out)
        appendActionType(info.actionType, to: &out)
        appendOptional(",\"asgName\":", info.asgName, to: &out)
        out.appendStatic(",\"port\":")
        appendPort(info.port, to: &out)
        out.appendStatic(",\"securePort\":")
        appendPort(info.securePort, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The opening brace and the four identity fields both forms start with.
    private static func appendIdentity<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, to out: inout Out) {
        out.append(UInt8(ascii: "{"))
        if let instanceId = info.instanceId {
            out.appendStatic("\"instanceId\":")
            out.appendJSONString(instanceId)
            out.append(UInt8(ascii: ","))
        }
        out.appendStatic("\"hostName\":")
        out.appendJSONString(info.hostName)
        out.appendStatic(",\"app\":")
        out.appendJSONString(info.app)
        out.appendStatic(",\"ipAddr\":")
        out.appendJSONString(info.ipAddr)
    }

    /// `{"$":8080,"@enabled":"true"}`: the number a JSON number, the flag a string (spec 3.3).
    private static func appendPort<Out: ByteSink & ~Copyable>(_ port: PortInfo, to out: inout Out) {
        out.appendStatic("{\"$\":")
        out.appendDecimal(port.number)
        out.appendStatic(port.enabled ? ",\"@enabled\":\"true\"}" : ",\"@enabled\":\"false\"}")
    }

    private static func appendDataCenterInfo<Out: ByteSink & ~Copyable>(_ info: DataCenterInfo, compact: Bool, to out: inout Out) {
        guard info.name == .amazon else {
            out.appendStatic("{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"")
            out.appendStatic(info.name == .netflix ? "Netflix" : "MyOwn")
            out.appendStatic("\"}")
            return
        }
        out.appendStatic("{\"@class\":\"com.netflix.appinfo.AmazonInfo\",\"name\":\"Amazon\",\"metadata\":")
        // Amazon metadata has no empty-map marker: an empty map is `{}` (spec 3.4).
        appendStringMap(compact ? AmazonCompactKeys.filter(info.metadata) : info.metadata, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func appendLeaseInfo<Out: ByteSink & ~Copyable>(_ lease: LeaseInfo, to out: inout Out) {
        out.appendStatic("{\"renewalIntervalInSecs\":")
        out.appendDecimal(lease.renewalIntervalInSecs)
        out.appendStatic(",\"durationInSecs\":")
        out.appendDecimal(lease.durationInSecs)
        out.appendStatic(",\"registrationTimestamp\":")
        out.appendDecimal(lease.registrationTimestamp)
        out.appendStatic(",\"lastRenewalTimestamp\":")
        out.appendDecimal(lease.lastRenewalTimestamp)
        out.appendStatic(",\"evictionTimestamp\":")
        out.appendDecimal(lease.evictionTimestamp)
        out.appendStatic(",\"serviceUpTimestamp\":")
        out.appendDecimal(lease.serviceUpTimestamp)
        out.append(UInt8(ascii: "}"))
    }

    private static func appendStringMap<Out: ByteSink & ~Copyable>(_ map: Metadata, to out: inout Out) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for entry in map {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.appendJSONString(entry.key)
            out.append(UInt8(ascii: ":"))
            out.appendJSONString(entry.value)
        }
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private static func appendOptional<Out: ByteSink & ~Copyable>(_ key: StaticString, _ value: String?, to out: inout Out) {
        guard let value else { return }
        out.appendStatic(key)
        out.appendJSONString(value)
    }

    private static func appendActionType<Out: ByteSink & ~Copyable>(_ action: ActionType?, to out: inout Out) {
        switch action {
        case .added: out.appendStatic(",\"actionType\":\"ADDED\"")
        case .modified: out.appendStatic(",\"actionType\":\"MODIFIED\"")
        case .deleted: out.appendStatic(",\"actionType\":\"DELETED\"")
        case nil: break
        }
    }
}
