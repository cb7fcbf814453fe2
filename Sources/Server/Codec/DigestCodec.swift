/// The JSON of `POST /peerreplication/digest` (docs/anti-entropy.md): a node's application hashes, and the peer's
/// instance states and tombstones of the applications that differ.
///
///     request: {"node":"host:port","apps":{"ORDERS":"1f43fef1bbdbb0be"}}
///     reply:   {"apps":{"ORDERS":[["id",1700000000000,"UP","UNKNOWN",0,"00000000000000ab",1700000000500]]},
///               "tombstones":{"ORDERS":[["old-id",1699999999000]]},"truncated":false}
enum DigestCodec {
    /// Values a request may hold (two per application and a few more): far above real registries, and what a
    /// hostile body costs the loop at most.
    static let maxRequestValues = 250_000
    /// A reply of 10,000 states and as many tombstones, with room to spare.
    static let maxReplyValues = 1_000_000

    struct Digest: Sendable, Equatable {
        var node: String
        var hashes: [String: UInt64]
    }

    // MARK: request

    static func encodeRequest(_ request: Digest) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + request.hashes.count * 32)
        out.appendStatic("{\"node\":")
        out.appendJSONString(request.node)
        out.appendStatic(",\"apps\":{")
        var first = true
        for (app, hash) in request.hashes.sorted(by: { bytewiseLess($0.key, $1.key) }) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.appendJSONString(app)
            out.append(UInt8(ascii: ":"))
            out.appendJSONString(AntiEntropyHash.hex(hash))
        }
        out.appendStatic("}}")
        return out
    }

    static func decodeRequest(_ body: [UInt8]) throws(CodecError) -> Digest {
        let root = try JSONReader.parse(body, maxValues: maxRequestValues)
        guard case .object = root else { throw .unparseable("digest: not a JSON object") }
        guard case .object(let members)? = root["apps"] else { throw .unparseable("digest: \"apps\" must be an object") }
        var hashes: [String: UInt64] = [:]
        for member in members {
            guard case .string(let text) = member.value, text.utf8.count <= 16, let hash = UInt64(text, radix: 16) else {
                throw .unparseable("digest: the hash of an application must be 1-16 hex digits")
            }
            hashes[member.key] = hash
        }
        let node: String
        switch root["node"] {
        case nil, .null?: node = ""
        case .string(let text)?: node = text
        default: throw .unparseable("digest: \"node\" must be a string")
        }
        return Digest(node: node, hashes: hashes)
    }

    // MARK: reply

    static func encodeReply(_ reply: DigestReply) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + reply.stateCount * 80)
        out.appendStatic("{\"apps\":{")
        for (index, app) in reply.apps.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendJSONString(app.name)
            out.appendStatic(":[")
            for (stateIndex, state) in app.states.enumerated() {
                if stateIndex > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "["))
                out.appendJSONString(state.id)
                out.append(UInt8(ascii: ","))
                out.appendDecimal(state.lastDirtyTimestamp)
                out.append(UInt8(ascii: ","))
                out.appendJSONString(state.status.rawValue)
                out.append(UInt8(ascii: ","))
                out.appendJSONString(state.overriddenStatus.rawValue)
                out.append(UInt8(ascii: ","))
                out.appendDecimal(state.overrideChangedAt)
                out.append(UInt8(ascii: ","))
                out.appendJSONString(AntiEntropyHash.hex(state.metadataHash))
                out.append(UInt8(ascii: ","))
                out.appendDecimal(state.metadataChangedAt)
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.appendStatic("},\"tombstones\":{")
        var first = true
        for app in reply.apps where !app.tombstones.isEmpty {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.appendJSONString(app.name)
            out.appendStatic(":[")
            for (index, tombstone) in app.tombstones.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "["))
                out.appendJSONString(tombstone.id)
                out.append(UInt8(ascii: ","))
                out.appendDecimal(tombstone.lastDirtyTimestamp)
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.appendStatic("},\"truncated\":")
        out.appendStatic(reply.truncated ? "true}" : "false}")
        return out
    }

    static func decodeReply(_ body: [UInt8]) throws(CodecError) -> DigestReply {
        let root = try JSONReader.parse(body, maxValues: maxReplyValues)
        guard case .object(let apps)? = root["apps"] else { throw .unparseable("digest reply: \"apps\" must be an object") }
        var tombstonesByApp: [String: [TombstoneState]] = [:]
        if case .object(let members)? = root["tombstones"] {
            for member in members {
                tombstonesByApp[member.key] = try member.value.elements.map { (value) throws(CodecError) in
                    guard case .array(let fields) = value, fields.count >= 2, case .string(let id) = fields[0],
                          let dirty = integer(fields[1]) else { throw .unparseable("digest reply: bad tombstone") }
                    return TombstoneState(id: id, lastDirtyTimestamp: dirty)
                }
            }
        }
        var reply = DigestReply()
        reply.truncated = root["truncated"] == .bool(true)
        for member in apps {
            let states = try member.value.elements.map { (value) throws(CodecError) -> InstanceDigestState in
                guard case .array(let fields) = value, fields.count >= 4, case .string(let id) = fields[0],
                      let dirty = integer(fields[1]), case .string(let status) = fields[2], case .string(let override) = fields[3],
                      let parsedStatus = InstanceStatus(rawValue: status), let parsedOverride = InstanceStatus(rawValue: override)
                else { throw .unparseable("digest reply: bad instance state") }
                let changedAt = fields.count > 4 ? integer(fields[4]) ?? 0 : 0
                // Fields 6-7 (metadata hash and its change time) came later; a reply without them reads as no metadata.
                var metadataHash: UInt64 = 0
                if fields.count > 5 {
                    guard case .string(let text) = fields[5], text.utf8.count <= 16, let parsed = UInt64(text, radix: 16)
                    else { throw .unparseable("digest reply: bad metadata hash") }
                    metadataHash = parsed
                }
                let metadataChangedAt = fields.count > 6 ? integer(fields[6]) ?? 0 : 0
                return InstanceDigestState(id: id, lastDirtyTimestamp: dirty, status: parsedStatus, overriddenStatus: parsedOverride,
                                           overrideChangedAt: changedAt, metadataHash: metadataHash, metadataChangedAt: metadataChangedAt)
            }
            reply.apps.append(.init(name: member.key, states: states, tombstones: tombstonesByApp[member.key] ?? []))
        }
        return reply
    }

    private static func integer(_ value: JSONValue) -> Int64? {
        guard case .number(let text) = value else { return nil }
        return Int64(text)
    }
}
