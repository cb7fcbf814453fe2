import Testing
@testable import Server

@Suite struct RegistryDeltaTests {
    @Test func changeIsRetainedAt179SecondsAndPrunedAfter180() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.advance(179_000)
        h.registry.pruneRecentChanges()
        #expect(h.registry.deltaApplications().allInstances.count == 1)
        h.advance(1_000)
        h.registry.pruneRecentChanges()  // append time == now - 180 s: not older, kept
        #expect(h.registry.deltaApplications().allInstances.count == 1)
        h.advance(1)
        h.registry.pruneRecentChanges()
        #expect(h.registry.deltaApplications().allInstances.isEmpty)
    }

    @Test func pruneStopsAtFirstYoungerEntry() {
        var changes = RecentChanges()
        let lease = { (id: String) in Lease(instance: instance(id), id: id, durationSecs: 90, now: 0) }
        changes.append(lease("a"), now: 0)
        changes.append(lease("b"), now: 10)
        changes.append(lease("c"), now: 5)  // out of order: shields nothing after it
        changes.prune(now: 180_007, retentionMs: 180_000)
        #expect(changes.count == 2)
        changes.prune(now: 200_000, retentionMs: 180_000)
        #expect(changes.count == 0)
    }

    @Test func retentionFollowsSettings() {
        let h = RegistryHarness { $0.retentionTimeInMSInDeltaQueue = 3_000 }
        h.register(instance("a"))
        h.advance(3_001)
        h.registry.pruneRecentChanges()
        #expect(h.registry.deltaApplications().applications.isEmpty)
    }

    @Test func deltaShowsEachInstanceOnceWithItsLatestState() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        h.register(instance("b", app: "BILLING"))
        h.advance(1_000)
        _ = h.registry.cancel(app: "BILLING", id: "b", isReplication: false)
        h.register(instance("c"))
        let delta = h.registry.deltaApplications()
        #expect(delta.applications.map(\.name) == ["BILLING", "ORDERS"])
        let billing = delta.applications[0].instances
        #expect(billing.count == 1)
        #expect(billing[0].actionType == .deleted)
        #expect(billing[0].leaseInfo?.evictionTimestamp == h.now)
        let orders = delta.applications[1].instances
        #expect(orders.map(\.effectiveId) == ["a", "c"])
        #expect(orders[0].actionType == .modified && orders[0].status == .outOfService)
        #expect(orders[1].actionType == .added)
    }

    @Test func cancelledThenReRegisteredShowsAdded() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        h.register(instance("a"))
        let instances = h.registry.deltaApplications().allInstances
        #expect(instances.count == 1)
        #expect(instances[0].actionType == .added)
        #expect(instances[0].leaseInfo?.evictionTimestamp == 0)
    }

    @Test func versionsDeltaIncrementsPerGeneratedDelta() {
        let h = RegistryHarness()
        #expect(h.registry.deltaApplications().versionsDelta == 1)
        #expect(h.registry.deltaApplications().versionsDelta == 2)
        #expect(h.registry.fullApplications().versionsDelta == 1)
        #expect(h.registry.deltaApplications().versionsDelta == 3)
    }

    @Test func deltaHashCodeCoversWholeRegistryNotTheDelta() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.register(instance("b", status: .down))
        h.advance(200_000)
        h.registry.pruneRecentChanges()
        h.register(instance("c"))
        let delta = h.registry.deltaApplications()
        #expect(delta.allInstances.map(\.effectiveId) == ["c"])
        #expect(delta.appsHashCode == "DOWN_1_UP_2_")
        #expect(delta.appsHashCode == h.registry.fullApplications().appsHashCode)
    }
}
