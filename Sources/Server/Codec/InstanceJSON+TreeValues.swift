/// The instance's nested values read from a parsed tree (`JSONValue`): the reference rules of spec 3.3-3.7, which the
/// member-by-member reading (InstanceJSON+BodyValues.swift) falls back to for any shape it does not read itself.
extension InstanceJSON {
    /// A string field: scalars as their text, `null` absent; an object or array where a string
    /// belongs is what Jackson refuses too.
    static func text(_ value: JSONValue) throws(CodecError) -> String? {
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

    static func timestamp(_ value: JSONValue, field: StaticString) throws(CodecError) -> Int64? {
        guard let text = try text(value) else { return nil }
        return try LenientInput.requiredInteger(text, field: field)
    }

    /// `{"$":8080,"@enabled":"true"}`; a bare number is read as the port number. What is missing
    /// keeps the default (spec 3.3).
    static func port(_ value: JSONValue, default fallback: PortInfo) throws(CodecError) -> PortInfo {
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
    static func dataCenterInfo(_ value: JSONValue) throws(CodecError) -> (DataCenterInfo?, Bool) {
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
    static func leaseInfo(_ value: JSONValue) throws(CodecError) -> LeaseInfo? {
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
    static func stringMap(_ value: JSONValue) throws(CodecError) -> Metadata {
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
