import Testing
@testable import Server

/// Spec 6.7 with generations held in flight by the manual runner.
@Suite struct CacheOffLoopTests {
    @Test func smallSnapshotsAreEncodedInlineAndLargeOnesOffTheLoop() {
        let h = CacheHarness(readOnly: false, offLoopThreshold: 10)
        for i in 0..<10 { h.registry.register(instance("a-\(i)")) }
        guard case .ready = h.cache.read(allAppsJSON) else { Issue.record("10 instances should be inline"); return }
        h.registry.register(instance("a-10"))
        guard case .pending = h.cache.read(allAppsJSON) else { Issue.record("11 instances should go off the loop"); return }
        #expect(h.runner.queued == 1)
        #expect(h.cache.metrics.offLoopGenerations == 1)
    }

    @Test func readersDuringAGenerationWaitAndAllGetTheSameCompleteValue() {
        let h = CacheHarness(readOnly: false)
        for i in 0..<100 { h.registry.register(instance("a-\(i)")) }
        var delivered: [Payload] = []
        for _ in 0..<50 {
            guard case .pending(let build) = h.cache.read(allAppsJSON) else { Issue.record("expected pending"); return }
            build.whenReady(allAppsJSON) { delivered.append($0) }
        }
        #expect(delivered.isEmpty)           // never served before it is complete (6.7.1)
        #expect(h.runner.queued == 1)        // one generation, however many readers
        h.runner.finishAll()
        #expect(delivered.count == 50)
        #expect(Set(delivered.map(\.sequence)).count == 1)
        #expect(delivered[0].body?.bytes == fresh(allAppsJSON, h.registry.registry))
        #expect(h.cache.metrics.waits == 50)
    }

    @Test func readOnlyReadersGetThePreviousValueWhileTheRefreshRuns() {
        let h = CacheHarness(readOnly: true)
        h.registry.register(instance("a-1"))
        let old = h.value(allAppsJSON)
        h.registry.register(instance("a-2"))
        h.cache.refreshReadOnly()
        #expect(h.runner.queued == 1)
        guard case .ready(let during) = h.cache.read(allAppsJSON) else { Issue.record("should not wait"); return }
        #expect(during.sequence == old.sequence)
        h.runner.finishAll()
        #expect(h.text(allAppsJSON)?.contains("a-2") == true)
    }

    @Test func aGenerationOverlappingAnInvalidationIsNotKeptAsCurrent() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1"))
        guard case .pending(let first) = h.cache.read(allAppsJSON) else { Issue.record("expected pending"); return }
        var early: Payload?
        first.whenReady(allAppsJSON) { early = $0 }
        h.registry.register(instance("a-2"))  // arrives while the first generation runs
        guard case .pending(let second) = h.cache.read(allAppsJSON) else { Issue.record("a later reader must not join a stale generation"); return }
        #expect(first !== second)
        var late: Payload?
        second.whenReady(allAppsJSON) { late = $0 }
        h.runner.finishAll()
        #expect(early.map { String(decoding: $0.body!.bytes, as: UTF8.self).contains("a-2") } == false)
        #expect(late.map { String(decoding: $0.body!.bytes, as: UTF8.self).contains("a-2") } == true)  // 6.7.2
        #expect(h.text(allAppsJSON)?.contains("a-2") == true)
    }

    @Test func anOlderGenerationFinishingLastDoesNotReplaceANewerValue() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1"))
        _ = h.cache.read(allAppsJSON)
        h.registry.register(instance("a-2"))
        _ = h.cache.read(allAppsJSON)
        h.runner.finishAll()  // runs in submission order; the stale one must not win either way
        #expect(h.text(allAppsJSON)?.contains("a-2") == true)
    }
}
