import Testing
@testable import Server

@Suite struct RegistrySelfPreservationTests {
    func counters(_ configure: (inout RegistrySettings) -> Void = { _ in }) -> SelfPreservation {
        var settings = RegistrySettings()
        configure(&settings)
        return SelfPreservation(settings: settings)
    }

    @Test func thresholdIsExpectedTimesRenewsPerMinuteTimesPercentTruncated() {
        var sp = counters()
        sp.open(count: 10)
        #expect(sp.threshold == 17)
        sp.open(count: 21)
        #expect(sp.threshold == 35)  // (int)35.7
    }

    @Test(arguments: [0, -5])
    func nonPositiveRenewalIntervalCountsAsThirtySeconds(_ interval: Int) {
        var sp = counters { $0.expectedClientRenewalIntervalSeconds = interval }
        sp.open(count: 10)
        #expect(sp.threshold == 17)
    }

    @Test func thresholdFollowsRenewalInterval() {
        var sp = counters { $0.expectedClientRenewalIntervalSeconds = 10 }
        sp.open(count: 10)
        #expect(sp.threshold == 51)  // (int)(10 * 6.0 * 0.85)
    }

    @Test func initialExpectationComesFromSettings() {
        #expect(counters().expectedClients == 1)
        #expect(counters { $0.expectedNumberOfClientsSendingRenews = 0 }.threshold == 0)
    }

    @Test func expirationNeedsPositiveThresholdExceeded() {
        var sp = counters()
        sp.open(count: 0)
        for _ in 0..<1_000 { sp.recordRenew() }
        sp.rotate()
        #expect(!sp.isLeaseExpirationEnabled)  // T = 0 never expires
        #expect(counters { $0.enableSelfPreservation = false }.isLeaseExpirationEnabled)
    }

    @Test func thresholdUpdateFollowsCountAboveFractionOfExpected() {
        var sp = counters()
        sp.open(count: 10)
        sp.updateThreshold(leaseCount: 9)  // 9 > 8.5
        #expect(sp.expectedClients == 9)
        #expect(sp.threshold == 15)
        sp.updateThreshold(leaseCount: 30)
        #expect(sp.expectedClients == 30)
    }

    @Test func thresholdUpdateKeepsExpectationAfterSuddenLoss() {
        var sp = counters()
        sp.open(count: 10)
        sp.updateThreshold(leaseCount: 8)  // 8 <= 8.5
        #expect(sp.expectedClients == 10)
        #expect(sp.threshold == 17)
    }

    @Test func thresholdUpdateAlwaysFollowsCountWithoutSelfPreservation() {
        var sp = counters { $0.enableSelfPreservation = false }
        sp.open(count: 10)
        sp.updateThreshold(leaseCount: 2)
        #expect(sp.expectedClients == 2)
    }

    @Test func thresholdUpdateCountsEveryLocalLease() {
        let h = RegistryHarness()
        h.registry.openForTraffic(count: 0)
        for i in 0..<4 { h.register(instance("\(i)", status: i == 0 ? .down : .up)) }
        #expect(h.registry.selfPreservation.expected == 0)
        h.registry.updateRenewalThreshold()
        #expect(h.registry.selfPreservation.expected == 4)
        #expect(h.registry.selfPreservation.threshold == 6)
    }

    @Test func openForTrafficRemembersWhen() {
        let h = RegistryHarness()
        #expect(h.registry.openedForTrafficAt == nil)
        h.registry.openForTraffic(count: 3)
        #expect(h.registry.openedForTrafficAt == h.now)
        #expect(h.registry.selfPreservation.expected == 3)
    }
}

@Suite struct RegistryRenewThresholdViewTests {
    @Test func belowRenewThresholdOnlyAfterGraceSinceOpening() {
        let h = RegistryHarness()
        #expect(!h.registry.isBelowRenewThreshold(graceMs: 300_000))
        h.registry.openForTraffic(count: 1)
        #expect(!h.registry.isBelowRenewThreshold(graceMs: 300_000))
        h.advance(300_001)
        #expect(h.registry.isBelowRenewThreshold(graceMs: 300_000))
        h.register(instance("a"))  // E 2, T 3
        for _ in 0..<4 { _ = h.renew("a") }
        h.registry.rotateRenewsPerMinute()
        #expect(!h.registry.isBelowRenewThreshold(graceMs: 300_000))
    }
}
