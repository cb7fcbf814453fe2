/// JSON → InstanceInfo with the lenient rules of spec 3.7: numbers or numeric strings, lenient
/// booleans, `null` as absent, unknown members of any shape skipped. Members are applied in order,
/// so a duplicate key's last value wins, and a later `null` restores the default.
extension InstanceJSON {
    /// Decodes the instance object itself (no `instance` wrapper): the register body's inner object,
    /// an element of an application's `instance` array, or a batch item's `instanceInfo`.
    static func decode(_ value: JSONValue, now: Int64) throws(CodecError) -> DecodedInstance {
        guard case .object(let members) = value else { throw .unparseable("instance is not an object") }
        var info = InstanceInfo()
        var hasApp = false
        var missingName = false
        info.lastUpdatedTimestamp = now
        info.lastDirtyTimestamp = now
        for member in members {
            let value = member.value
            switch InstanceField.byName[member.key] {
            case .instanceId?: info.instanceId = try text(value)
            case .hostName?: info.hostName = try text(value) ?? ""
            case .app?:
                let app = try text(value)
                hasApp = app != nil
                info.app = app?.uppercased() ?? ""
            case .ipAddr?: info.ipAddr = try text(value) ?? ""
            case .sid?: info.sid = try text(value) ?? "na"
            case .status?: info.status = try text(value).map(LenientInput.status) ?? .up
            case .overriddenStatus?:
                info.overriddenStatus = try text(value).map(LenientInput.status) ?? .unknown
            case .port?: info.port = try port(value, default: .defaultPort)
            case .securePort?: info.securePort = try port(value, default: .defaultSecurePort)
            case .countryId?:
                info.countryId = try text(value).map { (text) throws(CodecError) in
                    Int(truncatingIfNeeded: try LenientInput.requiredInteger(text, field: "countryId"))
                } ?? 1
            case .dataCenterInfo?:
                (info.dataCenterInfo, missingName) = try dataCenterInfo(value)
            case .leaseInfo?: info.leaseInfo = try leaseInfo(value)
            case .metadata?: info.metadata = try stringMap(value)
            case .appGroupName?: info.appGroupName = try text(value)?.uppercased()
            case .homePageUrl?: info.homePageUrl = try text(value)
            case .statusPageUrl?: info.statusPageUrl = try text(value)
            case .healthCheckUrl?: info.healthCheckUrl = try text(value)
            case .secureHealthCheckUrl?: info.secureHealthCheckUrl = try text(value)
            case .vipAddress?: info.vipAddress = try text(value)
            case .secureVipAddress?: info.secureVipAddress = try text(value)
            case .isCoordinatingDiscoveryServer?: info.isCoordinatingDiscoveryServer = boolean(value) ?? false
            case .lastUpdatedTimestamp?: info.lastUpdatedTimestamp = try timestamp(value, field: "lastUpdatedTimestamp") ?? now
            case .lastDirtyTimestamp?: info.lastDirtyTimestamp = try timestamp(value, field: "lastDirtyTimestamp") ?? now
            case .actionType?: info.actionType = try text(value).flatMap(LenientInput.actionType)
            case .asgName?: info.asgName = try text(value)
            case nil: continue
            }
        }
        // InstanceInfo.Builder.build refuses an instance without an app name (spec 2.1 #0).
        guard hasApp else { throw .unparseable("instance has no app field") }
        return DecodedInstance(info: info, dataCenterInfoMissingName: missingName)
    }

    /// A string field: scalars as their text, `null` absent; an object or array where a string
    /// belongs is what Jackson refuses too.
    private static func text(_ value: JSONValue) throws(CodecError) -> String? {
        switch value {
        case .null: return nil
        case .array, .object: throw .unparseable("object or array where a scalar was expected")
        default: return value.scalarText
        }
    }

