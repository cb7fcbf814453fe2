/// Status overrides and metadata (spec 4.7-4.10): the operations an operator or a peer applies to an existing lease.
/// Each answers `unknownInstance` for an instance that is not visible (2.7 rules), before changing anything.
extension InstanceRegistry {
    /// 4.7. Setting the status it already has stores no override (`unchanged`), but renews and replicates.
    func statusUpdate(
        app: String, id: String, to status: InstanceStatus, lastDirtyTimestamp: Int64?, isReplication: Bool
    ) -> StatusUpdateOutcome {
        guard let lease = visibleLease(app: app, id: id) else { return .unknownInstance }
        let now = time.nowMillis()
        // Not counted in R: only heartbeats prove a client is alive (5.2).
        lease.renew(now: now, exact: settings.exactLeaseExpiry)
        let changed = lease.instance.status != status
        if changed {
            if status == .up { lease.serviceUp(now: now) }
            overrides.set(status, for: id, now: now)
            lease.instance.overriddenStatus = status
            lease.overrideChangedAt = now
            statusTally.move(app, from: lease.instance.status, to: status)
            lease.instance.status = status
            adoptNewer(lastDirtyTimestamp, into: lease)
            recordChange(lease, .modified, now: now)
        }
        onEvent?(.statusUpdated(decorated(lease), changed: changed, isReplication: isReplication))
        return changed ? .updated : .unchanged
    }

    /// 4.8. `newStatus` is the request's `value`, UNKNOWN when absent: the next heartbeat then fails (4.5) and
    /// the client re-registers with its real status. Without an override nothing changes but the lease's renewal.
    func deleteStatusOverride(
        app: String, id: String, newStatus: InstanceStatus, lastDirtyTimestamp: Int64?, isReplication: Bool
    ) -> OverrideRemovalOutcome {
        guard let lease = visibleLease(app: app, id: id) else { return .unknownInstance }
        let now = time.nowMillis()
        lease.renew(now: now, exact: settings.exactLeaseExpiry)
        let removed = overrides.remove(id, now: now) != nil
        if removed {
            lease.instance.overriddenStatus = .unknown
            lease.overrideChangedAt = now
            statusTally.move(app, from: lease.instance.status, to: newStatus)
            lease.instance.status = newStatus
            adoptNewer(lastDirtyTimestamp, into: lease)
            recordChange(lease, .modified, now: now)
        }
        onEvent?(.statusOverrideDeleted(decorated(lease), removed: removed, isReplication: isReplication))
        return removed ? .removed : .noOverride
    }

    /// 4.9: merge into the visible record, then re-register it as a client registration, so it gets a new lease,
    /// an ADDED entry, invalidation and a Register to peers. Its lastDirtyTimestamp is unchanged, so the
    /// conflict rule lets it replace itself.
    func updateMetadata(app: String, id: String, entries: Metadata) -> MetadataOutcome {
        guard let lease = visibleLease(app: app, id: id) else { return .unknownInstance }
        var record = lease.instance
        record.metadata.merge(entries)
        if let message = settings.limits.violation(record.metadata) { return .tooLarge(message) }
        let duration = record.leaseInfo.map(\.durationInSecs) ?? Lease.defaultDurationSecs
        register(record, leaseDurationSecs: duration, isReplication: false)
        return .updated
    }

    /// 4.10: remember a peer's override without applying it; the next renew's rule chain applies it.
    /// No recently-changed entry, no event (6.4: nothing to invalidate, and it came from a peer).
    func storeOverriddenStatusIfRequired(app: String, id: String, status: InstanceStatus) {
        let now = time.nowMillis()
        guard overrides.status(for: id, now: now) != status else { return }
        overrides.set(status, for: id, now: now)
        guard let lease = apps[app]?[id] else { return }
        lease.instance.overriddenStatus = status
        lease.overrideChangedAt = now
        digestChanged(lease, app: app)
    }

    /// The override map entry for `id`, without refreshing its expiry (replication items, 7.4).
    func overriddenStatus(id: String) -> InstanceStatus? {
        overrides.peek(id, now: time.nowMillis())
    }

    /// `/serverinfo/statusoverrides` (2.16): live entries sorted by id; listing does not refresh expiry.
    var overriddenStatuses: [(id: String, status: InstanceStatus)] {
        overrides.snapshot(now: time.nowMillis())
    }

    /// Peers and operators may carry a newer dirty timestamp; an older one must never move it back.
    private func adoptNewer(_ lastDirtyTimestamp: Int64?, into lease: Lease) {
        if let lastDirtyTimestamp, lastDirtyTimestamp > lease.instance.lastDirtyTimestamp {
            lease.instance.lastDirtyTimestamp = lastDirtyTimestamp
        }
    }
}
