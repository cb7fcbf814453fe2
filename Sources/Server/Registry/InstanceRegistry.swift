/// The registry (spec 4): application name -> instance id -> lease, plus the override map, the recently-changed
/// list and the self-preservation counters. Loop-confined: a plain non-Sendable class used from one thread, so
/// no locks (STYLE 5). It takes time from the injected source and never picks a status code.
/// Application names and ids arrive as the API normalised them (app upper-cased, 1.2; id fallback, 2.1).
final class InstanceRegistry {
    let settings: RegistrySettings
    /// Fired synchronously for every change to invalidate caches or to replicate; see `RegistryEvent`.
    /// Set while wiring the node, read on every renew: no dynamic exclusivity check (two runtime calls a heartbeat).
    @exclusivity(unchecked) var onEvent: ((RegistryEvent) -> Void)?
    /// Whether `onEvent` receives `.heartbeat` events. Only replication consumes them, so by default a renew
    /// builds and sends none: the hot path stays free of the event and of the listener's call.
    @exclusivity(unchecked) var wantsHeartbeatEvents = false
    /// Told of every registration a bound refused (the node logs them, rate-limited): the record and whether a
    /// peer sent it.
    var onRejection: ((RegistryRejection, InstanceInfo, Bool) -> Void)?

    // Loop-confined and never passed inout to code that reaches the registry again, so the maps a heartbeat
    // touches skip the dynamic exclusivity checks (a runtime call per access on the hot path).
    let time: any TimeSource
    var random: any RandomSource
    /// Changed only through `store` and `unstore`, which keep `leaseIndex` in step.
    @exclusivity(unchecked) var apps: [String: [String: Lease]] = [:]
    /// The same leases by the bytes of their app name and id: the heartbeat's lookup (see `LeaseIndex`).
    @exclusivity(unchecked) var leaseIndex = LeaseIndex()
    @exclusivity(unchecked) var overrides = OverrideMap()
    /// Which leases each VIP and secure VIP name lists: what `/vips` and `/svips` documents are built from.
    var vipIndex = VipIndex()
    /// The secure VIP side of `vipIndex` (one table holds both).
    var secureVipIndex: VipIndex.SecureView { VipIndex.SecureView(index: vipIndex) }
    var recentChanges = RecentChanges()
    /// Anti-entropy (docs/anti-entropy.md): per-application hash sums, kept by `digestChanged`/`digestRemoved`.
    var digests = ApplicationDigests()
    /// The metadata hashes of the maps the last registrations shared (a digest's metadata part, computed once per map).
    var metadataHashes = RecentMetadataHashes()
    var tombstones: Tombstones
    /// Equal strings and metadata maps of the stored records share one copy (issue 19: memory per instance).
    var interner = RecordInterner()
    @exclusivity(unchecked) var preservation: SelfPreservation
    var eviction: Eviction
    var recentRegistrations = RecentActivity()
    /// Counts by application and status, for the dashboard (changed wherever a stored status changes).
    var statusTally = StatusTally()
    /// What the last eviction run found expired and kept, for the dashboard.
    var expiredKept = ExpiredKeptReport()
    var recentCancellations = RecentActivity()
    /// The delta version counter of 5.5: bumped by every delta document built.
    var deltaVersion: Int64 = 0
    var instanceCount = 0
    /// Leases restored from a snapshot and not yet renewed or re-registered (counted in `instanceCount` too).
    var provisionalCount = 0
    var evictedTotal = 0
    /// Cancelled records freed by the retention task since the last heap trim (see `takeHeapTrimDue`).
    var releasedRecords = 0
    /// When the node opened for traffic (5.6), for the "below renew threshold" view; nil before.
    var openedForTrafficAt: Int64?

    init(settings: RegistrySettings, time: any TimeSource, random: any RandomSource) {
        self.settings = settings
        self.time = time
        self.random = random
        preservation = SelfPreservation(settings: settings)
        eviction = Eviction(settings: settings)
        tombstones = Tombstones(retentionMs: settings.tombstoneRetentionMs, capacity: settings.tombstoneCapacity)
        // The change sequence starts at the start time (docs/change-stream.md): never below a previous run's.
        recentChanges.firstSequence = UInt64(max(1, time.nowMillis()))
    }

    // MARK: register (4.4)

    /// Registers `info` with a new lease and returns that lease, whose record is the one stored: after the
    /// dirty-timestamp conflict rule, the override intake and the status rule chain (`decorated` gives it as reads
    /// write it).
    /// `keepsProvisional`: the start-up sync's copy of a restored lease is no sign of life, so the new lease stays
    /// provisional (docs/warm-restart.md); every other register makes it ordinary.
    /// The record is copied once, into its lease, and then changed and shared there in place: a record copied on
    /// the way (to a local, through the interner) retains and releases its ~20 strings and buffers each time
    /// (~500 instructions a copy, bench/callgrind-register.sh).
    @discardableResult
    func register(_ info: InstanceInfo, leaseDurationSecs: Int, isReplication: Bool,
                  keepsProvisional: Bool = false) -> Lease {
        var record = info
        return register(taking: &record, leaseDurationSecs: leaseDurationSecs, isReplication: isReplication,
                        keepsProvisional: keepsProvisional)
    }

