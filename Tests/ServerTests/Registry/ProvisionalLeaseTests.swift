import Testing
@testable import Server

/// Warm restart's lease rules (docs/warm-restart.md) on a manual clock: restored leases are provisional until a
/// renewal or a register, are not expected by self-preservation, and are evicted at expiry whatever it says.
@Suite struct ProvisionalLeaseTests {
    /// Self-preservation on and holding: E = 10 expected, no renewal counted, so R = 0 <= T.
    func preserving() -> RegistryHarness {
        let h = RegistryHarness()
        h.registry.openForTraffic(count: 10)
        h.registry.rotateRenewsPerMinute()
        #expect(!h.registry.isLeaseExpirationEnabled)
        return h
    }

    func restored(_ ids: [String], app: String = "ORDERS", duration: Int = 90, override: InstanceStatus? = nil) -> [PersistedRecord] {
        ids.map { id in
            var info = instance(id, app: app, dirty: 777)
            info.leaseInfo = LeaseInfo(renewalIntervalInSecs: 30, durationInSecs: duration)
            return PersistedRecord(instance: info, override: override)
        }
    }

    func evictedIds(_ h: RegistryHarness) -> Set<String> {
        Set(h.events.compactMap { if case .evicted(let record) = $0 { record.effectiveId } else { nil } })
    }

    @Test func restoredLeasesAreServedProvisionalWithTheirRecordAndNoEvent() {
        let h = RegistryHarness()
        #expect(h.registry.restoreProvisional(restored(["a", "b"])) == 2)
        #expect(h.registry.instanceCount == 2)
        #expect(h.registry.provisionalCount == 2)
        let stored = h.stored("a")
        #expect(stored?.lastDirtyTimestamp == 777)
        #expect(stored?.leaseInfo?.registrationTimestamp == h.now)
        #expect(stored?.leaseInfo?.lastRenewalTimestamp == h.now)
        #expect(h.events.isEmpty)  // nothing replicated, nothing to invalidate before the node opens
    }

    @Test func restoredLeasesEnterTheDeltaAsAdded() {
        let h = RegistryHarness()
        h.registry.restoreProvisional(restored(["a", "b"]))
        let delta = h.registry.deltaApplications().allInstances
        #expect(delta.map(\.actionType) == [.added, .added])
        #expect(Set(delta.map(\.effectiveId)) == ["a", "b"])
    }

    @Test func restoredLeasesAreInTheVipIndexAndTheDashboardCounts() {
        let h = RegistryHarness()
        let records = ["a", "b"].map { id in
            PersistedRecord(instance: instance(id, app: "ORDERS", dirty: 777, vip: "orders-vip", secureVip: "orders-secure"), override: nil)
        }
        h.registry.restoreProvisional(records)
        #expect(h.registry.vipApplications("orders-vip", secure: false).allInstances.count == 2)
        #expect(h.registry.vipApplications("orders-secure", secure: true).allInstances.count == 2)
        let census = h.registry.census(offset: 0, limit: 10, sampleLimit: 10)
        #expect(census.applications.map(\.name) == ["ORDERS"])
        #expect(census.applications.first?.total == 2)
        // A cancel takes them out of both again.
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        #expect(h.registry.vipApplications("orders-vip", secure: false).allInstances.count == 1)
        #expect(h.registry.census(offset: 0, limit: 10, sampleLimit: 10).applications.first?.total == 1)
    }

    @Test func theOverrideGoesBackIntoTheMap() {
        let h = RegistryHarness()
        h.registry.restoreProvisional(restored(["a"], override: .outOfService))
        #expect(h.registry.overriddenStatus(id: "a") == .outOfService)
        #expect(h.stored("a")?.overriddenStatus == .outOfService)
    }

