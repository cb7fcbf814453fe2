import Testing
@testable import Server

@Suite struct RegistryRecentChangesCoalescingTests {
    @Test func supersededEntriesReleaseTheirLeasesAndTheDeltaIsUnchanged() {
        var changes = RecentChanges()
        weak var first: Lease?
        let newer = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 5)
        do {
            let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 0)
            first = lease
            changes.append(lease, now: 0)
            #expect(first != nil)
            // A re-registration: the registry names the lease the new one replaces.
            changes.append(newer, now: 5, replacing: lease)
        }
        changes.append(Lease(instance: instance("b"), id: "b", durationSecs: 90, now: 6), now: 6)
        #expect(first == nil)  // nothing pins the replaced lease any more
        #expect(changes.count == 2)
        #expect(changes.latestLeases()["ORDERS"]?["a"] === newer)
    }

    @Test func pruningTheNewestEntryForgetsTheInstanceAndItsSupersededEntriesStayInert() {
        var changes = RecentChanges()
        var previous: Lease?
        for t in 0..<1_000 {
            let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: Int64(t))
            changes.append(lease, now: Int64(t), replacing: previous)
            previous = lease
        }
        #expect(changes.count == 1)
        changes.prune(now: 180_500, retentionMs: 180_000)  // drops the first 500 (superseded) entries
        #expect(changes.latestLeases()["ORDERS"]?["a"] != nil)
        changes.append(Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 180_600), now: 180_600, replacing: previous)
        changes.prune(now: 181_000, retentionMs: 180_000)
        #expect(changes.count == 1)
        changes.prune(now: 361_000, retentionMs: 180_000)
        #expect(changes.count == 0)
        #expect(changes.latestLeases().isEmpty)
    }

    /// A cancelled instance registering again gets a lease the registry cannot link to the old one: the list still
    /// shows that instance once, as ADDED, and lets the cancelled lease go.
    @Test func aRegistrationAfterACancelSupersedesTheDeletedEntry() {
        let harness = RegistryHarness()
        harness.register(instance("a"))
        harness.register(instance("b"))
        weak var cancelled = harness.registry.lease(app: "ORDERS", id: "a")
        _ = harness.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        #expect(harness.registry.recentChanges.newestCancelled.count == 1)
        harness.advance(10)
        harness.register(instance("a"))
        harness.events.removeAll()  // the harness keeps every event, and a registration's holds its lease
        #expect(cancelled == nil)
        #expect(harness.registry.recentChanges.count == 2)
        #expect(harness.registry.recentChanges.newestCancelled.isEmpty)
        #expect(harness.registry.recentChanges.latestLeases()["ORDERS"]?["a"]?.instance.actionType == .added)
    }
}
