import Testing
@testable import Server

/// Spec 6.3, 6.5, 6.6: what a reader sees, and when; a manual clock and a held runner, no sleeps.
@Suite struct CacheStalenessTests {
    @Test func readOnlyLevelShowsAChangeAfterTheRefreshTickAndNotBefore() {
        let h = CacheHarness(readOnly: true)
        h.registry.register(instance("a-1"))
        #expect(h.text(allAppsJSON)?.contains("a-1") == true)
        h.registry.register(instance("a-2"))
        #expect(h.text(allAppsJSON)?.contains("a-2") == false)
        h.cache.refreshReadOnly()
        h.runner.finishAll()
        #expect(h.text(allAppsJSON)?.contains("a-2") == true)
    }

    @Test func withoutReadOnlyLevelAChangeIsVisibleToTheNextRead() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1"))
        #expect(h.text(allAppsJSON)?.contains("a-1") == true)
        h.registry.register(instance("a-2"))
        #expect(h.text(allAppsJSON)?.contains("a-2") == true)
    }

    @Test func aKeyReadForTheFirstTimeIsGeneratedOnTheSpotAndCurrent() {
        let h = CacheHarness(readOnly: true)
        h.registry.register(instance("a-1"))
        _ = h.value(allAppsJSON)
        h.registry.register(instance("b-1", app: "BILLING"))
        #expect(h.text(CacheKey(.app("BILLING"), .json, .full))?.contains("b-1") == true)
    }

    @Test func aNotFoundApplicationStaysNotFoundUntilTheTick() {
        let h = CacheHarness(readOnly: true)
        let key = CacheKey(.app("ORDERS"), .xml, .full)
        #expect(h.value(key).body == nil)
        h.registry.register(instance("a-1"))
        #expect(h.value(key).body == nil)
        h.cache.refreshReadOnly()
        h.runner.finishAll()
        #expect(h.value(key).body != nil)
    }

    @Test func readWriteEntriesExpireAfterTheAutoExpirationWhateverTheReads() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1"))
        let first = h.value(allAppsJSON)
        h.registry.advance(179_999)
        #expect(h.value(allAppsJSON).sequence == first.sequence)
        h.registry.advance(1)
        #expect(h.value(allAppsJSON).sequence > first.sequence)
    }

    @Test func heartbeatsDoNotInvalidate() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1"))
        let first = h.value(allAppsJSON)
        _ = h.registry.renew("a-1")
        #expect(h.value(allAppsJSON).sequence == first.sequence)
        #expect(h.cache.metrics.generations == 1)
    }

    @Test func theRefreshTickRegeneratesOnlyInvalidatedOrExpiredKeys() {
        let h = CacheHarness(readOnly: true)
        h.registry.register(instance("a-1"))
        h.registry.register(instance("b-1", app: "BILLING"))
        _ = h.value(allAppsJSON)
        _ = h.value(CacheKey(.app("BILLING"), .json, .full))
        let before = h.cache.metrics.generations
        h.registry.register(instance("a-2"))
        h.cache.refreshReadOnly()
        h.runner.finishAll()
        #expect(h.cache.metrics.generations == before + 1)  // ALL_APPS only; BILLING was not touched
    }
}
