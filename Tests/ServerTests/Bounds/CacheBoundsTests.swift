import Glibc
@testable import Server
import Testing

/// Issue #18 in the cache and the registry alone: per-name keys capped and evicted least recently read first, a
/// refresh of many keys in steps, VIP documents built from the index.
@Suite struct CacheBoundsTests {
    final class Setup {
        let registry = RegistryHarness()
        let runner = ManualRunner()
        let cache: ResponseCache
        var stepRequests = 0

        init(maxNamed: Int = 10_000, steps: Bool = true) {
            var settings = ResponseCache.Settings()
            settings.maxNamedEntries = maxNamed
            settings.autoExpirationMs = 1_000
            cache = ResponseCache(settings: settings, time: registry.clock, runner: runner, registry: registry.registry)
            registry.registry.onEvent = { [cache] event in cache.invalidate(after: event) }
            if steps { cache.scheduleRefreshStep = { [unowned self] in stepRequests += 1 } }
        }

        func read(_ key: CacheKey) -> Bool {
            if case .ready = cache.read(key) { return true }
            runner.finishAll()
            return false
        }
    }

    static func vip(_ name: String) -> CacheKey { CacheKey(.vip(name), .json, .full) }

    @Test func distinctNamesBeyondTheCapEvictTheLeastRecentlyRead() {
        let setup = Setup(maxNamed: 8)
        _ = setup.read(Self.vip("kept"))
        for n in 0..<100 {
            _ = setup.read(Self.vip("probe-\(n)"))
            _ = setup.read(Self.vip("kept"))  // read again and again: never the least recent
        }
        #expect(setup.cache.namedEntryCount <= 8 + 1)
        #expect(setup.cache.metrics.evictions >= 90)
        let hitsBefore = setup.cache.metrics.hits
        _ = setup.read(Self.vip("kept"))
        #expect(setup.cache.metrics.hits == hitsBefore + 1, "the recently read key stayed cached")
        let missesBefore = setup.cache.metrics.misses
        _ = setup.read(Self.vip("probe-0"))
        #expect(setup.cache.metrics.misses == missesBefore + 1, "an evicted key is generated again")
    }

    @Test func aRefreshOfManyKeysRunsInStepsOfAFewKeys() {
        let setup = Setup()
        for n in 0..<200 { _ = setup.read(Self.vip("name-\(n)")) }
        let generated = setup.cache.metrics.generations
        setup.registry.advance(2_000)  // every read-write value expired: the tick regenerates all 200
        setup.cache.refreshReadOnly()
        var steps = 1
        #expect(setup.cache.metrics.generations - generated <= 64)
        while setup.stepRequests > 0, steps < 100 {
            setup.stepRequests = 0
            let before = setup.cache.metrics.generations
            setup.cache.continueRefresh()
            #expect(setup.cache.metrics.generations - before <= 64)
            steps += 1
        }
        #expect(setup.cache.metrics.generations - generated == 200)
        #expect(steps >= 4)
    }

    @Test func withoutAStepSchedulerARefreshRunsWhole() {
        let setup = Setup(steps: false)
        for n in 0..<100 { _ = setup.read(Self.vip("name-\(n)")) }
        let generated = setup.cache.metrics.generations
        setup.registry.advance(2_000)
        setup.cache.refreshReadOnly()
        #expect(setup.cache.metrics.generations - generated == 100)
    }

    @Test func vipDocumentsFollowRegistrationsReRegistrationsAndCancels() {
        let h = RegistryHarness()
        h.register(instance("a", vip: "orders,shared", secureVip: "orders-s"))
        h.register(instance("b", app: "BILLING", vip: "shared"))
        func ids(_ name: String, secure: Bool = false) -> Set<String> {
            Set(h.registry.vipApplications(name, secure: secure).applications.flatMap(\.instances).map(\.effectiveId))
        }
        #expect(ids("shared") == ["a", "b"] && ids("orders") == ["a"] && ids("orders-s", secure: true) == ["a"])
        h.register(instance("a", dirty: 2_000, vip: "other"))
        #expect(ids("shared") == ["b"] && ids("orders").isEmpty && ids("other") == ["a"] && ids("orders-s", secure: true).isEmpty)
        _ = h.registry.cancel(app: "BILLING", id: "b", isReplication: false)
        #expect(ids("shared").isEmpty && h.registry.vipIndex.nameCount == 1)
    }

    /// With a scan per lookup, 2,000 lookups of a 20,000-instance registry compare 40 million names (seconds);
    /// through the index they cost microseconds each.
    static func threadCPUMicros() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
    }

    @Test func lookingUpUnknownVipsDoesNotScanTheRegistry() {
        let h = RegistryHarness()
        for n in 0..<20_000 { h.register(instance("i\(n)", app: "APP\(n / 10)", vip: "vip-\(n / 10)")) }
        // CPU time of this thread, not wall time: other processes on a shared machine cannot inflate it (a loaded
        // AddressSanitizer run took 1.9 s of wall time). A sanitizer run scales the bound as it scales reply
        // timeouts; a scan would still take seconds there.
        let started = Self.threadCPUMicros()
        for n in 0..<2_000 { #expect(h.registry.vipApplications("unknown-\(n)", secure: false).applications.isEmpty) }
        let elapsed = Self.threadCPUMicros() - started
        #expect(elapsed < 200_000 * RawClient.timeoutScale, "2,000 lookups took \(elapsed) us of CPU")
        #expect(h.registry.vipApplications("vip-7", secure: false).applications.first?.instances.count == 10)
    }
}
