import Testing
@testable import Server

@Suite struct RegistryEvictionTests {
    /// Self-preservation off, so lease expiration is always enabled and only eviction's own rules apply.
    func harness(seed: UInt64 = 42) -> RegistryHarness {
        RegistryHarness(seed: seed) { $0.enableSelfPreservation = false }
    }

    func registerExpired(_ h: RegistryHarness, count: Int, app: String = "ORDERS") {
        for i in 0..<count { h.register(instance("\(app)-\(i)", app: app)) }
    }

    func evictedIds(_ h: RegistryHarness) -> Set<String> {
        Set(h.events.compactMap { if case .evicted(let record) = $0 { record.effectiveId } else { nil } })
    }

    @Test(arguments: [(20, 3), (5, 1), (17, 3), (100, 15)])
    func evictionLimitIsSizeMinusThresholdFraction(_ size: Int, _ limit: Int) {
        #expect(Eviction(settings: RegistrySettings()).limit(leaseCount: size) == limit)
    }

    @Test func twentyExpiredLeasesLoseThreePerRun() {
        let h = harness()
        registerExpired(h, count: 20)
        h.advance(90_001)
        h.registry.evict()
        #expect(h.registry.instanceCount == 17)
        #expect(evictedIds(h).count == 3)
        h.advance(60_000)
        h.registry.evict()
        #expect(h.registry.instanceCount == 14)  // 17 - (int)14.45
        #expect(h.registry.evictedTotal == 6)
    }

    @Test func fiveExpiredLeasesLoseOnePerRun() {
        let h = harness()
        registerExpired(h, count: 5)
        h.advance(90_001)
        h.registry.evict()
        #expect(h.registry.instanceCount == 4)
    }

    @Test func evictionTakesOnlyExpiredLeases() {
        let h = harness()
        registerExpired(h, count: 20)
        h.advance(60_000)
        for i in 2..<20 { _ = h.renew("ORDERS-\(i)") }  // alive until +180 s after this renewal
        h.advance(30_001)
        h.registry.evict()
        #expect(evictedIds(h) == ["ORDERS-0", "ORDERS-1"])
    }

    @Test func evictedLeaseIsDeletedInDeltaAndNeverReplicated() {
        let h = harness()
        registerExpired(h, count: 1)
        h.advance(90_001)
        h.registry.evict()
        let record = h.registry.deltaApplications().allInstances
        #expect(record.map(\.actionType) == [.deleted])
        #expect(record.first?.leaseInfo?.evictionTimestamp == h.now)
        #expect(h.events.last?.invalidates == true)
        #expect(h.events.last?.replication == nil)
    }

    @Test func seededRandomChoiceIsRepeatableAndDiffersBetweenSeeds() {
        func choice(seed: UInt64) -> Set<String> {
            let h = harness(seed: seed)
            registerExpired(h, count: 10, app: "ORDERS")
            registerExpired(h, count: 10, app: "BILLING")
            h.advance(90_001)
            h.registry.evict()
            return evictedIds(h)
        }
        let first = choice(seed: 1)
        #expect(first.count == 3)
        #expect(choice(seed: 1) == first)
        let others = (2...6).map { choice(seed: $0) }
        #expect(others.allSatisfy { $0.count == 3 })
        #expect(others.contains { $0 != first })
    }

    @Test func chooseNeverReturnsMoreThanLimitOrFewerThanAvailable() {
        var random = SplitMix64(seed: 7)
        let leases = (0..<4).map { Lease(instance: instance("\($0)"), id: "\($0)", durationSecs: 90, now: 0) }
        let policy = Eviction(settings: RegistrySettings())
        #expect(policy.choose(from: leases, limit: 10, random: &random).count == 4)
        #expect(policy.choose(from: leases, limit: 2, random: &random).count == 2)
        #expect(policy.choose(from: leases, limit: 0, random: &random).isEmpty)
        #expect(Set(policy.choose(from: leases, limit: 3, random: &random).map(\.id)).isSubset(of: ["0", "1", "2", "3"]))
    }

    @Test func lateRunGrantsItsDelayAsGrace() {
        let h = harness()
        h.registry.evict()  // first run: no compensation, remembers the time
        h.advance(30_000)
        registerExpired(h, count: 1)  // expires after registration + 90 s = first run + 120 s
        h.advance(95_000)  // second run 65 s after the first: 5 s late
        h.registry.evict()
        #expect(h.registry.instanceCount == 1)  // expired by 5 s, but the 5 s are granted
        h.advance(60_000)  // on time: no grace
        h.registry.evict()
        #expect(h.registry.instanceCount == 0)
    }

    @Test func firstRunGetsNoCompensation() {
        var eviction = Eviction(settings: RegistrySettings())
        #expect(eviction.compensation(now: 500_000) == 0)
        #expect(eviction.compensation(now: 560_000) == 0)
        #expect(eviction.compensation(now: 630_000) == 10_000)
        #expect(eviction.compensation(now: 600_000) == 0)  // clock went back: floored
    }

    @Test func nothingIsEvictedWhileSelfPreservationHolds() {
        let h = RegistryHarness()  // self-preservation on
        h.registry.openForTraffic(count: 20)  // E 20, T 34
        registerExpired(h, count: 20)  // E 40, T 68
        h.advance(90_001)
        h.registry.evict()
        #expect(h.registry.instanceCount == 20)
        for _ in 0..<68 { _ = h.renew("ORDERS-0") }
        h.registry.rotateRenewsPerMinute()  // R = 68 = T: still preserving
        h.registry.evict()
        #expect(!h.registry.isLeaseExpirationEnabled)
        #expect(h.registry.instanceCount == 20)
        for _ in 0..<69 { _ = h.renew("ORDERS-0") }
        h.registry.rotateRenewsPerMinute()  // R = 69 > T
        #expect(h.registry.isLeaseExpirationEnabled)
        h.registry.evict()
        #expect(h.registry.instanceCount == 17)
        #expect(!evictedIds(h).contains("ORDERS-0"))
    }

    @Test func renewsOfTheFirstMinuteDoNotEnableExpiration() {
        let h = RegistryHarness()
        h.registry.openForTraffic(count: 1)
        h.register(instance("a"))
        for _ in 0..<100 { _ = h.renew("a") }
        #expect(h.registry.selfPreservation.renewsLastMinute == 0)
        #expect(!h.registry.isLeaseExpirationEnabled)
        h.registry.rotateRenewsPerMinute()
        #expect(h.registry.isLeaseExpirationEnabled)
    }
}
