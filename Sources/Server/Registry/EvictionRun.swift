/// One eviction run of spec 5.1 spread over loop turns (issue 19: visiting all 100,000 leases in one timer callback
/// held the loop ~3 ms once a minute). The run is the spec's algorithm applied at the time it began (`now`, the late-run
/// compensation and whether lease expiration is enabled are fixed then), in four steps, each `advance` doing at most
/// `budget.leases` lease checks and `budget.cancels` cancellations:
///
/// 1. walk: the applications in name order, each one's lease references taken when the walk reaches it (as
///    RegistryWalk does), testing expiry; the expired leases of an application are sorted by id when it is done, so
///    the list is in (application, id) order without a sort of the whole list;
/// 2. recheck: each expired lease is looked up again and kept only if the registry still holds an expired lease
///    under its key (a lease renewed, cancelled or re-registered between two turns is not evicted);
/// 3. choose (one turn; no lease is touched, only the list): `limit` from the registry's size now, and the same
///    partial Fisher-Yates choice over the same sorted list as a run in one turn would make;
/// 4. cancel: each chosen lease, checked once more, through internalCancel (`.evicted`, never replicated).
///
/// A run in one turn (`Budget.unbounded`, what `InstanceRegistry.evict()` does) evicts exactly what the one-pass
/// algorithm evicted. Loop thread only.
final class EvictionRun {
    struct Budget: Sendable {
        /// Lease expiry tests (walk and recheck) per turn.
        var leases: Int
        /// Cancellations per turn: each invalidates cached documents and appends to the delta, ~100x a check.
        var cancels: Int

        /// ~30 ns per check at 100,000 leases (a cache miss each): 5,000 are ~0.2 ms, 20 turns per run.
        static let `default` = Budget(leases: 5_000, cancels: 100)
        static let unbounded = Budget(leases: .max, cancels: .max)
    }

    enum Step { case walking, rechecking, choosing, cancelling, done }

    private unowned let registry: InstanceRegistry
    let budget: Budget
    let now: Int64
    let extraMs: Int64
    let expiryEnabled: Bool
    private(set) var step = Step.walking

    /// Applications not reached yet, in descending name order (the walk pops the smallest).
    private var appsLeft: [String]
    private var appLeases: [Lease] = []
    private var appPosition = 0
    private var appExpired: [Lease] = []
    /// Expired ordinary leases in (application, id) order, then after the recheck only those still expired.
    private var expired: [Lease] = []
    /// Expired provisional leases: all go whatever self-preservation says (docs/warm-restart.md).
    private var provisional: [Lease] = []
    private var recheckPosition = 0
    private var stillExpired: [Lease] = []
    private var stillProvisional: [Lease] = []
    private var chosen: [Lease] = []
    private var cancelPosition = 0
    private var evictedOrdinary = 0
    private var evicted = 0

    /// Turns taken, and the most lease checks and cancellations one turn did: what the bounded-work tests read.
    private(set) var turns = 0
    private(set) var largestChecks = 0
    private(set) var largestCancels = 0
    /// The node log's summary (expired found, evicted); nil when lease expiration was off and nothing provisional
    /// had expired. Set when `step` is `.done`.
    private(set) var summary: (expired: Int, evicted: Int)?

    /// Starts a run now: takes the compensation (which records this run's time) and the expiry switch.
    init(registry: InstanceRegistry, budget: Budget) {
        self.registry = registry
        self.budget = Budget(leases: max(1, budget.leases), cancels: max(1, budget.cancels))
        now = registry.time.nowMillis()
        extraMs = registry.eviction.compensation(now: now)
        registry.overrides.removeExpired(now: now)  // piggybacks the minute tick so abandoned overrides do not pile up
        expiryEnabled = registry.preservation.isLeaseExpirationEnabled
        appsLeft = registry.applicationNames().sorted(by: >)
    }

    var isDone: Bool { step == .done }

