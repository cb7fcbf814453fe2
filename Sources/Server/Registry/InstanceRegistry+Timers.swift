/// The periodic work of spec 5. The node's timers decide when; these decide what, taking time from the
/// injected source so tests drive them with a manual clock.
extension InstanceRegistry {
    /// 5.6 step 4: E = `count` (the caller substitutes default-open-for-traffic-count when nothing was synced).
    func openForTraffic(count: Int) {
        preservation.open(count: count)
        openedForTrafficAt = time.nowMillis()
    }

    /// 5.1: with lease expiration enabled, cancel up to the limit of expired leases, chosen at random, granting a
    /// late run its delay as grace. Evictions fire `.evicted` (invalidate, never replicate). Returns the run's
    /// summary for the node's log: leases found expired and leases evicted (nil when lease expiration is off).
    /// The whole run in this turn; the node spreads runs over turns with `beginEviction` (EvictionRun).
    @discardableResult
    func evict() -> (expired: Int, evicted: Int)? {
        let run = beginEviction(budget: .unbounded)
        while !run.advance() {}
        return run.summary
    }

    /// Starts a run now (its time, compensation and expiry switch are taken here); `advance()` it on later turns.
    func beginEviction(budget: EvictionRun.Budget = .default) -> EvictionRun {
        EvictionRun(registry: self, budget: budget)
    }

    /// The fixed 60 s timer of 5.2: the last minute's renewals become R.
    func rotateRenewsPerMinute() {
        preservation.rotate()
    }

    /// 5.3, counting every lease of the local registry (OUR choice) but the provisional ones, which no client
    /// has yet shown to be alive (docs/warm-restart.md).
    func updateRenewalThreshold() {
        preservation.updateThreshold(leaseCount: instanceCount - provisionalCount)
    }

    /// 5.4 retention task. Invalidates nothing (6.4). Lets go of at most `maxReleased` cancelled records; returns
    /// true when expired entries remain (the node runs the next step on a later loop turn, after a heap trim).
    @discardableResult
    func pruneRecentChanges(maxReleased: Int = .max) -> Bool {
        let now = time.nowMillis()
        let retention = settings.retentionTimeInMSInDeltaQueue
        releasedRecords += recentChanges.prune(now: now, retentionMs: retention, maxReleased: maxReleased)
        return recentChanges.hasExpired(now: now, retentionMs: retention)
    }

    /// Records released in bulk past which the node asks the allocator to hand freed pages back (issue 19: after
    /// 100,000 cancellations RSS stayed at 158 MB with 15 MB in use). A thousand records are ~1 MB of small blocks;
    /// below that a trim is not worth its pass over the heap. Ten thousand was too many: the retention task frees a
    /// mass cancellation in steps, and the last step, usually under ten thousand, was never followed by a trim
    /// (at 20,000 cancellations RSS stayed at 43.9 MB with 0.7 MB in use; a trim then gave 24.0 MB).
    static let heapTrimAfterReleasedRecords = 1_000

    /// True once per large release: when cancelled or evicted records let go of by the retention task since the
    /// last true answer reach `heapTrimAfterReleasedRecords`. The rule is the registry's, the trim the node's.
    func takeHeapTrimDue() -> Bool {
        guard releasedRecords >= Self.heapTrimAfterReleasedRecords else { return false }
        releasedRecords = 0
        return true
    }

    /// `!enable-self-preservation || (T > 0 && R > T)` (5.2).
    var isLeaseExpirationEnabled: Bool { preservation.isLeaseExpirationEnabled }

    /// The dashboard's and metrics' "below renew threshold" (5.2): R <= T once `graceMs`
    /// (wait-time-in-ms-when-sync-empty) has passed since opening; false before opening.
    func isBelowRenewThreshold(graceMs: Int64) -> Bool {
        guard let opened = openedForTrafficAt else { return false }
        return preservation.renewsLastMinute <= preservation.threshold && time.nowMillis() - opened > graceMs
    }

    /// E, T and R, for /status and metrics.
    var selfPreservation: (expected: Int, threshold: Int, renewsLastMinute: Int) {
        (preservation.expectedClients, preservation.threshold, preservation.renewsLastMinute)
    }
}
