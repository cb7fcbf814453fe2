import Glibc

/// Reads (spec 4.11): documents list every lease including expired-not-evicted ones; single-instance lookups hide
/// a lease that is expired while expiration is enabled. Every record is decorated; applications are ordered by
/// name and instances by id (3.8, 3.9, OUR choice).
extension InstanceRegistry {
    /// 2.7: nil when there is no lease, or it is expired while lease expiration is enabled (5.2).
    func visibleInstance(app: String, id: String) -> InstanceInfo? {
        visibleLease(app: app, id: id).map(decorated)
    }

    /// 2.8: the first application holding a visible lease with this id.
    func visibleInstance(id: String) -> InstanceInfo? {
        for app in apps.keys {
            if let lease = visibleLease(app: app, id: id) { return decorated(lease) }
        }
        return nil
    }

    /// The lease whatever its expiry: the 409 body and dirty-timestamp checks of 2.2 read it.
    func storedInstance(app: String, id: String) -> InstanceInfo? {
        apps[app]?[id].map(decorated)
    }

    /// The two fields a Heartbeat, StatusUpdate or DeleteStatusOverride item reads at send time (7.4, 7.6), without
    /// copying the record: what replication asks for every item of every batch.
    func recordState(app: String, id: String) -> RecordState? {
        guard let lease = apps[app]?[id] else { return nil }
        return RecordState(status: lease.instance.status, lastDirtyTimestamp: lease.instance.lastDirtyTimestamp)
    }

    /// 2.4: versions__delta 1, every lease, hash over all of them.
    func fullApplications() -> Applications {
        let applications = document(apps)
        let hash = Applications.reconcileHashCode(statuses: applications.lazy.flatMap(\.instances).map(\.status))
        return Applications(versionsDelta: 1, appsHashCode: hash, applications: applications)
    }

    /// 2.5 / 5.4 / 5.5: each changed instance once (latest wins), the bumped delta counter, and the hash of the
    /// whole registry, so a client that applies the delta can check it reached the full document.
    func deltaApplications() -> Applications {
        deltaVersion += 1
        return Applications(
            versionsDelta: deltaVersion, appsHashCode: registryHashCode(),
            applications: document(recentChanges.latestLeases()))
    }

    /// 2.6: nil when the application has no lease.
    func application(named name: String) -> Application? {
        guard let leases = apps[name], !leases.isEmpty else { return nil }
        return Application(name: name, instances: sortedInstances(leases))
    }

    /// 2.12 / 2.13: instances whose vipAddress (or secureVipAddress), split on ",", has an element exactly equal
    /// to `vip`; versions__delta -1, hash over the answer. Built from the VIP index: work in the instances that
    /// match, none for a name no instance lists.
    func vipApplications(_ vip: String, secure: Bool) -> Applications {
        var matching: [String: [String: Lease]] = [:]
        for (app, ids) in vipIndex.members(of: vip, secure: secure) {
            guard let leases = apps[app] else { continue }
            var found: [String: Lease] = [:]
            for id in ids { found[id] = leases[id] }
            matching[app] = found
        }
        let applications = document(matching)
        let hash = Applications.reconcileHashCode(statuses: applications.lazy.flatMap(\.instances).map(\.status))
        return Applications(versionsDelta: -1, appsHashCode: hash, applications: applications)
    }

    /// The reconcile hash code of every lease (3.10), as a full fetch at this moment would carry it.
    func registryHashCode() -> String {
        Applications.reconcileHashCode(statuses: apps.values.lazy.flatMap(\.values).map(\.instance.status))
    }

    /// The dashboard rings (4.1), oldest first.
    var recentlyRegistered: [(time: Int64, app: String, id: String)] { recentRegistrations.items }
    var recentlyCancelled: [(time: Int64, app: String, id: String)] { recentCancellations.items }
    func recentlyRegistered(last count: Int) -> [(time: Int64, app: String, id: String)] { recentRegistrations.newest(count) }
    func recentlyCancelled(last count: Int) -> [(time: Int64, app: String, id: String)] { recentCancellations.newest(count) }

    func visibleLease(app: String, id: String) -> Lease? {
        guard let lease = apps[app]?[id] else { return nil }
        if preservation.isLeaseExpirationEnabled, lease.isExpired(now: time.nowMillis()) { return nil }
        return lease
    }

    /// Byte order of the names and ids: the same order as String's for ASCII, several times cheaper
    /// (no Unicode comparison), which matters because the full document is built on the loop.
    private func document(_ byApp: [String: [String: Lease]]) -> [Application] {
        byApp.sorted { bytewiseLess($0.key, $1.key) }.compactMap { name, leases in
            guard !leases.isEmpty else { return nil }
            return Application(name: name, instances: sortedInstances(leases))
        }
    }

    private func sortedInstances(_ leases: [String: Lease]) -> [InstanceInfo] {
        var ordered = Array(leases.values)
        ordered.sort { bytewiseLess($0.id, $1.id) }
        return ordered.map(decorated)
    }
}

/// UTF-8 byte order: memcmp over the contiguous bytes of native strings (a tenth of the cost of comparing the two
/// UTF8Views element by element: at 10,000 instances the sort was a tenth of a full-registry read), the views
/// otherwise.
@inline(__always)
func bytewiseLess(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { x in
        b.utf8.withContiguousStorageIfAvailable { y in
            guard let left = x.baseAddress, let right = y.baseAddress else { return x.count < y.count }  // one is empty
            let order = memcmp(left, right, min(x.count, y.count))
            return order != 0 ? order < 0 : x.count < y.count
        }
    }
    return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
}
