/// InstanceInfo ↔ `<instance>`, in the element order of spec 3.2. Output is compact (no indentation:
/// whitespace is not part of the contract, spec 1.3) and has no `<?xml ?>` declaration.
enum InstanceXML {
    static func append<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, representation: Representation, to out: inout Out) {
        out.appendStatic("<instance>")
        switch representation {
        case .full: appendFullFields(info, to: &out)
        case .compact: appendCompactFields(info, to: &out)
        }
        out.appendStatic("</instance>")
    }

    private static func appendFullFields<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, to out: inout Out) {
        appendIdentity(info, to: &out)
        if info.sid != "na" && info.sid != "unknown" { out.appendXMLElement("<sid>", "</sid>", text: info.sid) }
        appendStatus("<status>", "</status>", info.status, to: &out)
        // The XML spelling is all lower case; JSON's differs by an upstream accident (spec 3.2).
        appendStatus("<overriddenstatus>", "</overriddenstatus>", info.overriddenStatus, to: &out)
        appendPort(info.port, secure: false, to: &out)
        appendPort(info.securePort, secure: true, to: &out)
        out.appendXMLElement("<countryId>", "</countryId>", decimal: Int64(info.countryId))
        if let dataCenterInfo = info.dataCenterInfo { appendDataCenterInfo(dataCenterInfo, compact: false, to: &out) }
        if let leaseInfo = info.leaseInfo { appendLeaseInfo(leaseInfo, to: &out) }
        appendStringMap(info.metadata, to: &out)
        appendOptional("<appGroupName>", "</appGroupName>", info.appGroupName, to: &out)
        appendOptional("<homePageUrl>", "</homePageUrl>", info.homePageUrl, to: &out)
        appendOptional("<statusPageUrl>", "</statusPageUrl>", info.statusPageUrl, to: &out)
        appendOptional("<healthCheckUrl>", "</healthCheckUrl>", info.healthCheckUrl, to: &out)
        appendOptional("<secureHealthCheckUrl>", "</secureHealthCheckUrl>", info.secureHealthCheckUrl, to: &out)
        appendOptional("<vipAddress>", "</vipAddress>", info.vipAddress, to: &out)
        appendOptional("<secureVipAddress>", "</secureVipAddress>", info.secureVipAddress, to: &out)
        out.appendStatic(info.isCoordinatingDiscoveryServer
            ? "<isCoordinatingDiscoveryServer>true</isCoordinatingDiscoveryServer>"
            : "<isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>")
        out.appendXMLElement("<lastUpdatedTimestamp>", "</lastUpdatedTimestamp>", decimal: info.lastUpdatedTimestamp)
        out.appendXMLElement("<lastDirtyTimestamp>", "</lastDirtyTimestamp>", decimal: info.lastDirtyTimestamp)
        appendActionType(info.actionType, to: &out)
        appendOptional("<asgName>", "</asgName>", info.asgName, to: &out)
    }

    /// The mini codec's field set (spec 3.11), in the same order as the compact JSON.
    private static func appendCompactFields<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, to out: inout Out) {
        appendIdentity(info, to: &out)
        appendStatus("<status>", "</status>", info.status, to: &out)
        if let dataCenterInfo = info.dataCenterInfo { appendDataCenterInfo(dataCenterInfo, compact: true, to: &out) }
        out.appendXMLElement("<lastUpdatedTimestamp>", "</lastUpdatedTimestamp>", decimal: info.lastUpdatedTimestamp)
        appendOptional("<vipAddress>", "</vipAddress>", info.vipAddress, to: &out)
        appendOptional("<secureVipAddress>", "</secureVipAddress>", info.secureVipAddress, to: &out)
        appendActionType(info.actionType, to: &out)
        appendOptional("<asgName>", "</asgName>", info.asgName, to: &out)
        appendPort(info.port, secure: false, to: &out)
        appendPort(info.securePort, secure: true, to: &out)
    }

    private static func appendIdentity<Out: ByteSink & ~Copyable>(_ info: InstanceInfo, to out: inout Out) {
        appendOptional("<instanceId>", "</instanceId>", info.instanceId, to: &out)
        out.appendXMLElement("<hostName>", "</hostName>", text: info.hostName)
        out.appendXMLElement("<app>", "</app>", text: info.app)
        out.appendXMLElement("<ipAddr>", "</ipAddr>", text: info.ipAddr)
    }

    @inline(__always)
    private static func appendOptional<Out: ByteSink & ~Copyable>(_ open: StaticString, _ close: StaticString, _ value: String?,
                                       to out: inout Out) {
        if let value { out.appendXMLElement(open, close, text: value) }
    }

    private static func appendStatus<Out: ByteSink & ~Copyable>(_ open: StaticString, _ close: StaticString, _ status: InstanceStatus,
                                     to out: inout Out) {
        out.appendStatic(open)
        out.appendStatus(status)
        out.appendStatic(close)
    }

    /// `<port enabled="true">8080</port>`
    private static func appendPort<Out: ByteSink & ~Copyable>(_ port: PortInfo, secure: Bool, to out: inout Out) {
        switch (secure, port.enabled) {
        case (false, true): out.appendStatic("<port enabled=\"true\">")
        case (false, false): out.appendStatic("<port enabled=\"false\">")
        case (true, true): out.appendStatic("<securePort enabled=\"true\">")
        case (true, false): out.appendStatic("<securePort enabled=\"false\">")
        }
        out.appendDecimal(port.number)
        out.appendStatic(secure ? "</securePort>" : "</port>")
    }

    private static func appendDataCenterInfo<Out: ByteSink & ~Copyable>(_ info: DataCenterInfo, compact: Bool, to out: inout Out) {
        switch info.name {
        case .amazon:
            out.appendStatic("<dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\"><name>Amazon</name>")
            appendStringMap(compact ? AmazonCompactKeys.filter(info.metadata) : info.metadata, to: &out)
        case .netflix:
            out.appendStatic("<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>Netflix</name>")
        case .myOwn:
            out.appendStatic("<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>MyOwn</name>")
        }
        out.appendStatic("</dataCenterInfo>")
    }

    private static func appendLeaseInfo<Out: ByteSink & ~Copyable>(_ lease: LeaseInfo, to out: inout Out) {
        out.appendStatic("<leaseInfo>")
        out.appendXMLElement("<renewalIntervalInSecs>", "</renewalIntervalInSecs>", decimal: Int64(lease.renewalIntervalInSecs))
        out.appendXMLElement("<durationInSecs>", "</durationInSecs>", decimal: Int64(lease.durationInSecs))
        out.appendXMLElement("<registrationTimestamp>", "</registrationTimestamp>", decimal: lease.registrationTimestamp)
        out.appendXMLElement("<lastRenewalTimestamp>", "</lastRenewalTimestamp>", decimal: lease.lastRenewalTimestamp)
        out.appendXMLElement("<evictionTimestamp>", "</evictionTimestamp>", decimal: lease.evictionTimestamp)
        out.appendXMLElement("<serviceUpTimestamp>", "</serviceUpTimestamp>", decimal: lease.serviceUpTimestamp)
        out.appendStatic("</leaseInfo>")
    }

    /// One element per entry, its name XStream-coded (spec 3.6); an empty map, instance or Amazon,
    /// is the EmptyMap marker. An empty key has no XML spelling at all and is left out.
    private static func appendStringMap<Out: ByteSink & ~Copyable>(_ map: Metadata, to out: inout Out) {
        guard !map.isEmpty else {
            out.appendStatic("<metadata class=\"java.util.Collections$EmptyMap\"/>")
            return
        }
        out.appendStatic("<metadata>")
        for entry in map where !entry.key.isEmpty {
            out.append(UInt8(ascii: "<"))
            XMLNameCoding.append(encoding: entry.key, to: &out)
            out.append(UInt8(ascii: ">"))
            out.appendXMLText(entry.value, inAttribute: false)
            out.appendStatic("</")
            XMLNameCoding.append(encoding: entry.key, to: &out)
            out.append(UInt8(ascii: ">"))
        }
        out.appendStatic("</metadata>")
    }

    private static func appendActionType<Out: ByteSink & ~Copyable>(_ action: ActionType?, to out: inout Out) {
        switch action {
        case .added: out.appendStatic("<actionType>ADDED</actionType>")
        case .modified: out.appendStatic("<actionType>MODIFIED</actionType>")
        case .deleted: out.appendStatic("<actionType>DELETED</actionType>")
        case nil: break
        }
    }
}
