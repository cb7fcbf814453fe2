/// One item of a peer's batch (spec 7.4, `ReplicationInstance`).
public struct ReplicationItem: Sendable {
    public enum Action: String, Sendable {
        case register = "Register"
        case heartbeat = "Heartbeat"
        case cancel = "Cancel"
        case statusUpdate = "StatusUpdate"
        case deleteStatusOverride = "DeleteStatusOverride"
    }

    /// nil when the item had no `action` (answered 500 for that item, spec 7.5).
    public var action: Action?
    public var appName: String
    public var id: String
    public var lastDirtyTimestamp: Int64?
    /// The raw status text: validated by the endpoint (an invalid one is a 400 for that item).
    public var status: String?
    public var overriddenStatus: String?
    public var instance: DecodedInstance?

    public init(action: Action?, appName: String, id: String) {
        self.action = action
        self.appName = appName
        self.id = id
    }
}

/// One result of a batch reply (spec 7.4, `ReplicationListResponse`).
public struct ReplicationResult: Sendable {
    public var statusCode: Int
    public var entity: InstanceInfo?

    public init(statusCode: Int, entity: InstanceInfo? = nil) {
        self.statusCode = statusCode
        self.entity = entity
    }
}

/// The batch body both ways (JSON only: an XML batch is 415, spec 1.4).
public enum ReplicationListCodec {
    /// An unknown action name makes the whole body unparseable (spec 7.5).
    public static func decode(_ body: [UInt8], now: Int64) throws(CodecError) -> [ReplicationItem] {
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
            var item = ReplicationItem(action: action, appName: (element["appName"]?.scalarText ?? "").uppercased(),
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

    /// `{"responseList":[{"statusCode":200},{"statusCode":409,"responseEntity":{...}}]}`.
    public static func encode(_ results: [ReplicationResult]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendStatic(#"{"responseList":["#)
        for (index, result) in results.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.appendStatic(#"{"statusCode":"#)
            out.appendDecimal(result.statusCode)
            if let entity = result.entity {
                out.appendStatic(#","responseEntity":"#)
                InstanceCodec.append(entity, format: .json, representation: .full, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.appendStatic("]}")
        return out
    }
}
