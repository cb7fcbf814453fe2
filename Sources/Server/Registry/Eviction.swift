/// Which leases an eviction run removes (spec 5.1; Netflix `AbstractInstanceRegistry.EvictionTask` and `evict`).
/// The registry asks it for the grace and the choice, then cancels the chosen leases itself.
struct Eviction {
    let intervalMs: Int64
    let renewalPercentThreshold: Double
    /// When the previous run happened, by the injected time source; nil before the first run.
    private(set) var lastRunAt: Int64?

    init(settings: RegistrySettings) {
        intervalMs = settings.evictionIntervalMs
        renewalPercentThreshold = settings.renewalPercentThreshold
    }

    /// Grace for a late run: `(now - previous run) - interval`, floored at 0 and 0 on the first run, so a run
    /// that fired X ms late (a long GC pause upstream, a blocked loop here) does not expire leases whose
    /// clients could not have renewed meanwhile. Records this run whether or not it evicts, as Netflix does.
    mutating func compensation(now: Int64) -> Int64 {
        defer { lastRunAt = now }
        guard let lastRunAt else { return 0 }
        return max(0, now - lastRunAt - intervalMs)
    }

    /// At most `size - (int)(size * threshold)` leases per run, so one run can never take the registry below
    /// the self-preservation fraction: 20 leases -> 3, 5 leases -> 1.
    func limit(leaseCount: Int) -> Int {
        leaseCount - Int(Double(leaseCount) * renewalPercentThreshold)
    }

    /// Up to `limit` of `expired`, chosen uniformly at random by a partial Fisher-Yates shuffle, so no
    /// application is systematically evicted first. `expired` is sorted first: dictionary order changes from
    /// process to process, and a seeded source must make the same choice every time.
    func choose(from expired: [Lease], limit: Int, random: inout some RandomSource) -> [Lease] {
        choose(fromSorted: expired.sorted { ($0.instance.app, $0.id) < ($1.instance.app, $1.id) }, limit: limit,
               random: &random)
    }

    /// The same choice from a list already in (application, id) order (a sliced run builds it in that order).
    func choose(fromSorted sorted: [Lease], limit: Int, random: inout some RandomSource) -> [Lease] {
        var pool = sorted
        let count = min(limit, pool.count)
        guard count > 0 else { return [] }
        for i in 0..<count {
            pool.swapAt(i, i + random.nextIndex(below: pool.count - i))
        }
        return Array(pool[..<count])
    }
}
