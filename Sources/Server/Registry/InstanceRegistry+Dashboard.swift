/// The dashboard's reads (spec 4.1, 10): a bounded census, one application's ids a page at a time, and one lease
/// with its times. Nothing here renders; the API turns these values into pages.
extension InstanceRegistry {
    /// One walk over every lease: integer counting and a bounded copy of ids, no record decorated or sorted except
    /// the application names. A lease counts as expired-but-kept only while lease expiration is disabled: when it
    /// is enabled, the next eviction run removes it.
    func census(sampleLimit: Int, expiredLimit: Int) -> RegistryCensus {
        let now = time.nowMillis()
        let holding = !preservation.isLeaseExpirationEnabled
        let statusIndex = Dictionary(uniqueKeysWithValues: InstanceStatus.allCases.enumerated().map { ($1, $0) })
        var summaries: [RegistryCensus.ApplicationSummary] = []
        summaries.reserveCapacity(apps.count)
        var expired: [RegistryCensus.ExpiredLease] = []
        var expiredCount = 0
        var total = 0
        for (name, leases) in apps where !leases.isEmpty {
            var summary = RegistryCensus.ApplicationSummary(name: name)
            summary.total = leases.count
            total += leases.count
            var upCount = 0
            for lease in leases.values {
                let status = lease.instance.status
                if status == .up { upCount += 1 } else { summary.countsByStatus[statusIndex[status]!] += 1 }
                if summary.sampleIds.count < sampleLimit { summary.sampleIds.append(lease.id) }
                if holding, lease.isExpired(now: now) {
                    expiredCount += 1
                    if expired.count < expiredLimit { expired.append(.init(app: name, id: lease.id, dueAt: lease.expiryDueAt)) }
                }
            }
            summary.countsByStatus[statusIndex[.up]!] += upCount
            summaries.append(summary)
        }
        summaries.sort { $0.name < $1.name }
        return RegistryCensus(takenAt: now, applications: summaries, instanceCount: total,
                              expiredKept: expired, expiredKeptCount: expiredCount)
    }

    /// The ids of one application sorted, `limit` from `offset`, and how many it has; nil when it has none.
    func instanceIds(app: String, offset: Int, limit: Int) -> (total: Int, ids: [String])? {
        guard let leases = apps[app], !leases.isEmpty else { return nil }
        let sorted = leases.keys.sorted()
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
