/// The dashboard's reads (spec 4.1, 10): a bounded census, one application's ids a page at a time, and one lease
/// with its times. Nothing here renders; the API turns these values into pages.
extension InstanceRegistry {
    /// `limit` applications from `offset` (sorted by name) with their counts and up to `sampleLimit` ids each.
    /// No lease is read: counts come from the tally, ids from the map's keys, expired leases from the last
    /// eviction run.
    func census(offset: Int, limit: Int, sampleLimit: Int) -> RegistryCensus {
        let names = statusTally.sortedNames()
        let start = min(max(0, offset), names.count)
        let page = names[start..<min(names.count, start + max(0, limit))]
        let summaries = page.map { name in
            let counts = statusTally.countsByApp[name] ?? []
            return RegistryCensus.ApplicationSummary(
                name: name, total: counts.reduce(0, +), countsByStatus: counts,
                sampleIds: apps[name].map { Array($0.keys.prefix(sampleLimit)) } ?? [])
        }
        return RegistryCensus(takenAt: time.nowMillis(), applications: summaries, applicationCount: names.count,
                              instanceCount: instanceCount, expiredKept: expiredKept)
    }

    /// Application names containing `text` (already upper-cased), sorted, at most `limit`, with their sizes.
    func applicationNames(containing text: String, limit: Int) -> [(name: String, total: Int)] {
        statusTally.sortedNames().lazy.filter { $0.contains(text) }.prefix(limit).map { name in
            (name, statusTally.countsByApp[name]?.reduce(0, +) ?? 0)
        }
    }

    /// The ids of one application sorted, `limit` from `offset`, and how many it has; nil when it has none.
    func instanceIds(app: String, offset: Int, limit: Int) -> (total: Int, ids: [String])? {
        guard let leases = apps[app], !leases.isEmpty else { return nil }
        let sorted = leases.keys.sorted(by: bytewiseLess)  // byte order, as the documents sort ids
        let start = min(max(0, offset), sorted.count)
        return (sorted.count, Array(sorted[start..<min(sorted.count, start + max(0, limit))]))
    }

    /// Whatever its expiry: the dashboard shows an expired lease as such rather than hiding it.
    func leaseDetail(app: String, id: String) -> LeaseDetail? {
        guard let lease = apps[app]?[id] else { return nil }
        let now = time.nowMillis()
        return LeaseDetail(record: decorated(lease), expiryDueAt: lease.expiryDueAt,
                           isExpired: lease.isExpired(now: now), override: overrides.peek(id, now: now))
    }

    /// Applications that hold this id (normally one), for the search; a walk over the application names only.
    func applications(holding id: String) -> [String] {
        apps.compactMap { name, leases in leases[id] == nil ? nil : name }.sorted()
    }

    /// 5.2, with the reason, for the explainer.
    var leaseExpiryReason: LeaseExpiryReason { preservation.expiryReason }

    /// The inputs of T = E x (60 / interval) x percent (5.3).
    var thresholdInputs: (renewalIntervalSeconds: Int, percent: Double) {
        (preservation.effectiveRenewalIntervalSeconds, preservation.renewalPercentThreshold)
    }
}

/// One lease as the instance page shows it.
struct LeaseDetail {
    /// Decorated: its leaseInfo carries registration, last renewal, eviction and service-up times (3.5).
    let record: InstanceInfo
    /// When the lease expires if not renewed again (4.2's arithmetic, including Netflix's doubled duration).
    let expiryDueAt: Int64
    let isExpired: Bool
    /// The entry of the override map (4.8), nil when none.
    let override: InstanceStatus?
}