    /// Lenient boolean (spec 3.7); nil for `null`.
    static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .number(let text), .string(let text): return LenientInput.boolean(text)
        case .array, .object: return false
        }
    }

    private static func timestamp(_ value: JSONValue, field: StaticString) throws(CodecError) -> Int64? {
        guard let text = try text(value) else { return nil }
        return try LenientInput.requiredInteger(text, field: field)
    }

    /// `{"$":8080,"@enabled":"true"}`; a bare number is read as the port number. What is missing
    /// keeps the default (spec 3.3).
    private static func port(_ value: JSONValue, default fallback: PortInfo) throws(CodecError) -> PortInfo {
        var port = fallback
        switch value {
        case .null: return fallback
        case .object(let members):
            for member in members {
                switch member.key {
                case "$":
                    if let text = try text(member.value) { port.number = try LenientInput.portNumber(text) }
                case "@enabled":
                    port.enabled = boolean(member.value) ?? fallback.enabled
                default: continue
                }
            }
        default:
            port.number = try LenientInput.portNumber(value.scalarText ?? "")
        }
        return port
    }

    /// The data center and whether `name` was missing (spec 2.1 #7): then the kind is unknown and
    /// `dataCenterInfo` stays nil. `@class` is not checked (spec 3.4, OUR choice).
    private static func dataCenterInfo(_ value: JSONValue) throws(CodecError) -> (DataCenterInfo?, Bool) {
        guard case .object(let members) = value else {
            if case .null = value { return (nil, false) }
            throw .unparseable("dataCenterInfo is not an object")
        }
        var name: DataCenterInfo.Name?
        var metadata = Metadata()
        for member in members {
            switch member.key {
            case "name": name = try text(member.value).map { (text) throws(CodecError) in try LenientInput.dataCenterName(text) }
            case "metadata": metadata = try stringMap(member.value)
            default: continue
            }
        }
        guard let name else { return (nil, true) }
        return (DataCenterInfo(name: name, metadata: name == .amazon ? metadata : Metadata()), false)
    }

    /// Only the intervals matter on input (spec 3.5); the timestamps are kept so documents from
    /// peers round-trip. Values that are not numbers are skipped.
    private static func leaseInfo(_ value: JSONValue) throws(CodecError) -> LeaseInfo? {
        guard case .object(let members) = value else {
            if case .null = value { return nil }
            throw .unparseable("leaseInfo is not an object")
        }
        var lease = LeaseInfo()
        for member in members {
            guard let number = member.value.scalarText.flatMap(LenientInput.integer) else { continue }
            lease.set(member.key, number)
        }
        return lease
    }

    /// A string map (spec 3.6): the `@class` marker skipped, numbers and booleans as their text,
    /// `null` dropped, a nested object or array unparseable.
    private static func stringMap(_ value: JSONValue) throws(CodecError) -> Metadata {
        guard case .object(let members) = value else {
            if case .null = value { return Metadata() }
            throw .unparseable("metadata is not an object")
        }
        var updates: [(String, String?)] = []
        updates.reserveCapacity(members.count)
        for member in members where member.key != "@class" {
            updates.append((member.key, try text(member.value)))
        }
        return Metadata(updates: updates)
    }
}

/// The instance object's members by wire name: one hash per member, where a `switch` on the String compared
/// it with up to 26 literals in turn (~17,000 instructions per registration body under callgrind).
private enum InstanceField {
    case instanceId, hostName, app, ipAddr, sid, status, overriddenStatus, port, securePort, countryId
    case dataCenterInfo, leaseInfo, metadata, appGroupName, homePageUrl, statusPageUrl, healthCheckUrl
    case secureHealthCheckUrl, vipAddress, secureVipAddress, isCoordinatingDiscoveryServer, lastUpdatedTimestamp
    case lastDirtyTimestamp, actionType, asgName

    static let byName: [String: InstanceField] = [
        "instanceId": .instanceId, "hostName": .hostName, "app": .app, "ipAddr": .ipAddr, "sid": .sid,
        "status": .status, "overriddenStatus": .overriddenStatus, "overriddenstatus": .overriddenStatus,
        "port": .port, "securePort": .securePort, "countryId": .countryId, "dataCenterInfo": .dataCenterInfo,
        "leaseInfo": .leaseInfo, "metadata": .metadata, "appGroupName": .appGroupName, "homePageUrl": .homePageUrl,
        "statusPageUrl": .statusPageUrl, "healthCheckUrl": .healthCheckUrl,
        "secureHealthCheckUrl": .secureHealthCheckUrl, "vipAddress": .vipAddress,
        "secureVipAddress": .secureVipAddress, "isCoordinatingDiscoveryServer": .isCoordinatingDiscoveryServer,
        "lastUpdatedTimestamp": .lastUpdatedTimestamp, "lastDirtyTimestamp": .lastDirtyTimestamp,
        "actionType": .actionType, "asgName": .asgName
    ]
}

extension LeaseInfo {
    /// Sets one of the six fields by its wire name (both formats use the same names); others are ignored.
    mutating func set(_ field: String, _ value: Int64) {
        switch field {
        case "renewalIntervalInSecs": renewalIntervalInSecs = Int(truncatingIfNeeded: value)
        case "durationInSecs": durationInSecs = Int(truncatingIfNeeded: value)
        case "registrationTimestamp": registrationTimestamp = value
        case "lastRenewalTimestamp": lastRenewalTimestamp = value
        case "evictionTimestamp": evictionTimestamp = value
        case "serviceUpTimestamp": serviceUpTimestamp = value
        default: break
        }
    }
}
