import Testing
@testable import Server

@Suite struct RegistryLeaseTests {
    let start: Int64 = 1_000_000

    @Test func unrenewedLeaseExpiresOneDurationAfterRegistration() {
        let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: start)
        #expect(!lease.isExpired(now: start + 90_000))
        #expect(lease.isExpired(now: start + 90_001))
    }

    @Test func renewedLeaseExpiresTwoDurationsAfterRenewalByNetflixQuirk() {
        let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: start)
        lease.renew(now: start + 10_000, exact: false)
        #expect(!lease.isExpired(now: start + 10_000 + 180_000))
        #expect(lease.isExpired(now: start + 10_000 + 180_001))
        // The written lastRenewalTimestamp lies in the future (3.5).
        #expect(lease.decoratedInstance(serverInstanceId: nil).leaseInfo?.lastRenewalTimestamp == start + 100_000)
    }

    @Test func exactLeaseExpiryRenewedLeaseExpiresOneDurationAfterRenewal() {
        let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: start)
        lease.renew(now: start + 10_000, exact: true)
        #expect(!lease.isExpired(now: start + 100_000))
        #expect(lease.isExpired(now: start + 100_001))
        #expect(lease.decoratedInstance(serverInstanceId: nil).leaseInfo?.lastRenewalTimestamp == start + 10_000)
    }

    @Test func extraGraceDelaysExpiry() {
        let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: start)
        #expect(!lease.isExpired(now: start + 95_000, extraMs: 5_000))
        #expect(lease.isExpired(now: start + 95_001, extraMs: 5_000))
    }

    @Test func cancelledLeaseIsExpiredAndKeepsFirstEvictionTime() {
        let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: start)
        lease.cancel(now: start + 1)
        lease.cancel(now: start + 2)
        #expect(lease.evictionTimestamp == start + 1)
        #expect(lease.isExpired(now: start + 1))
    }

    @Test func nonPositiveDurationFallsBackToNinetySeconds() {
        #expect(Lease(instance: instance("a"), id: "a", durationSecs: 0, now: start).durationMs == 90_000)
    }

    @Test func decorationRebuildsLeaseInfoAndCoordinatingFlag() {
        var info = instance("a")
        info.leaseInfo = LeaseInfo(renewalIntervalInSecs: 0, durationInSecs: 40)
        let lease = Lease(instance: info, id: "a", durationSecs: 40, now: start)
        lease.serviceUp(now: start + 5)
        lease.serviceUp(now: start + 6)
        let record = lease.decoratedInstance(serverInstanceId: "a")
        #expect(record.leaseInfo?.renewalIntervalInSecs == 30)
        #expect(record.leaseInfo?.durationInSecs == 40)
        #expect(record.leaseInfo?.registrationTimestamp == start)
        #expect(record.leaseInfo?.serviceUpTimestamp == start + 5)
        #expect(record.isCoordinatingDiscoveryServer)
        #expect(!lease.decoratedInstance(serverInstanceId: "b").isCoordinatingDiscoveryServer)
    }
}
