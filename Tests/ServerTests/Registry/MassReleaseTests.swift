import Testing
@testable import Server

/// After a mass cancellation the registry lets go of the records and its tables, and says once that a heap trim
/// is due (issue 19: RSS came back down only when the allocator was asked to trim).
@Suite struct MassReleaseTests {
    private func registerAndCancel(_ count: Int, in harness: RegistryHarness) {
        for i in 0..<count { harness.register(instance("i-\(i)")) }
        for i in 0..<count { _ = harness.registry.cancel(app: "ORDERS", id: "i-\(i)", isReplication: false) }
    }

    @Test func aTrimIsDueOnceWhenTheRetentionTaskFreesManyCancelledRecords() {
        let harness = RegistryHarness()
        let count = InstanceRegistry.heapTrimAfterReleasedRecords + 500
        registerAndCancel(count, in: harness)
        harness.registry.pruneRecentChanges()
        #expect(!harness.registry.takeHeapTrimDue())  // still within the delta's retention: nothing freed yet
        harness.advance(harness.registry.settings.retentionTimeInMSInDeltaQueue + 1)
        harness.registry.pruneRecentChanges()
        #expect(harness.registry.takeHeapTrimDue())
        #expect(!harness.registry.takeHeapTrimDue())
    }

    @Test func aFewCancellationsDoNotAskForATrim() {
        let harness = RegistryHarness()
        registerAndCancel(100, in: harness)
        harness.advance(harness.registry.settings.retentionTimeInMSInDeltaQueue + 1)
        harness.registry.pruneRecentChanges()
        #expect(!harness.registry.takeHeapTrimDue())
    }

    @Test func prunedEntriesLetGoOfTheirLeasesBeforeTheListIsCompacted() {
        var changes = RecentChanges()
        weak var old: Lease?
        do {
            let lease = Lease(instance: instance("a"), id: "a", durationSecs: 90, now: 1)
            lease.cancel(now: 1)
            old = lease
            changes.append(lease, now: 1)
        }
        // Three younger entries keep the pruned head from being compacted away (1 pruned of 4).
        for name in ["b", "c", "d"] {
            changes.append(Lease(instance: instance(name), id: name, durationSecs: 90, now: 10), now: 10)
        }
        #expect(changes.prune(now: 5, retentionMs: 1) == 1)
        #expect(old == nil)
    }

    @Test func theRegistrysTablesShrinkBackAfterEveryInstanceLeft() {
        let harness = RegistryHarness()
        registerAndCancel(20_000, in: harness)
        harness.advance(harness.registry.settings.retentionTimeInMSInDeltaQueue + 1)
        harness.registry.pruneRecentChanges()
        let footprint = RegistryFootprint(harness.registry)
        #expect(footprint.total < 64 * 1024, "\(footprint.report(instances: 20_000))")
    }
}

/// The last step of a mass release is followed by a trim too (issue 19: the retention task frees a mass
/// cancellation in steps; with a 10,000-record threshold the last, smaller step never was).
@Suite struct MassReleaseLastStepTests {
    @Test func aReleaseOfAThousandRecordsAsksForATrim() {
        let harness = RegistryHarness()
        let count = InstanceRegistry.heapTrimAfterReleasedRecords
        for i in 0..<count { harness.register(instance("i-\(i)")) }
        for i in 0..<count { _ = harness.registry.cancel(app: "ORDERS", id: "i-\(i)", isReplication: false) }
        harness.advance(harness.registry.settings.retentionTimeInMSInDeltaQueue + 1)
        harness.registry.pruneRecentChanges()
        #expect(harness.registry.takeHeapTrimDue())
    }
}

/// A mass release is freed in steps (issue 19: the trim after each step costs the loop what that step returns).
@Suite struct MassReleaseStepTests {
    @Test func theRetentionTaskLetsGoOfAtMostTheStepAndSaysWhenMoreRemains() {
        let harness = RegistryHarness()
        for i in 0..<2_500 { harness.register(instance("i-\(i)")) }
        for i in 0..<2_500 { _ = harness.registry.cancel(app: "ORDERS", id: "i-\(i)", isReplication: false) }
        harness.advance(harness.registry.settings.retentionTimeInMSInDeltaQueue + 1)
        #expect(harness.registry.pruneRecentChanges(maxReleased: 1_000))
        #expect(harness.registry.recentChanges.count == 1_500)
        #expect(harness.registry.takeHeapTrimDue())
        #expect(harness.registry.pruneRecentChanges(maxReleased: 1_000))
        #expect(harness.registry.takeHeapTrimDue())
        #expect(!harness.registry.pruneRecentChanges(maxReleased: 1_000))
        #expect(harness.registry.recentChanges.count == 0)
        // The last step (500 records) is under the trim threshold: it waits for the next release to add to it.
        #expect(!harness.registry.takeHeapTrimDue())
    }
}
