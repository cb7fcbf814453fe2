import Glibc

/// JSON → InstanceInfo with the lenient rules of spec 3.7: numbers or numeric strings, lenient
/// booleans, `null` as absent, unknown members of any shape skipped. Members are applied in order,
/// so a duplicate key's last value wins, and a later `null` restores the default.
extension InstanceJSON {
    /// Decodes the instance object itself (no `instance` wrapper): the register body's inner object,
    /// an element of an application's `instance` array, or a batch item's `instanceInfo`.
    static func decode(_ value: JSONValue, now: Int64) throws(CodecError) -> DecodedInstance {
        guard case .object(let members) = value else { throw .unparseable("instance is not an object") }
        var builder = Builder(now: now)
        for member in members {
            guard let field = InstanceField.byName[member.key] else { continue }
            try builder.apply(field, member.value)
        }
        return try builder.finish()
    }

    /// The register body `{"instance":{…}}` read member by member, without the document's tree or a String per
    /// key (the tree path cost ~100,000 instructions per ~1.1 KB body under callgrind). Nil for any other shape
    /// and for any other error: the caller then decodes the body whole, so what is refused, and with which error,
    /// stays exactly what the tree path decides. The one error thrown here is the value budget's: the tree counts
    /// the same values in the same order and would stop at the same one, so a hostile body is not parsed twice.
    /// `reuse` (the API's) answers a metadata object seen in a recent body without reading it again.
    static func decodeWrapped(_ body: [UInt8], now: Int64, maxValues: Int,
                              reuse: MetadataReuse? = nil) throws(CodecError) -> DecodedInstance? {
        var builder = Builder(now: now)
        builder.reuse = reuse
        do {
            let complete = try JSONReader.readWrappedMembers(body, wrapper: "instance", maxValues: maxValues) {
                (key, reader) throws(CodecError) in
                guard let field = InstanceField.named(key) else { return try reader.skipValue() }
                try builder.apply(field, &reader)
            }
            return complete ? try builder.finish() : nil
        } catch .tooManyValues(let limit) {
            throw .tooManyValues(limit: limit)
        } catch {
            return nil
        }
    }

    /// The record being decoded, one member at a time in document order (a duplicate key's last value wins, a
    /// later `null` restores the default).
    private struct Builder {
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

    /// A status written exactly as its name (what clients send), without a String; nil for anything else, which
    /// `LenientInput.status` reads (the same status for these).
    fileprivate static func exactStatus(_ raw: JSONReader.RawValue) -> InstanceStatus? {
        guard case .plainString(let bytes) = raw else { return nil }
        switch bytes.count {
        case 2: return bytes.equals("UP") ? .up : nil
        case 4: return bytes.equals("DOWN") ? .down : nil
        case 7: return bytes.equals("UNKNOWN") ? .unknown : nil
        case 8: return bytes.equals("STARTING") ? .starting : nil
        case 14: return bytes.equals("OUT_OF_SERVICE") ? .outOfService : nil
        default: return nil
        }
    }

    /// `port` read from the body: an object member by member, anything else as the tree's value.
    fileprivate static func port(_ reader: inout JSONReader, default fallback: PortInfo) throws(CodecError) -> PortInfo {
        guard reader.peek() == UInt8(ascii: "{") else { return try port(reader.readValue(), default: fallback) }
        var port = fallback
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            if key.equals("$") {
                let raw = try reader.readRaw()
                if let number = raw.plainInteger {
                    guard (0...65535).contains(number) else { throw .unparseable("bad port number \(number)") }
                    port.number = Int(number)
                } else if let text = try text(raw.value) {
                    port.number = try LenientInput.portNumber(text)
                }
            } else if key.equals("@enabled") {
                let raw = try reader.readRaw()
                port.enabled = raw.isPlain("true") ? true : raw.isPlain("false") ? false : boolean(raw.value) ?? fallback.enabled
            } else {
                try reader.skipValue()
            }
        }
        return port
    }

    /// `dataCenterInfo` read from the body: an object member by member (`@class` checked, not copied).
    fileprivate static func dataCenterInfo(_ reader: inout JSONReader) throws(CodecError) -> (DataCenterInfo?, Bool) {
        guard reader.peek() == UInt8(ascii: "{") else { return try dataCenterInfo(reader.readValue()) }
        var name: DataCenterInfo.Name?
        var metadata = Metadata()
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            if key.equals("name") {
                name = try text(try reader.readRaw().value).map { (text) throws(CodecError) in try LenientInput.dataCenterName(text) }
            } else if key.equals("metadata") {
                metadata = try stringMap(&reader)
            } else {
                try reader.skipValue()
            }
        }
        guard let name else { return (nil, true) }
        return (DataCenterInfo(name: name, metadata: name == .amazon ? metadata : Metadata()), false)
    }

    /// `leaseInfo` read from the body: an object member by member, keys matched as bytes.
    fileprivate static func leaseInfo(_ reader: inout JSONReader) throws(CodecError) -> LeaseInfo? {
        guard reader.peek() == UInt8(ascii: "{") else { return try leaseInfo(reader.readValue()) }
        var lease = LeaseInfo()
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            let raw = try reader.readRaw()
            guard let number = raw.plainInteger ?? raw.value.scalarText.flatMap(LenientInput.integer) else { continue }
            lease.set(key, number)
        }
        return lease
    }

    /// The instance's metadata: a remembered object's map when the body repeats its bytes, else read and remembered.
    fileprivate static func metadata(_ reader: inout JSONReader, reuse: MetadataReuse?) throws(CodecError) -> Metadata {
        guard let reuse, reader.peek() == UInt8(ascii: "{") else { return try stringMap(&reader) }
        if let known = reuse.match(reader.rest()) {
            try reader.skip(bytes: known.bytes, values: known.values)
            return known.metadata
        }
        let start = reader.position
        let budget = reader.valuesLeft
        let metadata = try stringMap(&reader)
        reuse.remember(UnsafeBufferPointer(rebasing: reader.bytes[start..<reader.position]),
                       values: budget - reader.valuesLeft, metadata: metadata)
        return metadata
    }

    /// A string map read from the body: an object member by member, `@class` checked, not copied.
    fileprivate static func stringMap(_ reader: inout JSONReader) throws(CodecError) -> Metadata {
        guard reader.peek() == UInt8(ascii: "{") else { return try stringMap(reader.readValue()) }
        var updates: [(String, String?)] = []
        updates.reserveCapacity(16)
        var cursor = try reader.enterObject()
        while let key = try reader.nextKey(&cursor) {
            if key.equals("@class") {
                try reader.skipValue()
                continue
            }
            updates.append((String(decoding: key, as: UTF8.self), try text(try reader.readRaw().value)))
        }
        return Metadata(updates: updates)
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

extension LeaseInfo {
    /// `set(_:_:)` by the name's bytes, without a String per key.
    mutating func set(_ field: UnsafeBufferPointer<UInt8>, _ value: Int64) {
        switch field.count {
        case 21 where field.equals("renewalIntervalInSecs"): renewalIntervalInSecs = Int(truncatingIfNeeded: value)
        case 14 where field.equals("durationInSecs"): durationInSecs = Int(truncatingIfNeeded: value)
        case 21 where field.equals("registrationTimestamp"): registrationTimestamp = value
        case 20 where field.equals("lastRenewalTimestamp"): lastRenewalTimestamp = value
        case 17 where field.equals("evictionTimestamp"): evictionTimestamp = value
        case 18 where field.equals("serviceUpTimestamp"): serviceUpTimestamp = value
        default: break
        }
    }

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
