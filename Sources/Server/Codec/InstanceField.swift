import Glibc

/// The instance object's members by wire name: one hash per member, where a `switch` on the String compared
/// it with up to 26 literals in turn (~17,000 instructions per registration body under callgrind).
enum InstanceField {
    case instanceId, hostName, app, ipAddr, sid, status, overriddenStatus, port, securePort, countryId
    case dataCenterInfo, leaseInfo, metadata, appGroupName, homePageUrl, statusPageUrl, healthCheckUrl
    case secureHealthCheckUrl, vipAddress, secureVipAddress, isCoordinatingDiscoveryServer, lastUpdatedTimestamp
    case lastDirtyTimestamp, actionType, asgName

    /// The field whose wire name is exactly these bytes (what `byName` finds for the String they make: a key with
    /// an invalid UTF-8 sequence decodes with U+FFFD and matches no name either way).
    static func named(_ key: UnsafeBufferPointer<UInt8>) -> InstanceField? {
        guard key.count < byLength.count, let base = key.baseAddress else { return nil }
        for (name, field) in byLength[key.count] where memcmp(name, base, key.count) == 0 { return field }
        return nil
    }

    /// `byName` bucketed by the names' UTF-8 length (the longest is 29 bytes): a key is compared with the one to
    /// three names of its length.
    private static let byLength: [[([UInt8], InstanceField)]] = {
        var table = [[([UInt8], InstanceField)]](repeating: [], count: 32)
        for (name, field) in byName { table[name.utf8.count].append((Array(name.utf8), field)) }
        return table
    }()

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
