import Glibc

/// One item of a peer's batch (spec 7.4, `ReplicationInstance`).
struct ReplicationItem: Sendable, Equatable {
    enum Action: String, Sendable, CaseIterable {
        case register = "Register"
        case heartbeat = "Heartbeat"
        case cancel = "Cancel"
        case statusUpdate = "StatusUpdate"
        case deleteStatusOverride = "DeleteStatusOverride"
    }

    /// nil when the item had no `action` (answered 500 for that item, spec 7.5).
    var action: Action?
    var appName: String
    var id: String
    var lastDirtyTimestamp: Int64?
    /// The raw status text: validated by the endpoint (an invalid one is a 400 for that item).
    var status: String?
    var overriddenStatus: String?
    /// A register's record, kept out of line: most items carry none, and a record inline would make every item
    /// (copied several times on its way to and from the wire) as large as a whole instance.
    var instance: DecodedInstance? {
        get { boxedInstance?.value }
        set { boxedInstance = newValue.map(Boxed.init) }
    }
    private var boxedInstance: Boxed<DecodedInstance>?

    init(action: Action?, appName: String, id: String) {
        self.action = action
        self.appName = appName
        self.id = id
    }
}

/// One result of a batch reply (spec 7.4, `ReplicationListResponse`).
struct ReplicationResult: Sendable, Equatable {
    var statusCode: Int
    /// The receiver's record on a 409, out of line for the same reason as an item's.
    var entity: InstanceInfo? {
        get { boxedEntity?.value }
        set { boxedEntity = newValue.map(Boxed.init) }
    }
    private var boxedEntity: Boxed<InstanceInfo>?

    init(statusCode: Int, entity: InstanceInfo? = nil) {
        self.statusCode = statusCode
        self.entity = entity
    }
}

/// An immutable value on the heap: a large, rarely present member of a small, often copied struct.
final class Boxed<Value: Sendable & Equatable>: Sendable, Equatable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func == (a: Boxed, b: Boxed) -> Bool { a === b || a.value == b.value }
}

/// The batch body both ways (JSON only: an XML batch is 415, spec 1.4). Receiving: `decode` the request,
/// `encode` the results. Sending: `encodeRequest`, then `decodeReply`.
enum ReplicationListCodec {
    /// An unknown action name makes the whole body unparseable (spec 7.5).
    static func decode(_ body: [UInt8], now: Int64) throws(CodecError) -> [ReplicationItem] {
        if let items = FlatBatchScanner.items(body) { return items }
        return try decodeTree(body, now: now)
    }

    /// The general reader: any JSON our lenient input rules accept (3.7).
    static func decodeTree(_ body: [UInt8], now: Int64) throws(CodecError) -> [ReplicationItem] {
        let root = try JSONReader.parse(body)
        guard case .object = root, let list = root["replicationList"] else {
            throw CodecError.unparseable("no replicationList")
        }
        var items: [ReplicationItem] = []
        for element in list.elements {
            guard case .object = element else { throw CodecError.unparseable("replication item is not an object") }
            var action: ReplicationItem.Action?
            if let name = element["action"]?.scalarText {
                guard let known = ReplicationItem.Action(rawValue: name) else { throw CodecError.unparseable("unknown action \(name)") }
                action = known
            }
            var item = ReplicationItem(action: action, appName: upperCased(element["appName"]?.scalarText ?? ""),
                                       id: element["id"]?.scalarText ?? "")
            item.lastDirtyTimestamp = element["lastDirtyTimestamp"]?.scalarText.flatMap(LenientInput.integer)
            item.status = element["status"]?.scalarText
            item.overriddenStatus = element["overriddenStatus"]?.scalarText
            if let instance = element["instanceInfo"], case .object = instance {
                item.instance = try InstanceJSON.decode(instance, now: now)
            }
            items.append(item)
        }
        return items
    }

    /// Application names are upper-cased (1.2); most arrive upper-case already, and then no new string is made.
    static func upperCased(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") || $0 >= 0x80 }) ? name.uppercased() : name
    }

