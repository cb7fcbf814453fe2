import Testing
@testable import Server

@Suite struct RegistryStatusUpdateTests {
    @Test func statusUpdateOfUnknownLeaseFails() {
        let h = RegistryHarness()
        #expect(h.registry.statusUpdate(app: "ORDERS", id: "a", to: .down, lastDirtyTimestamp: nil, isReplication: false) == .unknownInstance)
        #expect(h.events.isEmpty)
    }

    @Test func statusUpdateStoresOverrideAndRecordsModified() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 1_000))
        h.advance(1_000)
        #expect(h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: 5_000, isReplication: false) == .updated)
        let stored = h.stored("a")!
        #expect(stored.status == .outOfService)
        #expect(stored.overriddenStatus == .outOfService)
        #expect(stored.lastDirtyTimestamp == 5_000)
        #expect(stored.actionType == .modified)
        #expect(stored.lastUpdatedTimestamp == h.now)
        #expect(h.registry.overriddenStatuses.map(\.status) == [.outOfService])
        #expect(h.events.last?.invalidates == true)
        #expect(h.events.last?.replication == .statusUpdate(status: .outOfService, lastDirtyTimestamp: 5_000))
    }

    @Test func statusUpdateNeverMovesDirtyTimestampBack() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 9_000))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .down, lastDirtyTimestamp: 5_000, isReplication: false)
        #expect(h.stored("a")?.lastDirtyTimestamp == 9_000)
    }

    @Test func statusUpdateWithSameStatusStoresNoOverrideButRenews() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.advance(10_000)
        #expect(h.registry.statusUpdate(app: "ORDERS", id: "a", to: .up, lastDirtyTimestamp: nil, isReplication: false) == .unchanged)
        let stored = h.stored("a")!
        #expect(h.registry.overriddenStatuses.isEmpty)
        #expect(stored.actionType == .added)
        #expect(stored.leaseInfo?.lastRenewalTimestamp == h.now + 90_000)
        #expect(h.events.last?.invalidates == false)
        #expect(h.events.last?.replication == .statusUpdate(status: .up, lastDirtyTimestamp: 1_000))
    }

    @Test func statusUpdateToUpMarksServiceUp() {
        let h = RegistryHarness()
        h.register(instance("a", status: .starting))
        h.advance(2_000)
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .up, lastDirtyTimestamp: nil, isReplication: true)
        #expect(h.stored("a")?.leaseInfo?.serviceUpTimestamp == h.now)
        #expect(h.events.last?.replication == nil)
    }

    @Test func deleteStatusOverrideWithoutValueLeavesUnknownAndNextRenewFails() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.registry.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .unknown, lastDirtyTimestamp: nil, isReplication: false) == .removed)
        let stored = h.stored("a")!
        #expect(stored.status == .unknown)
        #expect(stored.overriddenStatus == .unknown)
        #expect(stored.actionType == .modified)
        #expect(h.registry.overriddenStatuses.isEmpty)
        #expect(h.events.last?.replication == .deleteStatusOverride(status: .unknown, lastDirtyTimestamp: 1_000))
        #expect(h.renew("a") == .unknownInstance)
        // The client re-registers with its real status and is back.
        #expect(h.register(instance("a", status: .up)).status == .up)
    }

    @Test func deleteStatusOverrideWithValueSetsThatStatus() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        _ = h.registry.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .up, lastDirtyTimestamp: 7_000, isReplication: false)
        #expect(h.stored("a")?.status == .up)
        #expect(h.stored("a")?.lastDirtyTimestamp == 7_000)
        #expect(h.renew("a") == .renewed)
        #expect(h.stored("a")?.lastDirtyTimestamp == 7_000)
    }

    @Test func deleteStatusOverrideWithoutOverrideChangesNothingButSucceeds() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.advance(1_000)
        #expect(h.registry.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .unknown, lastDirtyTimestamp: nil, isReplication: false) == .noOverride)
        #expect(h.stored("a")?.status == .up)
        #expect(h.stored("a")?.leaseInfo?.lastRenewalTimestamp == h.now + 90_000)
        #expect(h.events.last?.invalidates == false)
        #expect(h.events.last?.replication != nil)
        #expect(h.registry.deleteStatusOverride(app: "ORDERS", id: "x", newStatus: .up, lastDirtyTimestamp: nil, isReplication: false) == .unknownInstance)
    }

    @Test func storeOverriddenStatusIfRequiredSetsMapAndRecordButNotStatus() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.events.removeAll()
        h.registry.storeOverriddenStatusIfRequired(app: "ORDERS", id: "a", status: .down)
        #expect(h.registry.overriddenStatus(id: "a") == .down)
        #expect(h.stored("a")?.overriddenStatus == .down)
        #expect(h.stored("a")?.status == .up)
        #expect(h.events.isEmpty)
        #expect(h.registry.deltaApplications().allInstances.map(\.actionType) == [.added])
    }

    @Test func metadataUpdateMergesAndReRegistersAsClient() {
        let h = RegistryHarness()
        var info = instance("a")
        info.metadata = Metadata([("zone", "a"), ("keep", "1")])
        h.register(info, replication: true)
        h.advance(4_000)
        #expect(h.registry.updateMetadata(app: "ORDERS", id: "a", entries: Metadata([("zone", "b"), ("new", "x")])) == .updated)
        let stored = h.stored("a")!
        #expect(stored.metadata == Metadata([("zone", "b"), ("keep", "1"), ("new", "x")]))
        #expect(stored.actionType == .added)
        #expect(stored.leaseInfo?.registrationTimestamp == h.now)
        #expect(h.events.last?.replication == .register(stored))
        #expect(h.registry.updateMetadata(app: "ORDERS", id: "missing", entries: Metadata()) == .unknownInstance)
    }
}
