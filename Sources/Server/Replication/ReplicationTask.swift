/// One unit of replication work for one peer (spec 7.6): what the registry handed over (4.12), when, and until
/// when it is worth sending. Tasks with the same `id` replace each other while pending, so a newer heartbeat
/// supersedes an unsent older one, while a register and a later cancel of one instance are different ids.
struct ReplicationTask: Sendable, Equatable {
    /// The wire action of the item the task becomes (7.4).
    typealias Kind = ReplicationItem.Action

    /// What tasks merge by: kind, application and instance. A value of the strings the registry already holds,
    /// so submitting a heartbeat builds no id string (hashing two strings is all a lookup costs).
    struct Key: Hashable, Sendable {
        let kind: Kind
        let app: String
        let instanceId: String
        /// Hashed once, when the task is made: the pending map hashes a key on insert, on lookup and, to move its
        /// neighbours, on every removal, and two strings per hash showed up as the sender's largest cost.
        private let hash: Int

        init(kind: Kind, app: String, instanceId: String) {
            self.kind = kind
            self.app = app
            self.instanceId = instanceId
            var hasher = Hasher()
            hasher.combine(kind)
            hasher.combine(app)
            hasher.combine(instanceId)
            hash = hasher.finalize()
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        static func == (a: Key, b: Key) -> Bool {
            a.hash == b.hash && a.kind == b.kind && a.app == b.app && a.instanceId == b.instanceId
        }
    }

    let key: Key
    var app: String { key.app }
    var instanceId: String { key.instanceId }
    /// `"<kind>#<APP>/<instanceId>"`, e.g. `heartbeat#ORDERS/orders-1:orders:8080` (Netflix's task id), for logs
    /// and tests.
    var id: String { Self.id(key.kind, app: key.app, instanceId: key.instanceId) }
    /// The values at submission. Only a heartbeat's override is sent as submitted; everything else is read from
    /// the registry's record when the batch is built (see `item(current:)`), this copy standing in when the
    /// record is gone by then.
    let action: ReplicationAction
    let submittedAt: Int64
    /// The task is dropped, not sent, once `now >= expiresAt` (Netflix keeps a task while `expiry > now`).
    let expiresAt: Int64

    var kind: Kind { action.kind }

    init(app: String, instanceId: String, action: ReplicationAction, submittedAt: Int64, expiresAt: Int64) {
        key = Key(kind: action.kind, app: app, instanceId: instanceId)
        self.action = action
        self.submittedAt = submittedAt
        self.expiresAt = expiresAt
    }

    /// A task expiring as spec 7.6 says: `leaseInfo` is the instance record's (used by register and heartbeat).
    init(app: String, instanceId: String, action: ReplicationAction, leaseInfo: LeaseInfo?, submittedAt: Int64,
                maxTimeForReplication: Int64) {
        let lifetime = Self.lifetime(of: action.kind, leaseInfo: leaseInfo, maxTimeForReplication: maxTimeForReplication)
        self.init(app: app, instanceId: instanceId, action: action, submittedAt: submittedAt, expiresAt: submittedAt + lifetime)
    }

    static func id(_ kind: Kind, app: String, instanceId: String) -> String {
        "\(kind.taskName)#\(app)/\(instanceId)"
    }

    /// Register and heartbeat: one renewal interval of the record (Netflix `getLeaseRenewalOf`), the next
    /// heartbeat making this one moot; 90 s when the record has no `leaseInfo` (Netflix falls back to the lease
    /// *duration* default there), and an interval <= 0 counts as 30 s, as every read of the record writes it
    /// (3.5). Cancel, statusUpdate, deleteStatusOverride: `max-time-for-replication`.
    static func lifetime(of kind: Kind, leaseInfo: LeaseInfo?, maxTimeForReplication: Int64) -> Int64 {
        switch kind {
        case .register, .heartbeat:
            guard let leaseInfo else { return 90_000 }
            return Int64(leaseInfo.renewalIntervalInSecs > 0 ? leaseInfo.renewalIntervalInSecs : 30) * 1000
        case .cancel, .statusUpdate, .deleteStatusOverride:
            return maxTimeForReplication
        }
    }

    func isExpired(at now: Int64) -> Bool { expiresAt <= now }

    /// The batch item (spec 7.4), built when the batch is sent from `current`, the registry's record at that
    /// moment (`storedInstance(app:id:)`), so a batch never carries an older state than the registry holds
    /// (7.6). nil `current` (the instance is gone): the values captured at submission.
    func item(current: InstanceInfo?) -> ReplicationItem {
        guard case .register(let submitted) = action else {
            return item(currentState: current.map { RecordState(status: $0.status, lastDirtyTimestamp: $0.lastDirtyTimestamp) })
        }
        let record = current ?? submitted
        var item = ReplicationItem(action: kind, appName: app, id: instanceId)
        item.lastDirtyTimestamp = record.lastDirtyTimestamp
        item.status = record.status.rawValue
        item.instance = DecodedInstance(info: record, dataCenterInfoMissingName: false)
        return item
    }

    /// The item of a task that carries no record (all but register): only the record's status and dirty timestamp
    /// are read at send time (`InstanceRegistry.recordState`), so no record is copied per heartbeat.
    func item(currentState current: RecordState?) -> ReplicationItem {
        var item = ReplicationItem(action: kind, appName: app, id: instanceId)
        switch action {
        case .register(let submitted):
            item.lastDirtyTimestamp = submitted.lastDirtyTimestamp
            item.status = submitted.status.rawValue
            item.instance = DecodedInstance(info: submitted, dataCenterInfoMissingName: false)
        case .heartbeat(let status, let lastDirtyTimestamp, let overriddenStatus):
            item.lastDirtyTimestamp = current?.lastDirtyTimestamp ?? lastDirtyTimestamp
            item.status = (current?.status ?? status).rawValue
            item.overriddenStatus = overriddenStatus?.rawValue
        case .cancel:
            break  // app and id are all a Cancel carries
        case .statusUpdate(let status, let lastDirtyTimestamp), .deleteStatusOverride(let status, let lastDirtyTimestamp):
            item.lastDirtyTimestamp = current?.lastDirtyTimestamp ?? lastDirtyTimestamp
            item.status = (current?.status ?? status).rawValue
        }
        return item
    }
}

extension ReplicationAction {
    var kind: ReplicationTask.Kind {
        switch self {
        case .register: .register
        case .heartbeat: .heartbeat
        case .cancel: .cancel
        case .statusUpdate: .statusUpdate
        case .deleteStatusOverride: .deleteStatusOverride
        }
    }
}

extension ReplicationItem.Action {
    /// The kind's name in task ids (Netflix's task names): `register`, `heartbeat`, `cancel`, `statusUpdate`,
    /// `deleteStatusOverride`.
    var taskName: String {
        switch self {
        case .register: "register"
        case .heartbeat: "heartbeat"
        case .cancel: "cancel"
        case .statusUpdate: "statusUpdate"
        case .deleteStatusOverride: "deleteStatusOverride"
        }
    }
}
