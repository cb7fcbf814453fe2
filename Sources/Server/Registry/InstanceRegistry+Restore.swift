/// Warm restart (docs/warm-restart.md): what the registry hands to a snapshot and takes back from one. The file
/// format and the scheduling live in Persist/ and Node/; the lease rules (provisional leases) live here.

/// One instance as a snapshot keeps it: the record as reads show it (with its leaseInfo) and its override map entry.
struct PersistedRecord: Sendable, Equatable {
    var instance: InstanceInfo
    var override: InstanceStatus?
}

/// A point-in-time view of the registry's structure, read a slice at a time by `copySlice`. Holding the
/// dictionary keeps its storage alive (copy on write): a register or cancel during the copy then copies the
/// outer map and that one application's map once, and the view never sees the change. The leases themselves are
/// shared, so each record is read as it is when its slice runs: consistent per instance, which restore needs.
struct RegistryCopyCursor {
    fileprivate let apps: [String: [String: Lease]]
    fileprivate var appIndex: [String: [String: Lease]].Index
    fileprivate var leaseIndex: [String: Lease].Index?

    fileprivate init(apps: [String: [String: Lease]]) {
        self.apps = apps
        appIndex = apps.startIndex
        leaseIndex = apps.isEmpty ? nil : apps.values[apps.startIndex].startIndex
    }

    var isFinished: Bool { appIndex == apps.endIndex }
}

extension InstanceRegistry {
    /// Starts a copy of every lease as it is now; `copySlice` reads it.
    func startCopy() -> RegistryCopyCursor { RegistryCopyCursor(apps: apps) }

    /// Appends up to `limit` records to `records`; returns true once the copy is complete. A lease cancelled since
    /// the copy started is left out (its DELETED state is what a restore must not bring back).
    func copySlice(_ cursor: inout RegistryCopyCursor, limit: Int, into records: inout [PersistedRecord]) -> Bool {
        let now = time.nowMillis()
        var copied = 0
        while cursor.appIndex != cursor.apps.endIndex {
            let leases = cursor.apps.values[cursor.appIndex]
            var index = cursor.leaseIndex ?? leases.startIndex
            while index != leases.endIndex {
                if copied == limit {
                    cursor.leaseIndex = index
                    return false
                }
                let lease = leases.values[index]
                index = leases.index(after: index)
                guard !lease.isCancelled else { continue }
                records.append(PersistedRecord(instance: decorated(lease), override: overrides.peek(lease.id, now: now)))
                copied += 1
            }
            cursor.appIndex = cursor.apps.index(after: cursor.appIndex)
            cursor.leaseIndex = nil
        }
        return true
    }

    /// Registers each record as a provisional lease: registered and renewed now, its own lease duration, its
    /// record, lastDirtyTimestamp and metadata as written, its override back in the map, an ADDED entry in the
    /// recently-changed list. Not counted in self-preservation's E and no event: nothing is cached or replicated
    /// yet (restore runs before the node opens), and a restored instance is never sent to peers.
    /// An id already present is left alone (a restore goes into an empty registry). Returns the leases added.
    @discardableResult
    func restoreProvisional(_ records: [PersistedRecord]) -> Int {
        let now = time.nowMillis()
        var added = 0
        for record in records {
            var info = record.instance
            let app = info.app
            let id = info.effectiveId
            guard !app.isEmpty, apps[app]?[id] == nil else { continue }
            if let override = record.override {
                overrides.set(override, for: id, now: now)
                info.overriddenStatus = override
            }
            info.actionType = .added
            info.lastUpdatedTimestamp = now
            let duration = info.leaseInfo.map(\.durationInSecs) ?? Lease.defaultDurationSecs
            let lease = Lease(instance: interner.share(info), id: id, durationSecs: duration, now: now)
            lease.isProvisional = true
            lease.serviceUpTimestamp = info.leaseInfo?.serviceUpTimestamp ?? 0
            if info.status == .up { lease.serviceUp(now: now) }
            store(lease, app: app, id: id)
            digestChanged(lease, app: app)
            // The registry's derived views, as register keeps them: VIP lookups and the dashboard's counts.
            vipIndex.add(app: app, id: id, vips: info.vipNames, secureVips: info.secureVipNames)
            statusTally.add(app, info.status)
            recentChanges.append(lease, now: now)
            instanceCount += 1
            provisionalCount += 1
            added += 1
        }
        return added
    }

    /// The start-up sync's register (5.6): a peer's copy of an instance restored here provisionally is no sign of
    /// life (the peer may have restored it too), so it stays provisional. Returns whether the lease is ordinary,
    /// that is whether it counts in the expected clients the node opens with.
    @discardableResult
    func registerSyncedCopy(_ info: InstanceInfo, leaseDurationSecs: Int) -> Bool {
        register(info, leaseDurationSecs: leaseDurationSecs, isReplication: true, keepsProvisional: true)
        return apps[info.app]?[info.effectiveId]?.isProvisional != true
    }

    /// A provisional lease's first sign of life (a renewal or a register): from now on an ordinary lease that
    /// self-preservation expects to renew.
    func confirm(_ lease: Lease) {
        lease.isProvisional = false
        provisionalCount -= 1
        preservation.leaseAdded()
    }
}