    /// The same with the record moved into the new lease, not copied: `info` is left a default record. The register
    /// endpoint's form (the record decoded from the body is the one stored).
    @discardableResult
    func register(taking info: inout InstanceInfo, leaseDurationSecs: Int, isReplication: Bool,
                  keepsProvisional: Bool = false) -> Lease {
        let now = time.nowMillis()
        let app = info.app
        let id = info.effectiveId
        let existing = apps[app]?[id]
        // Step 2: a peer or client holding an older copy must not overwrite a newer one.
        let keepsExisting = existing.map { $0.instance.lastDirtyTimestamp > info.lastDirtyTimestamp } ?? false
        let lease = keepsExisting
            ? Lease(instance: existing!.instance, id: id, durationSecs: leaseDurationSecs, now: now)
            : Lease(taking: &info, id: id, durationSecs: leaseDurationSecs, now: now)
        if existing == nil {
            instanceCount += 1
            preservation.leaseAdded()
        }
        let staysProvisional = existing?.isProvisional == true && keepsProvisional
        if let existing, existing.isProvisional, !keepsProvisional {
            confirm(existing)  // a register is a sign of life: the new lease below is ordinary
        }
        recentRegistrations.record(time: now, app: app, id: id)
        // Steps 6-7: an override travels inside a replicated or synced record; the map's entry is the truth.
        var overrideChangedAt = existing?.overrideChangedAt ?? 0
        let sentOverride = lease.instance.overriddenStatus
        if sentOverride != .unknown, overrides.status(for: id, now: now) == nil {
            overrides.set(sentOverride, for: id, now: now)
            overrideChangedAt = now
        }
        if let override = overrides.status(for: id, now: now) {
            lease.instance.overriddenStatus = override
        }
        let input = StatusOverrideRule.Input(
            candidate: lease.instance.status, existing: existing?.instance.status, isReplication: isReplication)
        let status = StatusOverrideRule.effectiveStatus(input) { overrides.status(for: id, now: now) }
        lease.instance.status = status
        lease.instance.actionType = .added
        lease.instance.lastUpdatedTimestamp = now
        interner.share(&lease.instance)

        if let existing { lease.serviceUpTimestamp = existing.serviceUpTimestamp }
        lease.isProvisional = staysProvisional
        lease.overrideChangedAt = overrideChangedAt
        noteMetadataChange(lease, replacing: existing, now: now)
        if status == .up { lease.serviceUp(now: now) }
        store(lease, app: app, id: id)
        digestChanged(lease, app: app, replacing: existing)
        tombstones.clear(app: app, id: id)
        reindexVips(old: existing, new: lease, app: app, id: id)
        if let existing { statusTally.remove(app, existing.instance.status) }
        statusTally.add(app, status)
        recentChanges.append(lease, now: now, replacing: existing)

        if let onEvent {
            let registration = RegistryEvent.Registration(lease: lease, replaced: existing,
                                                          serverInstanceId: settings.serverInstanceId)
            onEvent(.registered(registration, isReplication: isReplication))
        }
        return lease
    }

    // MARK: renew (4.5) and the dirty-timestamp table of 2.2: the hot path, dictionary lookups and integer
    // arithmetic, no allocation unless a peer must be sent the stored record.

    /// Renews, then compares the sender's `lastDirtyTimestamp` with the stored one (2.2 step 3) when
    /// `sync-when-timestamp-differs` is on. The heartbeat event (replication) goes out before the comparison,
    /// as in Netflix: a heartbeat answered 404 or 409 has still renewed the lease and is still replicated.
    func renew(app: String, id: String, lastDirtyTimestamp: Int64? = nil, overriddenStatus: InstanceStatus? = nil,
                      isReplication: Bool) -> RenewOutcome {
        guard let lease = apps[app]?[id] else { return .unknownInstance }
        return renew(lease, lastDirtyTimestamp: lastDirtyTimestamp, overriddenStatus: overriddenStatus,
                     isReplication: isReplication)
    }

