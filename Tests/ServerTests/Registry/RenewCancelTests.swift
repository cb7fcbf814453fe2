import Testing
@testable import Server

@Suite struct RegistryRenewCancelTests {
    @Test func renewOfUnknownLeaseFails() {
        let h = RegistryHarness()
        #expect(h.renew("nope") == .unknownInstance)
        h.register(instance("a"))
        #expect(h.renew("a", app: "BILLING") == .unknownInstance)
    }

    @Test func renewFailsWhenStatusComputesUnknownWithoutRenewing() {
        let h = RegistryHarness()
        h.register(instance("a", status: .unknown))
        let before = h.stored("a")!.leaseInfo!.lastRenewalTimestamp
        h.advance(1_000)
        #expect(h.renew("a") == .unknownInstance)
        #expect(h.stored("a")!.leaseInfo!.lastRenewalTimestamp == before)
    }

    @Test func renewReturnsStoredDirtyTimestampAndFiresCheapHeartbeat() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 1_234))
        h.events.removeAll()
        #expect(h.renew("a") == .renewed)
        #expect(h.stored("a")?.lastDirtyTimestamp == 1_234)
        #expect(h.events.count == 1)
        let event = h.events[0]
        #expect(!event.invalidates)
        #expect(event.vipNames.isEmpty)
        #expect(event.replication == .heartbeat(status: .up, lastDirtyTimestamp: 1_234, overriddenStatus: nil))
    }

    @Test func renewSendsNoHeartbeatEventUnlessAsked() {
        let h = RegistryHarness()
        h.registry.wantsHeartbeatEvents = false
        h.register(instance("a", dirty: 1_234))
        h.events.removeAll()
        #expect(h.renew("a") == .renewed)
        #expect(h.stored("a")?.lastDirtyTimestamp == 1_234)
        #expect(h.events.isEmpty)
    }

    @Test func replicatedRenewIsNotReplicatedAgain() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.renew("a", replication: true)
        #expect(h.events.last?.replication == nil)
    }

    @Test func renewCorrectingStatusRecordsModifiedAndInvalidates() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.registry.storeOverriddenStatusIfRequired(app: "ORDERS", id: "a", status: .outOfService)
        #expect(h.stored("a")?.status == .up)  // 4.10 does not touch the status
        h.events.removeAll()
        h.advance(1_000)
        _ = h.renew("a")
        let stored = h.stored("a")!
        #expect(stored.status == .outOfService)
        #expect(stored.actionType == .modified)
        #expect(stored.lastUpdatedTimestamp == h.now)
        #expect(h.events.count == 2)
        #expect(h.events[0] == .statusCorrected(stored))
        #expect(h.events[0].invalidates && h.events[0].replication == nil)
        #expect(h.events[1].replication == .heartbeat(status: .outOfService, lastDirtyTimestamp: 1_000, overriddenStatus: .outOfService))
        let delta = h.registry.deltaApplications().allInstances
        #expect(delta.map(\.actionType) == [.modified])
    }

    @Test func renewCountsTowardsRenewsLastMinuteAfterRotation() {
        let h = RegistryHarness()
        h.register(instance("a"))
        for _ in 0..<5 { _ = h.renew("a") }
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .down, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.registry.selfPreservation.renewsLastMinute == 0)
        h.registry.rotateRenewsPerMinute()
        #expect(h.registry.selfPreservation.renewsLastMinute == 5)
        h.registry.rotateRenewsPerMinute()
        #expect(h.registry.selfPreservation.renewsLastMinute == 0)
    }

    @Test func cancelRemovesLeaseAndOverrideAndAppendsDeleted() {
        let h = RegistryHarness()
        h.registry.openForTraffic(count: 5)
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        h.advance(1_000)
        #expect(h.registry.cancel(app: "ORDERS", id: "a", isReplication: false) == .cancelled)
        #expect(h.stored("a") == nil)
        #expect(h.registry.application(named: "ORDERS") == nil)
        #expect(h.registry.overriddenStatus(id: "a") == nil)
        #expect(h.registry.instanceCount == 0)
        #expect(h.registry.selfPreservation.expected == 5)
        let deleted = h.registry.deltaApplications().allInstances
        #expect(deleted.count == 1)
        #expect(deleted[0].actionType == .deleted)
        #expect(deleted[0].leaseInfo?.evictionTimestamp == h.now)
        #expect(h.events.last?.replication == .cancel)
        #expect(h.events.last?.invalidates == true)
    }

    @Test func cancelOfUnknownLeaseFailsButStillDropsOverride() {
        let h = RegistryHarness()
        h.registry.storeOverriddenStatusIfRequired(app: "ORDERS", id: "ghost", status: .down)
        #expect(h.registry.cancel(app: "ORDERS", id: "ghost", isReplication: false) == .unknownInstance)
        #expect(h.registry.overriddenStatuses.isEmpty)
        #expect(h.events.isEmpty)
        #expect(h.registry.recentlyCancelled.map(\.id) == ["ghost"])
    }

    @Test func replicatedCancelLowersExpectedClientsButIsNotReplicated() {
        let h = RegistryHarness()
        h.register(instance("a"))
        let expected = h.registry.selfPreservation.expected
        #expect(h.registry.cancel(app: "ORDERS", id: "a", isReplication: true) == .cancelled)
        #expect(h.registry.selfPreservation.expected == expected - 1)
        #expect(h.events.last?.replication == nil)
        #expect(h.registry.cancel(app: "ORDERS", id: "a", isReplication: true) == .unknownInstance)
    }
}