    @Test func anIdAlreadyPresentIsNotReplaced() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 5))
        #expect(h.registry.restoreProvisional(restored(["a", "b"])) == 1)
        #expect(h.stored("a")?.lastDirtyTimestamp == 5)
    }

    @Test func provisionalLeasesExpireAfterOneDurationEvenUnderSelfPreservation() {
        let h = preserving()
        h.register(instance("ordinary"))
        h.registry.restoreProvisional(restored(["p1", "p2"], duration: 40) + restored(["p3"], duration: 90))
        h.advance(40_000)
        h.registry.evict()
        #expect(evictedIds(h).isEmpty)  // not yet: expiry is strictly after one duration
        h.advance(1)
        h.registry.evict()
        #expect(evictedIds(h) == ["p1", "p2"])
        h.advance(50_000)
        h.registry.evict()
        #expect(evictedIds(h) == ["p1", "p2", "p3"])
        #expect(h.registry.provisionalCount == 0)
        // The ordinary lease expired too, but self-preservation still holds it.
        #expect(!h.registry.isLeaseExpirationEnabled)
        #expect(h.stored("ordinary") != nil)
        #expect(h.registry.instanceCount == 1)
    }

    @Test func evictingProvisionalLeasesIsNotLimitedToTheEvictionFraction() {
        let h = RegistryHarness { $0.enableSelfPreservation = false }
        h.registry.restoreProvisional(restored((0..<20).map { "p\($0)" }))
        h.advance(90_001)
        h.registry.evict()
        #expect(evictedIds(h).count == 20)  // an ordinary run would take 3 of 20
    }

    @Test func aHeartbeatMakesAProvisionalLeaseOrdinary() {
        let h = preserving()
        h.registry.restoreProvisional(restored(["alive", "dead"]))
        h.advance(30_000)
        #expect(h.renew("alive") == .renewed)
        #expect(h.registry.provisionalCount == 1)
        h.advance(200_000)  // both past any expiry
        h.registry.evict()
        #expect(evictedIds(h) == ["dead"])
        #expect(h.stored("alive") != nil)  // ordinary now: self-preservation holds it
    }

    @Test func aReplicatedHeartbeatMakesItOrdinaryToo() {
        let h = preserving()
        h.registry.restoreProvisional(restored(["a"]))
        #expect(h.renew("a", replication: true) == .renewed)
        #expect(h.registry.provisionalCount == 0)
    }

    @Test func aRegisterMakesItOrdinary() {
        for replication in [false, true] {
            let h = preserving()
            h.registry.restoreProvisional(restored(["a"]))
            h.register(instance("a", dirty: 900), replication: replication)
            #expect(h.registry.provisionalCount == 0)
            h.advance(200_000)
            h.registry.evict()
            #expect(h.stored("a") != nil)
        }
    }

    @Test func theStartupSyncsCopyOfARestoredLeaseStaysProvisional() {
        let h = preserving()
        h.registry.restoreProvisional(restored(["a"]))
        #expect(!h.registry.registerSyncedCopy(instance("a", dirty: 900), leaseDurationSecs: 90))
        #expect(h.registry.registerSyncedCopy(instance("new"), leaseDurationSecs: 90))
        #expect(h.registry.provisionalCount == 1)
        #expect(h.stored("a")?.lastDirtyTimestamp == 900)  // the newer record was still taken
        h.advance(90_001)
        h.registry.evict()
        #expect(evictedIds(h) == ["a"])
    }

    @Test func expectedClientsExcludeProvisionalLeases() {
        let h = RegistryHarness()
        h.register(instance("o1"))
        h.register(instance("o2"))
        h.registry.restoreProvisional(restored(["p1", "p2", "p3", "p4"]))
        h.registry.openForTraffic(count: 2)
        h.registry.updateRenewalThreshold()
        #expect(h.registry.selfPreservation.expected == 2)  // not 6
        _ = h.renew("p1")
        #expect(h.registry.selfPreservation.expected == 3)
        h.register(instance("p2"))
        #expect(h.registry.selfPreservation.expected == 4)
        _ = h.registry.cancel(app: "ORDERS", id: "p3", isReplication: false)  // never expected: E unchanged
        #expect(h.registry.selfPreservation.expected == 4)
        #expect(h.registry.provisionalCount == 1)
        h.registry.updateRenewalThreshold()
        #expect(h.registry.selfPreservation.expected == 4)  // 5 leases, 1 provisional
    }

    @Test func aCopyInSlicesSeesEveryLeaseOnceAndSkipsCancelledOnes() {
        let h = RegistryHarness()
        for i in 0..<5 { h.register(instance("o\(i)")) }
        h.register(instance("b0", app: "BILLING"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "o1", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        var cursor = h.registry.startCopy()
        var records: [PersistedRecord] = []
        var slices = 1
        #expect(!h.registry.copySlice(&cursor, limit: 2, into: &records))
        #expect(records.count == 2)
        // Changes between slices: a cancel is left out once seen, a register arrives after the view was taken.
        let notYetCopied = ["o0", "o1", "o2", "o3", "o4", "b0"].first { id in !records.contains { $0.instance.effectiveId == id } }!
        let app = notYetCopied == "b0" ? "BILLING" : "ORDERS"
        _ = h.registry.cancel(app: app, id: notYetCopied, isReplication: false)
        h.register(instance("late"))
        while !h.registry.copySlice(&cursor, limit: 2, into: &records) { slices += 1 }
        slices += 1
        #expect(records.count == 5)
        #expect(!records.contains { $0.instance.effectiveId == notYetCopied || $0.instance.effectiveId == "late" })
        #expect(slices >= 3)
        if notYetCopied != "o1" {
            #expect(records.first { $0.instance.effectiveId == "o1" }?.override == .outOfService)
        }
        #expect(records.allSatisfy { $0.instance.leaseInfo?.durationInSecs == 90 })
    }
}