    /// The renew of a lease already found: by the Strings above, or by the request path's bytes (`lease(app:id:)`),
    /// which makes no String. The app and id are the lease's own, read only on the rare branches that need them.
    func renew(_ lease: Lease, lastDirtyTimestamp: Int64?, overriddenStatus: InstanceStatus?,
               isReplication: Bool) -> RenewOutcome {
        let now = time.nowMillis()
        let id = lease.id
        let stored = lease.instance.status
        let input = StatusOverrideRule.Input(candidate: stored, existing: stored, isReplication: isReplication)
        let status = StatusOverrideRule.effectiveStatus(input) { overrides.status(for: id, now: now) }
        // UNKNOWN (an override removed without a value) makes the client re-register with its real status.
        guard status != .unknown else { return .unknownInstance }
        if lease.isProvisional { confirm(lease) }
        let corrected = status != stored
        if corrected {
            // OUR choice (4.5 step 3): a corrected status is a change like any other, so deltas and caches see it.
            lease.instance.status = status
            statusTally.move(lease.instance.app, from: stored, to: status)
            recordChange(lease, .modified, now: now)
        }
        preservation.recordRenew()
        lease.renew(now: now, exact: settings.exactLeaseExpiry)
        if let onEvent {
            if corrected { onEvent(.statusCorrected(decorated(lease))) }
            if wantsHeartbeatEvents {
                onEvent(.heartbeat(RegistryEvent.Heartbeat(
                    app: lease.instance.app, id: id, status: lease.instance.status,
                    lastDirtyTimestamp: lease.instance.lastDirtyTimestamp,
                    overriddenStatus: isReplication ? nil : overrides.peek(id, now: now),
                    isReplication: isReplication, leaseInfo: lease.instance.leaseInfo)))
            }
        }
        let storedDirty = lease.instance.lastDirtyTimestamp
        guard settings.syncWhenTimestampDiffers, let sent = lastDirtyTimestamp, sent != storedDirty else { return .renewed }
        if sent > storedDirty {
            if isReplication, let overriddenStatus, overriddenStatus != .unknown {
                storeOverriddenStatusIfRequired(app: lease.instance.app, id: id, status: overriddenStatus)
            }
            return .senderNewer
        }
        // An older client copy is harmless (the client's own state wins at its next registration); a peer is told.
        return isReplication ? .registryNewer(decorated(lease)) : .renewed
    }

    // MARK: cancel (4.6)

    func cancel(app: String, id: String, isReplication: Bool) -> CancelOutcome {
        guard let record = internalCancel(app: app, id: id) else { return .unknownInstance }
        onEvent?(.cancelled(record, isReplication: isReplication))
        return .cancelled
    }

    /// The cancel shared with eviction; returns the removed record (decorated, DELETED) or nil.
    func internalCancel(app: String, id: String) -> InstanceInfo? {
        let now = time.nowMillis()
        let lease = unstore(app: app, id: id)
        recentCancellations.record(time: now, app: app, id: id)
        // Even without a lease: an override must not outlive the instance it was set for.
        overrides.remove(id, now: now)
        guard let lease else { return nil }
        unindexVips(lease.instance, app: app, id: id)
        instanceCount -= 1
        statusTally.remove(app, lease.instance.status)
        lease.cancel(now: now)
        recordChange(lease, .deleted, now: now)
        if lease.isProvisional {
            provisionalCount -= 1  // never counted in E, so nothing to take out of it
        } else {
            preservation.leaseRemoved()
        }
        return decorated(lease)
    }

    // MARK: shared steps

    /// actionType, recently-changed entry and lastUpdatedTimestamp: the trio every recorded change sets (5.4).
    /// Also the one place (with register and restore) where the anti-entropy digest follows a lease's change.
    func recordChange(_ lease: Lease, _ action: ActionType, now: Int64) {
        lease.instance.actionType = action
        lease.instance.lastUpdatedTimestamp = now
        recentChanges.append(lease, now: now)
        if action == .deleted {
            digestRemoved(lease, now: now)
        } else {
            digestChanged(lease, app: lease.instance.app)
        }
    }

    /// A re-registration with the VIP lists it had (nearly every client restart) leaves both indexes as they are:
    /// removing the id and adding it back cost ~12,000 Ir of the re-registration (a Set deletion rehashes its
    /// cluster), the most of what made it dearer than a new registration (bench/callgrind-register.sh).
    /// By lease, not by record: reading a class's record into a parameter copies all of it.
    private func reindexVips(old: Lease?, new: Lease, app: String, id: String) {
        if let old {
            if old.instance.vipAddress == new.instance.vipAddress,
               old.instance.secureVipAddress == new.instance.secureVipAddress { return }
            unindexVips(old.instance, app: app, id: id)
        }
        vipIndex.add(app: app, id: id, vips: InstanceInfo.split(new.instance.vipAddress),
                     secureVips: InstanceInfo.split(new.instance.secureVipAddress))
    }

    private func unindexVips(_ record: InstanceInfo, app: String, id: String) {
        vipIndex.remove(app: app, id: id, vips: record.vipNames, secureVips: record.secureVipNames)
    }

    func decorated(_ lease: Lease) -> InstanceInfo {
        lease.decoratedInstance(serverInstanceId: settings.serverInstanceId)
    }
}
