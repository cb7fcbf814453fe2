import Testing
@testable import Server

@Suite struct RegistryRecentChangesCoalescingTests {
    @Test func supersededEntriesReleaseTheirLeasesAndTheDeltaIsUnchanged() {
        var changes = RecentChanges()
        weak var first: Lease?
        do {
            let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 0)
            first = lease
            changes.append(lease, now: 0)
        }
        #expect(first != nil)
        let newer = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 5)
        changes.append(newer, now: 5)
        changes.append(Lease(instance: instance("b"), id: "b", durationSecs: 90, now: 6), now: 6)
        #expect(first == nil)  // nothing pins the replaced lease any more
        #expect(changes.count == 2)
        #expect(changes.latestLeases()["ORDERS"]?["a"] === newer)
    }

    @Test func pruningTheNewestEntryForgetsTheInstanceAndItsSupersededEntriesStayInert() {
        var changes = RecentChanges()
        for t in 0..<1_000 {
            changes.append(Lease(instance: instance("a"), id: "a", durationSecs: 90, now: Int64(t)), now: Int64(t))
        }
        #expect(changes.count == 1)
        changes.prune(now: 180_500, retentionMs: 180_000)  // drops the first 500 (superseded) entries
        #expect(changes.latestLeases()["ORDERS"]?["a"] != nil)
        changes.append(Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 180_600), now: 180_600)
        changes.prune(now: 181_000, retentionMs: 180_000)
        #expect(changes.count == 1)
        changes.prune(now: 361_000, retentionMs: 180_000)
        #expect(changes.count == 0)
        #expect(changes.latestLeases().isEmpty)
    }
}
