import Testing
@testable import Server

/// The change sequence of the recently-changed list (docs/change-stream.md), on the injected clock.
@Suite struct ChangeSequenceTests {
    @Test func startsAtTheStartTimeAndCountsOnePerEntry() {
        let h = RegistryHarness()
        let start = UInt64(h.now)
        #expect(h.registry.latestChangeSequence == start - 1)
        h.register(instance("a"))
        h.register(instance("b"))
        #expect(h.registry.latestChangeSequence == start + 1)
        #expect(h.registry.changeSequence(app: "ORDERS", id: "a") == start)
        #expect(h.registry.changeSequence(app: "ORDERS", id: "b") == start + 1)
    }

    @Test func changesAfterASequenceAreTheRetainedEntriesInOrderEachInstanceOnce() throws {
        let h = RegistryHarness()
        let start = UInt64(h.now)
        h.register(instance("a"))
        h.register(instance("b"))
        h.register(instance("a", status: .down))  // supersedes a's first entry
        let all = try #require(h.registry.changes(after: start - 1))
        #expect(all.map(\.sequence) == [start + 1, start + 2])
        #expect(all.map(\.record.instanceId) == ["b", "a"])
        #expect(all.last?.record.status == .down)
        #expect(h.registry.changes(after: start + 2)?.isEmpty == true)
        #expect(h.registry.changeCount(after: start) == 2)
        // Newer than anything this node numbered (another node's, or from the future): no resume.
        #expect(h.registry.changes(after: start + 3) == nil)
        // Older than the start (a previous run's): no resume.
        #expect(h.registry.changes(after: start - 2) == nil)
    }

    @Test func aPrunedEntryAfterTheSequenceMeansNoResume() {
        let h = RegistryHarness()
        let start = UInt64(h.now)
        h.register(instance("a"))
        h.advance(h.registry.settings.retentionTimeInMSInDeltaQueue + 1)
        h.register(instance("b"))
        h.registry.pruneRecentChanges()
        #expect(h.registry.changes(after: start - 1) == nil)
        #expect(h.registry.changes(after: start)?.map(\.sequence) == [start + 1])
        #expect(h.registry.latestChangeSequence == start + 1)
    }
}
