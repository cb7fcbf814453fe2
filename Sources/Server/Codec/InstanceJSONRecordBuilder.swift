extension InstanceJSON {
    /// The record being decoded, one member at a time in document order (a duplicate key's last value wins, a
    /// later `null` restores the default). `apply(_:_:)` with a tree value holds each field's rule; reading
    /// from the body falls back to it for any spelling it does not read from the bytes itself, so both ways in
    /// give the same record.
    struct RecordBuilder {
        var info = InstanceInfo()
        var hasApp = false
        var missingName = false
        let now: Int64
        /// Recent metadata objects by their bytes (member-by-member reading only).
        var reuse: MetadataReuse?

        init(now: Int64) {
            self.now = now
            info.lastUpdatedTimestamp = now
            info.lastDirtyTimestamp = now
        }

        /// One member read straight from the body: the nested objects member by member (no tree, no key Strings),
        /// integers and the common status and flag spellings from their bytes, the rest as the tree's values.
        mutating func apply(_ field: InstanceField, _ reader: inout JSONReader) throws(CodecError) {
            switch field {
            case .port: info.port = try InstanceJSON.port(&reader, default: .defaultPort)
            case .securePort: info.securePort = try InstanceJSON.port(&reader, default: .defaultSecurePort)
            case .dataCenterInfo: (info.dataCenterInfo, missingName) = try InstanceJSON.dataCenterInfo(&reader)
            case .leaseInfo: info.leaseInfo = try InstanceJSON.leaseInfo(&reader)
            case .metadata: info.metadata = try InstanceJSON.metadata(&reader, reuse: reuse)
            case .countryId, .lastUpdatedTimestamp, .lastDirtyTimestamp:
                let raw = try reader.readRaw()
                guard let number = raw.plainInteger else { return try apply(field, raw.value) }
                switch field {
                case .countryId: info.countryId = Int(truncatingIfNeeded: number)
                case .lastUpdatedTimestamp: info.lastUpdatedTimestamp = number
                default: info.lastDirtyTimestamp = number
                }
            case .status, .overriddenStatus:
                let raw = try reader.readRaw()
                guard let status = InstanceJSON.exactStatus(raw) else { return try apply(field, raw.value) }
                if field == .status { info.status = status } else { info.overriddenStatus = status }
            case .isCoordinatingDiscoveryServer:
                let raw = try reader.readRaw()
                if raw.isPlain("false") {
                    info.isCoordinatingDiscoveryServer = false
                } else if raw.isPlain("true") {
                    info.isCoordinatingDiscoveryServer = true
                } else {
                    try apply(field, raw.value)
                }
            default:
                let raw = try reader.readRaw()
                if case .plainString(let bytes) = raw, setText(field, bytes) { return }
                try apply(field, raw.value)
            }
        }

        /// A string field set straight from a plain string's bytes (no `JSONValue` in between): what `apply(_:_:)`
        /// sets for the same string. False for the other fields, which the caller reads through `apply`.
        mutating func setText(_ field: InstanceField, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let text = { String(decoding: bytes, as: UTF8.self) }
            switch field {
            case .instanceId: info.instanceId = text()
            case .hostName: info.hostName = text()
            case .app:
                hasApp = true
                info.app = InstanceInfo.normalisedAppName(text())  // upper case: the same as uppercased()
            case .ipAddr: info.ipAddr = text()
            case .sid: info.sid = text()
            case .appGroupName: info.appGroupName = InstanceInfo.normalisedAppName(text())
            case .homePageUrl: info.homePageUrl = text()
            case .statusPageUrl: info.statusPageUrl = text()
            case .healthCheckUrl: info.healthCheckUrl = text()
            case .secureHealthCheckUrl: info.secureHealthCheckUrl = text()
            case .vipAddress: info.vipAddress = text()
            case .secureVipAddress: info.secureVipAddress = text()
            case .asgName: info.asgName = text()
            default: return false
            }
            return true
        }

        mutating func apply(_ field: InstanceField, _ value: JSONValue) throws(CodecError) {
            switch field {
            case .instanceId: info.instanceId = try InstanceJSON.text(value)
            case .hostName: info.hostName = try InstanceJSON.text(value) ?? ""
            case .app:
                let app = try InstanceJSON.text(value)
                hasApp = app != nil
                info.app = app?.uppercased() ?? ""
            case .ipAddr: info.ipAddr = try InstanceJSON.text(value) ?? ""
            case .sid: info.sid = try InstanceJSON.text(value) ?? "na"
            case .status: info.status = try InstanceJSON.text(value).map(LenientInput.status) ?? .up
            case .overriddenStatus:
                info.overriddenStatus = try InstanceJSON.text(value).map(LenientInput.status) ?? .unknown
            case .port: info.port = try InstanceJSON.port(value, default: .defaultPort)
            case .securePort: info.securePort = try InstanceJSON.port(value, default: .defaultSecurePort)
            case .countryId:
                info.countryId = try InstanceJSON.text(value).map { (text) throws(CodecError) in
                    Int(truncatingIfNeeded: try LenientInput.requiredInteger(text, field: "countryId"))
                } ?? 1
            case .dataCenterInfo:
                (info.dataCenterInfo, missingName) = try InstanceJSON.dataCenterInfo(value)
            case .leaseInfo: info.leaseInfo = try InstanceJSON.leaseInfo(value)
            case .metadata: info.metadata = try InstanceJSON.stringMap(value)
            case .appGroupName: info.appGroupName = try InstanceJSON.text(value)?.uppercased()
            case .homePageUrl: info.homePageUrl = try InstanceJSON.text(value)
            case .statusPageUrl: info.statusPageUrl = try InstanceJSON.text(value)
            case .healthCheckUrl: info.healthCheckUrl = try InstanceJSON.text(value)
            case .secureHealthCheckUrl: info.secureHealthCheckUrl = try InstanceJSON.text(value)
            case .vipAddress: info.vipAddress = try InstanceJSON.text(value)
            case .secureVipAddress: info.secureVipAddress = try InstanceJSON.text(value)
            case .isCoordinatingDiscoveryServer: info.isCoordinatingDiscoveryServer = InstanceJSON.boolean(value) ?? false
            case .lastUpdatedTimestamp: info.lastUpdatedTimestamp = try InstanceJSON.timestamp(value, field: "lastUpdatedTimestamp") ?? now
            case .lastDirtyTimestamp: info.lastDirtyTimestamp = try InstanceJSON.timestamp(value, field: "lastDirtyTimestamp") ?? now
            case .actionType: info.actionType = try InstanceJSON.text(value).flatMap(LenientInput.actionType)
            case .asgName: info.asgName = try InstanceJSON.text(value)
            }
        }

        /// The record, moved out (the builder is done with): a copy would retain and release its ~20 strings.
        mutating func finish() throws(CodecError) -> DecodedInstance {
            // InstanceInfo.Builder.build refuses an instance without an app name (spec 2.1 #0).
            guard hasApp else { throw .unparseable("instance has no app field") }
            var record = InstanceInfo()
            swap(&record, &info)
            return DecodedInstance(info: record, dataCenterInfoMissingName: missingName)
        }
    }
}
