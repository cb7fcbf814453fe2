/// `<instance>` → InstanceInfo. Elements may come in any order; unknown elements and attributes are
/// ignored (spec 3.7); a repeated element's last occurrence wins, as in JSON.
extension InstanceXML {
    static func decode(_ element: XMLElementNode, now: Int64) throws(CodecError) -> DecodedInstance {
        var info = InstanceInfo()
        var hasApp = false
        var missingName = false
        info.lastUpdatedTimestamp = now
        info.lastDirtyTimestamp = now
        for child in element.children {
            let text = child.text
            switch child.name {
            case "instanceId": info.instanceId = text
            case "hostName": info.hostName = text
            case "app":
                hasApp = true
                info.app = text.uppercased()
            case "ipAddr": info.ipAddr = text
            case "sid": info.sid = text
            case "status": info.status = LenientInput.status(text)
            case "overriddenstatus", "overriddenStatus": info.overriddenStatus = LenientInput.status(text)
            // XStream's converter: for `port` anything but "false" enables, for `securePort` only "true".
            case "port":
                info.port.number = try LenientInput.portNumber(text)
                if let flag = child.attribute("enabled") { info.port.enabled = flag.lowercased() != "false" }
            case "securePort":
                info.securePort.number = try LenientInput.portNumber(text)
                if let flag = child.attribute("enabled") { info.securePort.enabled = flag.lowercased() == "true" }
            case "countryId": info.countryId = Int(truncatingIfNeeded: try LenientInput.requiredInteger(text, field: "countryId"))
            case "dataCenterInfo": (info.dataCenterInfo, missingName) = try dataCenterInfo(child)
            case "leaseInfo": info.leaseInfo = leaseInfo(child)
            case "metadata": info.metadata = stringMap(child)
            case "appGroupName": info.appGroupName = text.uppercased()
            case "homePageUrl": info.homePageUrl = text
            case "statusPageUrl": info.statusPageUrl = text
            case "healthCheckUrl": info.healthCheckUrl = text
            case "secureHealthCheckUrl": info.secureHealthCheckUrl = text
            case "vipAddress": info.vipAddress = text
            case "secureVipAddress": info.secureVipAddress = text
            case "isCoordinatingDiscoveryServer": info.isCoordinatingDiscoveryServer = LenientInput.boolean(text)
            case "lastUpdatedTimestamp":
                info.lastUpdatedTimestamp = try LenientInput.requiredInteger(text, field: "lastUpdatedTimestamp")
            case "lastDirtyTimestamp":
                info.lastDirtyTimestamp = try LenientInput.requiredInteger(text, field: "lastDirtyTimestamp")
            case "actionType": info.actionType = LenientInput.actionType(text)
            case "asgName": info.asgName = text
            default: continue
            }
        }
        guard hasApp else { throw .unparseable("instance has no <app> element") }
        return DecodedInstance(info: info, dataCenterInfoMissingName: missingName)
    }

    /// Kind from `<name>`, the `class` attribute unchecked (spec 3.4); no `<name>` → nil + flag.
    private static func dataCenterInfo(_ element: XMLElementNode) throws(CodecError) -> (DataCenterInfo?, Bool) {
        var name: DataCenterInfo.Name?
        var metadata = Metadata()
        for child in element.children {
            switch child.name {
            case "name": name = try LenientInput.dataCenterName(child.text)
            case "metadata": metadata = stringMap(child)
            default: continue
            }
        }
        guard let name else { return (nil, true) }
        return (DataCenterInfo(name: name, metadata: name == .amazon ? metadata : Metadata()), false)
    }

    /// Non-numeric values are skipped (spec 3.5).
    private static func leaseInfo(_ element: XMLElementNode) -> LeaseInfo {
        var lease = LeaseInfo()
        for child in element.children {
            if let number = LenientInput.integer(child.text) { lease.set(child.name, number) }
        }
        return lease
    }

    /// Element names decoded back to keys (spec 3.6); attributes of `<metadata>` (the EmptyMap
    /// marker's `class`) are ignored, so the marker reads back as an empty map.
    private static func stringMap(_ element: XMLElementNode) -> Metadata {
        Metadata(updates: element.children.lazy.map { (XMLNameCoding.decode($0.name), Optional($0.text)) })
    }
}
