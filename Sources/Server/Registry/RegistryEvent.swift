/// What changed in the registry, fired synchronously by `InstanceRegistry.onEvent` so the response cache can
/// invalidate (6.4) and replication can forward (4.12). Records are the stored records after the change,
/// decorated as reads write them. Built only when someone listens; a heartbeat carries only scalars and the
/// two strings the caller already owns, so it never allocates. The cases with records are `indirect`: a record
/// inline would make every event, heartbeats included, as large as two instances to copy.
/// Not Sendable: a registration carries the stored leases themselves (see `Registration`), which live on the loop.
enum RegistryEvent: Equatable {
    /// register (4.4) or metadata update (4.9): the new lease and the one it replaced (see `Registration`).
    case registered(Registration, isReplication: Bool)
    /// A successful renew (4.5), with what a Heartbeat replication item carries (7.4); sent only when the
    /// registry's `wantsHeartbeatEvents` is set.
    case heartbeat(Heartbeat)
    /// A lease removed by a cancel (4.6).
    indirect case cancelled(InstanceInfo, isReplication: Bool)
    /// A lease removed by eviction (5.1): invalidates, never replicated.
    indirect case evicted(InstanceInfo)
    /// statusUpdate succeeded (4.7); `changed` is false when the status already matched (nothing stored).
    indirect case statusUpdated(InstanceInfo, changed: Bool, isReplication: Bool)
    /// deleteStatusOverride succeeded (4.8); `removed` is false when there was no override.
    indirect case statusOverrideDeleted(InstanceInfo, removed: Bool, isReplication: Bool)
    /// A renew whose rule chain changed the stored status (4.5 step 3, OUR choice): invalidates only;
    /// the heartbeat event that follows is what replicates.
    indirect case statusCorrected(InstanceInfo)

    /// A registration as its listeners get it: the stored lease and the lease it replaced, not decorated copies of
    /// their records. Most listeners read a few fields (the log line, the cache's keys, the change counters), and
    /// the two decorated copies the event used to carry, with their boxes, cost ~2,500 instructions of every
    /// registration (bench/callgrind-register.sh). Read it during the fan-out: the lease changes with the
    /// registry's next operation, so a listener that keeps the record takes it then (`record`, a decorated copy),
    /// as the replicator does for a register task's fallback record. A kept event keeps its leases alive too.
    struct Registration: Equatable {
        let lease: Lease
        /// The lease this registration replaced: out of the registry, so it no longer changes.
        let replaced: Lease?
        /// For the decoration (the coordinating flag, 3.2).
        let serverInstanceId: String?

        /// The stored record decorated as reads write it (4.11): a copy, taken now.
        var record: InstanceInfo { lease.decoratedInstance(serverInstanceId: serverInstanceId) }
        var replacedRecord: InstanceInfo? { replaced?.decoratedInstance(serverInstanceId: serverInstanceId) }

        /// Equal when the records read now are (the leases themselves are not compared by identity).
        static func == (a: Registration, b: Registration) -> Bool {
            a.record == b.record && a.replacedRecord == b.replacedRecord
        }
    }

    struct Heartbeat: Sendable, Equatable {
        var app: String
        var id: String
        var status: InstanceStatus
        var lastDirtyTimestamp: Int64
        /// The override map entry; read only for heartbeats that will be replicated, else nil.
        var overriddenStatus: InstanceStatus?
        var isReplication: Bool
        /// The record's lease intervals: a replication task of this heartbeat expires one renewal interval later.
        var leaseInfo: LeaseInfo?
    }
}

/// What a peer must be sent for an event (4.12, 7.4); nil from `replication` means nothing.
enum ReplicationAction: Sendable, Equatable {
    indirect case register(InstanceInfo)
    case heartbeat(status: InstanceStatus, lastDirtyTimestamp: Int64, overriddenStatus: InstanceStatus?)
    case cancel
    case statusUpdate(status: InstanceStatus, lastDirtyTimestamp: Int64)
    case deleteStatusOverride(status: InstanceStatus, lastDirtyTimestamp: Int64)
}

extension RegistryEvent {
    /// The changed (or removed) record; nil for a heartbeat.
    /// For a registration, a decorated copy of the stored record made now (see `Registration`).
    var record: InstanceInfo? {
        switch self {
        case .registered(let registration, _):
            return registration.record
        case .cancelled(let record, _), .evicted(let record),
             .statusUpdated(let record, _, _), .statusOverrideDeleted(let record, _, _), .statusCorrected(let record):
            return record
        case .heartbeat:
            return nil
        }
    }

    var app: String {
        switch self {
        case .heartbeat(let beat): return beat.app
        case .registered(let registration, _): return registration.lease.instance.app
        default: return record!.app
        }
    }

    var id: String {
        switch self {
        case .heartbeat(let beat): return beat.id
        case .registered(let registration, _): return registration.lease.id
        default: return record!.effectiveId
        }
    }

    /// Whether cached documents are now stale (6.4): every change that appended a recently-changed entry.
    /// Heartbeats, a status update that changed nothing and an override removal that found none do not.
    var invalidates: Bool {
        switch self {
        case .registered, .cancelled, .evicted, .statusCorrected: return true
        case .heartbeat: return false
        case .statusUpdated(_, let changed, _): return changed
        case .statusOverrideDeleted(_, let removed, _): return removed
        }
    }

    /// VIP names whose cache keys to invalidate: every comma-separated name of the record and of the record it
    /// replaced (6.4, OUR choice), without repeats. Empty when `invalidates` is false.
    var vipNames: [Substring] { names(secure: false) }
    var secureVipNames: [Substring] { names(secure: true) }

    private func names(secure: Bool) -> [Substring] {
        guard invalidates else { return [] }
        // A registration's lists read field by field from its leases: a record read through a class is copied whole.
        if case .registered(let registration, _) = self {
            let list = { (lease: Lease) in InstanceInfo.split(secure ? lease.instance.secureVipAddress : lease.instance.vipAddress) }
            var result = list(registration.lease)
            if let replaced = registration.replaced {
                for name in list(replaced) where !result.contains(name) { result.append(name) }
            }
            return result
        }
        guard let record else { return [] }
        return secure ? record.secureVipNames : record.vipNames
    }

    /// What to send to peers: nothing for replicated calls (never forwarded), evictions and status corrections.
    var replication: ReplicationAction? {
        switch self {
        case .registered(let registration, let isReplication):
            return isReplication ? nil : .register(registration.record)  // taken now: see `Registration`
        case .heartbeat(let beat):
            return beat.isReplication ? nil : .heartbeat(
                status: beat.status, lastDirtyTimestamp: beat.lastDirtyTimestamp, overriddenStatus: beat.overriddenStatus)
        case .cancelled(_, let isReplication):
            return isReplication ? nil : .cancel
        case .statusUpdated(let record, _, let isReplication):
            return isReplication ? nil : .statusUpdate(status: record.status, lastDirtyTimestamp: record.lastDirtyTimestamp)
        case .statusOverrideDeleted(let record, _, let isReplication):
            return isReplication
                ? nil : .deleteStatusOverride(status: record.status, lastDirtyTimestamp: record.lastDirtyTimestamp)
        case .evicted, .statusCorrected:
            return nil
        }
    }
}
