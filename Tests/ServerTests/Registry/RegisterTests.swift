import Testing
@testable import Server

@Suite struct RegistryRegisterTests {
    @Test func registerWithOlderDirtyTimestampKeepsNewerExisting() {
        let h = RegistryHarness()
        var newer = instance("a", dirty: 2_000)
        newer.hostName = "newer"
        h.register(newer)
        var older = instance("a", dirty: 1_000)
        older.hostName = "older"
        let stored = h.register(older)
        #expect(stored.hostName == "newer")
        #expect(stored.lastDirtyTimestamp == 2_000)
        // OUR choice (4.4): the stored record, not the stale body, is what replicates.
        #expect(h.events.last?.replication == .register(stored))
    }

    @Test(arguments: [Int64(2_000), 3_000])
    func registerWithEqualOrNewerDirtyTimestampReplacesExisting(_ incoming: Int64) {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 2_000))
        var body = instance("a", dirty: incoming)
        body.hostName = "incoming"
        #expect(h.register(body).hostName == "incoming")
    }

    @Test func registerStampsAddedAndLastUpdatedAndStartsNewLease() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.advance(5_000)
        let stored = h.register(instance("a"))
        #expect(stored.actionType == .added)
        #expect(stored.lastUpdatedTimestamp == h.now)
        #expect(stored.leaseInfo?.registrationTimestamp == h.now)
        #expect(stored.leaseInfo?.lastRenewalTimestamp == h.now)
    }

    @Test func serviceUpTimestampCarriesOverReRegistration() {
        let h = RegistryHarness()
        let first = h.register(instance("a"))
        let upAt = h.now
        #expect(first.leaseInfo?.serviceUpTimestamp == upAt)
        h.advance(10_000)
        #expect(h.register(instance("a")).leaseInfo?.serviceUpTimestamp == upAt)
    }

    @Test func serviceUpTimestampIsZeroUntilFirstUp() {
        let h = RegistryHarness()
        #expect(h.register(instance("a", status: .starting)).leaseInfo?.serviceUpTimestamp == 0)
        h.advance(3_000)
        #expect(h.register(instance("a", status: .up)).leaseInfo?.serviceUpTimestamp == h.now)
    }

    @Test func newRegistrationRaisesExpectedClientsAndThreshold() {
        let h = RegistryHarness()
        h.registry.openForTraffic(count: 10)
        #expect(h.registry.selfPreservation.expected == 10)
        #expect(h.registry.selfPreservation.threshold == 17)
        h.register(instance("a"))
        #expect(h.registry.selfPreservation.expected == 11)
        #expect(h.registry.selfPreservation.threshold == 18)  // (int)(11 * 2.0 * 0.85) = (int)18.7
        h.register(instance("a"))  // a re-registration is not a new client
        h.register(instance("b"), replication: true)  // a replicated new lease is
        #expect(h.registry.selfPreservation.expected == 12)
    }

    @Test func expectedClientsStayZeroWhenZero() {
        let h = RegistryHarness()
        h.registry.openForTraffic(count: 0)
        h.register(instance("a"))
        h.register(instance("b"))
        #expect(h.registry.selfPreservation.expected == 0)
        #expect(h.registry.selfPreservation.threshold == 0)
    }

    @Test func overriddenStatusInRegistrantIsTakenIntoEmptyOverrideMap() {
        let h = RegistryHarness()
        var info = instance("a")
        info.overriddenStatus = .outOfService
        let stored = h.register(info, replication: true)
        #expect(stored.status == .outOfService)
        #expect(h.registry.overriddenStatus(id: "a") == .outOfService)
        // An existing entry is not replaced by the body's.
        info.overriddenStatus = .down
        #expect(h.register(info, replication: true).overriddenStatus == .outOfService)
    }

    @Test func registerEventCarriesVipsOfNewAndReplacedRecord() {
        let h = RegistryHarness()
        h.register(instance("a", vip: "orders,orders-v1", secureVip: "s1"))
        h.register(instance("a", vip: "orders,orders-v2", secureVip: "s1"))
        let event = h.events.last!
        #expect(event.invalidates)
        #expect(event.app == "ORDERS" && event.id == "a")
        #expect(event.vipNames == ["orders", "orders-v2", "orders-v1"])
        #expect(event.secureVipNames == ["s1"])
    }

    @Test func replicatedRegisterIsNotReplicatedAgain() {
        let h = RegistryHarness()
        h.register(instance("a"), replication: true)
        #expect(h.events.last?.replication == nil)
        #expect(h.events.last?.invalidates == true)
    }

    @Test func registerCountsInstancesAndRecordsDashboardRing() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.register(instance("a"))
        h.register(instance("b", app: "BILLING"))
        #expect(h.registry.instanceCount == 2)
        #expect(h.registry.recentlyRegistered.map(\.id) == ["a", "a", "b"])
    }

    @Test func dashboardRingKeepsTheLastThousand() {
        var ring = RecentActivity()
        for i in 0..<1_005 { ring.record(time: Int64(i), app: "A", id: "\(i)") }
        #expect(ring.items.count == 1_000)
        #expect(ring.items.first?.id == "5")
        #expect(ring.items.last?.id == "1004")
    }
}
