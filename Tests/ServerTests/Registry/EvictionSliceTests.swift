import Testing
@testable import Server

/// Eviction runs spread over loop turns (Registry/EvictionRun.swift, issue 19): the same choice as a run in one
/// turn, bounded work per turn, and no eviction of what changed between turns.
@Suite struct EvictionSliceTests {
    func harness(seed: UInt64 = 42) -> RegistryHarness {
        RegistryHarness(seed: seed) { $0.enableSelfPreservation = false }
    }

    /// `apps` applications of `perApp` leases; every third lease renewed 60 s in, so after 90 s more only the
    /// others have expired.
    func populate(_ h: RegistryHarness, apps: Int, perApp: Int) {
        for a in 0..<apps {
            for i in 0..<perApp { h.register(instance("i-\(a)-\(i)", app: "APP-\(a)")) }
        }
        h.advance(60_000)
        for a in 0..<apps {
            for i in stride(from: 0, to: perApp, by: 3) { _ = h.renew("i-\(a)-\(i)", app: "APP-\(a)") }
        }
        h.advance(30_001)
    }

    func evicted(_ h: RegistryHarness) -> [String] {
        h.events.compactMap { if case .evicted(let record) = $0 { record.effectiveId } else { nil } }
    }

    func runSliced(_ h: RegistryHarness, _ budget: EvictionRun.Budget) -> EvictionRun {
        let run = h.registry.beginEviction(budget: budget)
        var turns = 0
        while !run.advance() {
            turns += 1
            precondition(turns < 100_000, "a run that never ends")
        }
        return run
    }

    @Test(arguments: [UInt64(1), 7, 42])
    func slicedRunEvictsTheSameInstancesAsOneTurn(seed: UInt64) {
        let whole = harness(seed: seed)
        populate(whole, apps: 12, perApp: 25)
        let summary = whole.registry.evict()
        let sliced = harness(seed: seed)
        populate(sliced, apps: 12, perApp: 25)
        let run = runSliced(sliced, .init(leases: 7, cancels: 3))
        #expect(run.turns > 10)
        #expect(evicted(sliced) == evicted(whole))
        #expect(evicted(whole).count == 45)  // 300 - (int)(300 * 0.85), of the 192 expired
        #expect(run.summary?.expired == summary?.expired)
        #expect(run.summary?.evicted == summary?.evicted)
        #expect(sliced.registry.instanceCount == whole.registry.instanceCount)
        #expect(sliced.registry.expiredKept.count == whole.registry.expiredKept.count)
        #expect(sliced.registry.expiredKept.count == 147)
        #expect(sliced.registry.expiredKept.first.map(\.id) == whole.registry.expiredKept.first.map(\.id))
    }

    @Test func noTurnChecksOrCancelsMoreThanItsBudget() {
        let h = harness()
        populate(h, apps: 20, perApp: 50)  // 1,000 leases, 660 expired, limit 150
        let run = runSliced(h, .init(leases: 64, cancels: 5))
        #expect(run.largestChecks <= 64)
        #expect(run.largestCancels <= 5)
        #expect(run.largestChecks == 64 && run.largestCancels == 5)  // the budget was used, not skipped
        #expect(evicted(h).count == 150)
        // 1,000 checks of the walk and 660 of the recheck at 64 a turn, then 150 cancellations at 5 a turn.
        #expect(run.turns >= (1_000 + 660) / 64 + 150 / 5)
    }

    @Test func aLeaseRenewedDuringTheWalkIsNotEvicted() {
        let h = harness()
        for i in 0..<40 { h.register(instance("i-\(i)")) }
        h.advance(90_001)
        let run = h.registry.beginEviction(budget: .init(leases: 10, cancels: 100))
        run.advance()  // 10 of 40 leases walked, all of them expired
        #expect(run.step == .walking)
        for i in 0..<40 where i != 3 && i != 35 { _ = h.renew("i-\(i)") }
        while !run.advance() {}
        // Only the two left alone can go, walked before (i-3 may be among the first 10) or after the renewals.
        #expect(Set(evicted(h)).isSubset(of: ["i-3", "i-35"]))
        #expect(evicted(h).count == 2)  // limit 40 - 34 = 6
        #expect(h.registry.instanceCount == 38)
    }

    @Test func aChosenLeaseRenewedBeforeItsCancellationIsNotEvicted() {
        let h = harness()
        for i in 0..<40 { h.register(instance("i-\(i)")) }
        h.advance(90_001)
        let run = h.registry.beginEviction(budget: .init(leases: 1_000, cancels: 1))
        run.advance()  // walk, recheck, choice of 6, first cancellation
        #expect(run.step == .cancelling)
        #expect(evicted(h).count == 1)
        for i in 0..<40 { _ = h.renew("i-\(i)") }
        while !run.advance() {}
        #expect(evicted(h).count == 1)
        #expect(h.registry.instanceCount == 39)
        #expect(run.summary?.evicted == 1)
    }

    @Test func aRegistryChangedBetweenTurnsStaysConsistent() {
        let h = harness()
        populate(h, apps: 6, perApp: 20)  // 120 leases, 78 expired (i-a-1, i-a-2, i-a-4, ...)
        let run = h.registry.beginEviction(budget: .init(leases: 9, cancels: 2))
        var turn = 0
        var reRegistered: Set<String> = []
        while !run.advance() {
            turn += 1
            switch turn {
            case 1: _ = h.registry.cancel(app: "APP-0", id: "i-0-1", isReplication: false)  // walked: cancelled since
            case 2: for i in 0..<20 { _ = h.registry.cancel(app: "APP-5", id: "i-5-\(i)", isReplication: false) }
            case 3:
                h.register(instance("i-1-2", app: "APP-1"))  // an expired lease replaced by a fresh one
                reRegistered.insert("i-1-2")
            case 4: for i in 0..<5 { h.register(instance("new-\(i)", app: "APP-NEW")) }
            case 12:
                h.register(instance("i-2-4", app: "APP-2"))
                reRegistered.insert("i-2-4")
            default: break
            }
        }
        let gone = evicted(h)
        #expect(!gone.isEmpty)
        #expect(Set(gone).count == gone.count)
        #expect(reRegistered.isDisjoint(with: gone))
        #expect(!gone.contains("i-0-1"))
        #expect(!gone.contains { $0.hasPrefix("i-5-") || $0.hasPrefix("new-") })
        for id in reRegistered { #expect(h.registry.lease(app: id == "i-1-2" ? "APP-1" : "APP-2", id: id) != nil) }
        // The counts agree with the tables, and every evicted instance has left them.
        let held = h.registry.apps.values.reduce(0) { $0 + $1.count }
        #expect(h.registry.instanceCount == held)
        #expect(held == 120 - 1 - 20 + 5 - gone.count)
        for id in gone { #expect(!h.registry.apps.values.contains { $0[id] != nil }) }
        #expect(h.registry.evictedTotal == gone.count)
        #expect(h.registry.expiredKept.first.allSatisfy { h.registry.lease(app: $0.app, id: $0.id) != nil })
    }

    @Test func nothingExpiredMeansNoSummaryOnlyAWalk() {
        let h = RegistryHarness()  // self-preservation on, first minute: expiration off
        for i in 0..<30 { h.register(instance("i-\(i)")) }
        h.advance(90_001)
        let run = h.registry.beginEviction(budget: .init(leases: 4, cancels: 1))
        while !run.advance() {}
        #expect(run.summary == nil)
        #expect(h.registry.instanceCount == 30)
        #expect(h.registry.expiredKept.count == 30)  // the dashboard still sees what the run kept
        #expect(run.largestChecks <= 4)
    }
}