    /// One turn's share of the run; true once the run is complete (`summary` is then set).
    @discardableResult
    func advance() -> Bool {
        turns += 1
        var checks = budget.leases
        var cancels = budget.cancels
        steps: while true {
            switch step {
            case .walking: if !walk(&checks) { break steps }
            case .rechecking: if !recheck(&checks) { break steps }
            case .choosing: choose()
            case .cancelling: if !cancel(&cancels) { break steps }
            case .done: break steps
            }
        }
        largestChecks = max(largestChecks, budget.leases - checks)
        largestCancels = max(largestCancels, budget.cancels - cancels)
        return isDone
    }

    /// False when the budget ran out before the walk's end.
    private func walk(_ checks: inout Int) -> Bool {
        while true {
            if appPosition == appLeases.count {
                finishApplication()
                guard let app = appsLeft.popLast() else {
                    step = .rechecking
                    return true
                }
                appLeases = registry.leases(ofApplication: app)
                continue
            }
            guard checks > 0 else { return false }
            let end = appPosition + min(appLeases.count - appPosition, checks)
            // A lease cancelled since its references were taken tests expired (evictionTimestamp): the recheck drops it.
            for lease in appLeases[appPosition..<end] where lease.isExpired(now: now, extraMs: extraMs) {
                if lease.isProvisional { provisional.append(lease) } else { appExpired.append(lease) }
            }
            checks -= end - appPosition
            appPosition = end
        }
    }

    private func finishApplication() {
        appLeases = []
        appPosition = 0
        guard !appExpired.isEmpty else { return }
        expired += appExpired.sorted { $0.id < $1.id }
        appExpired = []
    }

    private func recheck(_ checks: inout Int) -> Bool {
        let total = expired.count + provisional.count
        while recheckPosition < total {
            guard checks > 0 else { return false }
            checks -= 1
            let isProvisional = recheckPosition >= expired.count
            let lease = isProvisional ? provisional[recheckPosition - expired.count] : expired[recheckPosition]
            recheckPosition += 1
            guard let current = stillExpiredLease(like: lease) else { continue }
            if isProvisional { stillProvisional.append(current) } else { stillExpired.append(current) }
        }
        expired = []
        provisional = []
        step = .choosing
        return true
    }

    /// The lease the registry holds now under `lease`'s key, if it is expired as of the run's time.
    private func stillExpiredLease(like lease: Lease) -> Lease? {
        guard let current = registry.lease(app: lease.instance.app, id: lease.id),
              current.isExpired(now: now, extraMs: extraMs) else { return nil }
        return current
    }

    private func choose() {
        if expiryEnabled || !stillProvisional.isEmpty {
            let ordinary = expiryEnabled && !stillExpired.isEmpty
                ? registry.eviction.choose(
                    fromSorted: stillExpired,
                    limit: registry.eviction.limit(leaseCount: registry.instanceCount - registry.provisionalCount),
                    random: &registry.random)
                : []
            chosen = stillProvisional + ordinary
            step = .cancelling
        } else {
            finish()
        }
    }

    private func cancel(_ cancels: inout Int) -> Bool {
        while cancelPosition < chosen.count {
            guard cancels > 0 else { return false }
            cancels -= 1
            let lease = chosen[cancelPosition]
            cancelPosition += 1
            guard stillExpiredLease(like: lease) === lease,
                  let record = registry.internalCancel(app: lease.instance.app, id: lease.id) else { continue }
            registry.evictedTotal += 1
            evicted += 1
            if !lease.isProvisional { evictedOrdinary += 1 }
            registry.onEvent?(.evicted(record))
        }
        finish()
        return true
    }

    /// The dashboard's report of what the run kept, and the summary. Touches at most `listed` kept leases and the
    /// evicted ones, not every expired lease.
    private func finish() {
        let kept = stillExpired.lazy.filter { !$0.isCancelled }.prefix(ExpiredKeptReport.listed)
        registry.expiredKept = ExpiredKeptReport(
            takenAt: now, count: stillExpired.count - evictedOrdinary,
            first: kept.map { .init(app: $0.instance.app, id: $0.id, dueAt: $0.expiryDueAt) })
        if expiryEnabled || !stillProvisional.isEmpty {
            summary = ((expiryEnabled ? stillExpired.count : 0) + stillProvisional.count, evicted)
        }
        chosen = []
        stillExpired = []
        stillProvisional = []
        step = .done
    }
}
