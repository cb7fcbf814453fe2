/// InstanceInfo ↔ `<instance>`, in the element order of spec 3.2. Output is compact (no indentation:
/// whitespace is not part of the contract, spec 1.3) and has no `<?xml ?>` declaration.
enum InstanceXML {
    static func append(_ info: InstanceInfo, representation: Representation, to out: inout [UInt8]) {
        out.appendOpenTag("instance")
        switch representation {
        case .full: appendFullFields(info, to: &out)
        case .compact: appendCompactFields(info, to: &out)
        }
        out.appendCloseTag("instance")
    }

    private static func appendFullFields(_ info: InstanceInfo, to out: inout [UInt8]) {
        appendOptional("instanceId", info.instanceId, to: &out)
        out.appendXMLElement("hostName", text: info.hostName)
        out.appendXMLElement("app", text: info.app)
        out.appendXMLElement("ipAddr", text: info.ipAddr)
        if info.sid != "na" && info.sid != "unknown" { out.appendXMLElement("sid", text: info.sid) }
        appendStatus("status", info.status, to: &out)
        // The XML spelling is all lower case; JSON's differs by an upstream accident (spec 3.2).
        appendStatus("overriddenstatus", info.overriddenStatus, to: &out)
        appendPort("port", info.port, to: &out)
        appendPort("securePort", info.securePort, to: &out)
        out.appendXMLElement("countryId", decimal: Int64(info.countryId))
        if let dataCenterInfo = info.dataCenterInfo { appendDataCenterInfo(dataCenterInfo, compact: false, to: &out) }
        if let leaseInfo = info.leaseInfo { appendLeaseInfo(leaseInfo, to: &out) }
        appendStringMap(info.metadata, to: &out)
        appendOptional("appGroupName", info.appGroupName, to: &out)
        appendOptional("homePageUrl", info.homePageUrl, to: &out)
        appendOptional("statusPageUrl", info.statusPageUrl, to: &out)
        appendOptional("healthCheckUrl", info.healthCheckUrl, to: &out)
        appendOptional("secureHealthCheckUrl", info.secureHealthCheckUrl, to: &out)
        appendOptional("vipAddress", info.vipAddress, to: &out)
        appendOptional("secureVipAddress", info.secureVipAddress, to: &out)
        out.appendStatic(info.isCoordinatingDiscoveryServer
            ? "<isCoordinatingDiscoveryServer>true</isCoordinatingDiscoveryServer>"
            : "<isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>")
        out.appendXMLElement("lastUpdatedTimestamp", decimal: info.lastUpdatedTimestamp)
        out.appendXMLElement("lastDirtyTimestamp", decimal: info.lastDirtyTimestamp)
        appendActionType(info.actionType, to: &out)
        appendOptional("asgName", info.asgName, to: &out)
    }

    /// The mini codec's field set (spec 3.11), in the same order as the compact JSON.
    private static func appendCompactFields(_ info: InstanceInfo, to out: inout [UInt8]) {
        appendOptional("instanceId", info.instanceId, to: &out)
        out.appendXMLElement("hostName", text: info.hostName)
        out.appendXMLElement("app", text: info.app)
        out.appendXMLElement("ipAddr", text: info.ipAddr)
        appendStatus("status", info.status, to: &out)
        if let dataCenterInfo = info.dataCenterInfo { appendDataCenterInfo(dataCenterInfo, compact: true, to: &out) }
        out.appendXMLElement("lastUpdatedTimestamp", decimal: info.lastUpdatedTimestamp)
        appendOptional("vipAddress", info.vipAddress, to: &out)
        appendOptional("secureVipAddress", info.secureVipAddress, to: &out)
        appendActionType(info.actionType, to: &out)
        appendOptional("asgName", info.asgName, to: &out)
        appendPort("port", info.port, to: &out)
        appendPort("securePort", info.securePort, to: &out)
    }

    @inline(__always)
    private static func appendOptional(_ name: StaticString, _ value: String?, to out: inout [UInt8]) {
        if let value { out.appendXMLElement(name, text: value) }
    }

    private static func appendStatus(_ name: StaticString, _ status: InstanceStatus, to out: inout [UInt8]) {
        out.appendOpenTag(name)
        out.appendStatus(status)
        out.appendCloseTag(name)
    }

    /// `<port enabled="true">8080</port>`
    private static func appendPort(_ name: StaticString, _ port: PortInfo, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out.appendStatic(name)
        out.appendStatic(port.enabled ? " enabled=\"true\">" : " enabled=\"false\">")
        out.appendDecimal(port.number)
        out.appendCloseTag(name)
    }

    private static func appendDataCenterInfo(_ info: DataCenterInfo, compact: Bool, to out: inout [UInt8]) {
        switch info.name {
        case .amazon:
            out.appendStatic("<dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\"><name>Amazon</name>")
            appendStringMap(compact ? AmazonCompactKeys.filter(info.metadata) : info.metadata, to: &out)
        case .netflix:
            out.appendStatic("<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>Netflix</name>")
        case .myOwn:
            out.appendStatic("<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>MyOwn</name>")
        }
        out.appendCloseTag("dataCenterInfo")
    }

    private static func appendLeaseInfo(_ lease: LeaseInfo, to out: inout [UInt8]) {
        out.appendOpenTag("leaseInfo")
        out.appendXMLElement("renewalIntervalInSecs", decimal: Int64(lease.renewalIntervalInSecs))
        out.appendXMLElement("durationInSecs", decimal: Int64(lease.durationInSecs))
        out.appendXMLElement("registrationTimestamp", decimal: lease.registrationTimestamp)
        out.appendXMLElement("lastRenewalTimestamp", decimal: lease.lastRenewalTimestamp)
        out.appendXMLElement("evictionTimestamp", decimal: lease.evictionTimestamp)
        out.appendXMLElement("serviceUpTimestamp", decimal: lease.serviceUpTimestamp)
        out.appendCloseTag("leaseInfo")
    }

    /// One element per entry, its name XStream-coded (spec 3.6); an empty map, instance or Amazon,
    /// is the EmptyMap marker. An empty key has no XML spelling at all and is left out.
    private static func appendStringMap(_ map: Metadata, to out: inout [UInt8]) {
        guard !map.isEmpty else {
            out.appendStatic("<metadata class=\"java.util.Collections$EmptyMap\"/>")
            return
        }
        out.appendOpenTag("metadata")
        for entry in map where !entry.key.isEmpty {
            out.append(UInt8(ascii: "<"))
            XMLNameCoding.append(encoding: entry.key, to: &out)
            out.append(UInt8(ascii: ">"))
            out.appendXMLText(entry.value, inAttribute: false)
            out.appendStatic("</")
            XMLNameCoding.append(encoding: entry.key, to: &out)
            out.append(UInt8(ascii: ">"))
        }
        out.appendCloseTag("metadata")
    }

    private static func appendActionType(_ action: ActionType?, to out: inout [UInt8]) {
        switch action {
        case .added: out.appendStatic("<actionType>ADDED</actionType>")
        case .modified: out.appendStatic("<actionType>MODIFIED</actionType>")
        case .deleted: out.appendStatic("<actionType>DELETED</actionType>")
        case nil: break
        }
    }
}