    /// `{"responseList":[{"statusCode":200},{"statusCode":409,"responseEntity":{...}}]}`. With `bounded`, a record
    /// goes out once per reply (later results for the same instance carry none), and once the reply holds
    /// `entityBudget` bytes later results carry none either: what one batch can make the node build is bounded by
    /// the budget plus one record (issue #18: 1,000 stale heartbeats of one large record made a 131 MB reply). A
    /// Netflix sender reads a 409 without an entity as "nothing to adopt" (its heartbeat task syncs only when the
    /// entity is present), as does ours (`BatchResults`); the instance's next heartbeat asks again.
    static func encode(_ results: [ReplicationResult], entityBudget: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var carried: Set<String> = []
        out.appendStatic(#"{"responseList":["#)
        for (index, result) in results.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendStatic(#"{"statusCode":"#)
            out.appendDecimal(result.statusCode)
            if let entity = result.entity,
               entityBudget.map({ out.count < $0 && carried.insert(entity.app + "/" + entity.effectiveId).inserted }) ?? true {
                out.appendStatic(#","responseEntity":"#)
                InstanceCodec.append(entity, format: .json, representation: .full, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.appendStatic("]}")
        return out
    }

    /// `{"replicationList":[…]}` as OUR sender writes it (spec 7.4): members in the order of the spec's example,
    /// absent ones left out, `lastDirtyTimestamp` a JSON number (unlike the instance's own, a string), the
    /// instance in full form without its `instance` wrapper.
    static func encodeRequest(_ items: [ReplicationItem]) -> [UInt8] {
        var out: [UInt8] = []
        // Most items are heartbeats of ~150 bytes; a register adds a ~1 KB record.
        out.reserveCapacity(32 + items.count * 192)
        out.appendStatic(#"{"replicationList":["#)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendStatic(#"{"appName":"#)
            out.appendJSONString(item.appName)
            out.appendStatic(#","id":"#)
            out.appendJSONString(item.id)
            if let lastDirtyTimestamp = item.lastDirtyTimestamp {
                out.appendStatic(#","lastDirtyTimestamp":"#)
                out.appendDecimal(lastDirtyTimestamp)
            }
            if let overriddenStatus = item.overriddenStatus {
                out.appendStatic(#","overriddenStatus":"#)
                out.appendJSONString(overriddenStatus)
            }
            if let status = item.status {
                out.appendStatic(#","status":"#)
                out.appendJSONString(status)
            }
            if let instance = item.instance {
                out.appendStatic(#","instanceInfo":"#)
                InstanceJSON.append(instance.info, representation: .full, to: &out)
            }
            if let action = item.action {
                out.appendStatic(#","action":"#)
                out.appendJSONString(action.rawValue)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.appendStatic("]}")
        return out
    }

    /// A peer's reply to our batch, read as leniently as the rest of our input (spec 3.7): `statusCode` a number
    /// or a numeric string (missing or `null`: 0, Jackson's default for an int, which the sender treats as a
    /// failed item); `responseEntity` the full instance form without wrapper, `null` absent. A body that is not
    /// such a document throws, which the sender classes as a permanent failure (spec 7.6).
    static func decodeReply(_ body: [UInt8], now: Int64) throws(CodecError) -> [ReplicationResult] {
        if let results = compactReply(body) { return results }
        let root = try JSONReader.parse(body)
        guard case .object = root, let list = root["responseList"] else {
            throw CodecError.unparseable("no responseList")
        }
        var results: [ReplicationResult] = []
        for element in list.elements {
            guard case .object = element else { throw CodecError.unparseable("replication result is not an object") }
            var result = ReplicationResult(statusCode: 0)
            if let code = element["statusCode"], code != .null {
                guard let value = code.scalarText.flatMap(LenientInput.integer), let statusCode = Int(exactly: value) else {
                    throw CodecError.unparseable("statusCode is not a number")
                }
                result.statusCode = statusCode
            }
            if let entity = element["responseEntity"], entity != .null {
                result.entity = try InstanceJSON.decode(entity, now: now).info
            }
            results.append(result)
        }
        return results
    }

    /// The reply exactly as our receiver writes it when no item carries a record, `{"responseList":[{"statusCode":200},
    /// …]}` and nothing else, read by a scan rather than through a JSON tree: a batch of heartbeats is answered
    /// this way every time, and the tree cost more than encoding the batch (bench/RESULTS.md). nil for any other
    /// shape (a 409's record, whitespace, Jackson's `null`s), which the general reader then handles.
    static func compactReply(_ body: [UInt8]) -> [ReplicationResult]? {
        body.withUnsafeBufferPointer { bytes -> [ReplicationResult]? in
            var index = 0
            func skip(_ literal: StaticString) -> Bool {
                let count = literal.utf8CodeUnitCount
                guard bytes.count - index >= count,
                      memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0 else { return false }
                index += count
                return true
            }
            guard skip(#"{"responseList":["#) else { return nil }
            var results: [ReplicationResult] = []
            results.reserveCapacity(bytes.count / 19)  // `{"statusCode":200},` per item
            if skip("]}") { return index == bytes.count ? results : nil }
            while skip(#"{"statusCode":"#) {
                var code = 0
                let start = index
                while index < bytes.count, index - start < 4, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    code = code * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                }
                guard index > start, skip("}") else { return nil }
                results.append(ReplicationResult(statusCode: code))
                if skip(",") { continue }
                return skip("]}") && index == bytes.count ? results : nil
            }
            return nil
        }
    }
}
