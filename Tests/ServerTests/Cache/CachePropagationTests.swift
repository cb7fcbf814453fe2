import Testing
@testable import Server

/// Spec 10, immediate cache propagation: invalidated read-only entries regenerated at the end of the turn.
@Suite struct CachePropagationTests {
    @Test func invalidationsOfOneTurnAskForOnePropagation() {
        let h = CacheHarness(readOnly: true, immediate: true)
        h.registry.register(instance("a-1"))
        _ = h.value(allAppsJSON)
        h.registry.register(instance("a-2"))
        h.registry.register(instance("a-3"))
        #expect(h.propagationRequests == 1)
        h.cache.propagate()
        #expect(h.runner.queued == 1)
        h.runner.finishAll()
        #expect(h.text(allAppsJSON)?.contains("a-3") == true)
        h.registry.register(instance("a-4"))
        #expect(h.propagationRequests == 2)
    }

    @Test func changesDuringAPropagationAreRegeneratedRightAfterIt() {
        let h = CacheHarness(readOnly: true, immediate: true)
        h.registry.register(instance("a-1"))
        _ = h.value(allAppsJSON)
        h.registry.register(instance("a-2"))
        h.cache.propagate()
        h.registry.register(instance("a-3"))
        h.cache.propagate()
        #expect(h.runner.queued == 1)  // one refresh in flight at a time
        h.runner.finishAll()           // finishes it, then the queued one
        #expect(h.text(allAppsJSON)?.contains("a-3") == true)
    }

    @Test func withoutImmediatePropagationNothingIsScheduled() {
        let h = CacheHarness(readOnly: true, immediate: false)
        h.registry.register(instance("a-1"))
        _ = h.value(allAppsJSON)
        h.registry.register(instance("a-2"))
        #expect(h.propagationRequests == 0)
        #expect(h.text(allAppsJSON)?.contains("a-2") == false)
    }
}
