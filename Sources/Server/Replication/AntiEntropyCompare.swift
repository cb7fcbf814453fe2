/// Step 3 of an anti-entropy round (docs/anti-entropy.md): given this node's (A's) states and tombstones and a
/// peer's (B's) reply, what A knows better and must push to B as ordinary replication items. A pure function: it
/// reads nothing and changes nothing; its cost is the instances of the applications in the reply.
enum AntiEntropyCompare {
    /// What to push for one instance; the item is built from A's record when it is sent (7.6).
    enum Repair: Hashable, Sendable {
        case register(app: String, id: String)
        case statusUpdate(app: String, id: String)
        case deleteStatusOverride(app: String, id: String)
        case cancel(app: String, id: String)

        /// The `action` label of `eureka_anti_entropy_repairs_total`.
        var actionName: String {
            switch self {
            case .register: "register"
            case .statusUpdate: "status_update"
            case .deleteStatusOverride: "delete_status_override"
            case .cancel: "cancel"
            }
        }
    }

    /// A's side of one application: its instance states by id and its tombstones (id -> dirty timestamp at removal).
    struct Local: Sendable {
        var states: [String: InstanceDigestState]
        var tombstones: [String: Int64]
    }

    /// Repairs in a stable order (applications by name, then ids), so a batch sends each register before its
    /// status update. `local` is asked once per application of the reply.
    static func repairs(for reply: DigestReply, local: (String) -> Local) -> [Repair] {
        var repairs: [Repair] = []
        for application in reply.apps.sorted(by: { bytewiseLess($0.name, $1.name) }) {
            let app = application.name
            let mine = local(app)
            let theirs = Dictionary(application.states.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let theirTombstones = Dictionary(application.tombstones.map { ($0.id, $0.lastDirtyTimestamp) },
                                             uniquingKeysWith: { first, second in max(first, second) })
            for id in mine.states.keys.sorted(by: bytewiseLess) {
                repairs += instanceRepairs(app: app, a: mine.states[id]!, b: theirs[id], bTombstone: theirTombstones[id])
            }
            // Instances only B has: a cancel when A removed it after B's last change, else B's round sends it to A.
            for state in application.states.sorted(by: { bytewiseLess($0.id, $1.id) }) where mine.states[state.id] == nil {
                if let removed = mine.tombstones[state.id], removed >= state.lastDirtyTimestamp {
                    repairs.append(.cancel(app: app, id: state.id))
                }
            }
        }
        return repairs
    }

    /// The rules for an instance A holds (docs/anti-entropy.md, step 3).
    static func instanceRepairs(app: String, a: InstanceDigestState, b: InstanceDigestState?, bTombstone: Int64?) -> [Repair] {
        guard let b else {
            // B removed it at or after A's last change: that cancel is B's to send, not A's register.
            if let removed = bTombstone, removed >= a.lastDirtyTimestamp { return [] }
            return registerRepairs(app: app, a: a, bOverride: .unknown, bOverrideChangedAt: 0)
        }
        if b.lastDirtyTimestamp < a.lastDirtyTimestamp {
            return registerRepairs(app: app, a: a, bOverride: b.overriddenStatus, bOverrideChangedAt: b.overrideChangedAt)
        }
        if b.lastDirtyTimestamp > a.lastDirtyTimestamp { return [] }  // B's is newer: B pushes it in its round
        // Same dirty timestamp, other metadata (a metadata update keeps it, 4.9): A's record when A's changed later.
        if a.metadataHash != b.metadataHash, a.metadataChangedAt > b.metadataChangedAt {
            return registerRepairs(app: app, a: a, bOverride: b.overriddenStatus, bOverrideChangedAt: b.overrideChangedAt)
        }
        return overrideRepair(app: app, a: a, bOverride: b.overriddenStatus, bOverrideChangedAt: b.overrideChangedAt).map { [$0] } ?? []
    }

    /// B lacks the instance or holds an older copy: A's record; its override travels in it (4.4 steps 6-7), but an
    /// override B already holds wins there, so a differing one follows as its own item.
    private static func registerRepairs(app: String, a: InstanceDigestState, bOverride: InstanceStatus,
                                        bOverrideChangedAt: Int64) -> [Repair] {
        var repairs: [Repair] = [.register(app: app, id: a.id)]
        if let override = overrideRepair(app: app, a: a, bOverride: bOverride, bOverrideChangedAt: bOverrideChangedAt) {
            repairs.append(override)
        } else if a.overriddenStatus != .unknown, bOverride != a.overriddenStatus {
            repairs.append(.statusUpdate(app: app, id: a.id))
        }
        return repairs
    }

    /// Overrides differ: A pushes its override (or its removal) when A changed it later than B did. Setting or
    /// removing an override leaves lastDirtyTimestamp alone (4.7, 4.8), so the override's own change time decides.
    private static func overrideRepair(app: String, a: InstanceDigestState, bOverride: InstanceStatus,
                                       bOverrideChangedAt: Int64) -> Repair? {
        guard a.overriddenStatus != bOverride, a.overrideChangedAt > bOverrideChangedAt else { return nil }
        return a.overriddenStatus == .unknown ? .deleteStatusOverride(app: app, id: a.id) : .statusUpdate(app: app, id: a.id)
    }
}
