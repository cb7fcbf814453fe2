@testable import Server
import Testing

/// Spec 8's token buckets, driven by a number for the time (no clock, no sleeps).
@Suite struct FetchRateLimiterTests {
    private func limiter(enabled: Bool = true, burst: Int = 2, registryRate: Int = 1_000, fullRate: Int = 1,
                         throttleStandard: Bool = false, privileged: [String] = []) -> FetchRateLimiter {
        var settings = FetchRateLimiter.Settings()
        settings.enabled = enabled
        settings.burstSize = burst
        settings.registryFetchAverageRate = registryRate
        settings.fullFetchAverageRate = fullRate
        settings.throttleStandardClients = throttleStandard
        settings.privilegedClients = privileged
        return FetchRateLimiter(settings: settings)
    }

    @Test func bucketStartsFullAndRefusesOnceEmpty() {
        var bucket = TokenBucket(capacity: 3, perSecond: 1)
        let taken = [1_000, 1_000, 1_000, 1_000, 1_999, 2_000].map { bucket.take(now: $0) }
        #expect(taken == [true, true, true, false, false, true])
    }

    @Test func refillKeepsTheFractionOfATokenNotYetCredited() {
        // 3 per second: a token every 333.3 ms. Advancing the refill time by the credited tokens' time (not to
        // `now`) gives three tokens in the second after emptying; restarting from `now` would give two.
        var bucket = TokenBucket(capacity: 1, perSecond: 3)
        let taken = [10_000, 10_333, 10_334, 10_667, 11_000, 11_000].map { bucket.take(now: $0) }
        #expect(taken == [true, false, true, true, true, false])
    }

    @Test func aBurstOrRateOfZeroDisablesTheBucket() {
        var noBurst = TokenBucket(capacity: 0, perSecond: 10)
        var noRate = TokenBucket(capacity: 10, perSecond: -1)
        let taken = (0..<100).map { _ in noBurst.take(now: 5) && noRate.take(now: 5) }
        #expect(!taken.contains(false))
    }

    @Test func fullFetchesAreChargedToBothBucketsOtherFetchesToOne() {
        let limiter = limiter()
        #expect(limiter.admits(.fullFetch, clientName: nil, now: 1_000))
        #expect(limiter.admits(.fullFetch, clientName: nil, now: 1_000))
        // 5 ms later the registry bucket (1,000/s) is full again, the full-fetch bucket (1/s) still empty.
        #expect(!limiter.admits(.fullFetch, clientName: nil, now: 1_005))
        #expect(limiter.admits(.deltaFetch, clientName: nil, now: 1_006))
        #expect(limiter.admits(.applicationFetch, clientName: nil, now: 1_007))
        #expect(!limiter.admits(.fullFetch, clientName: nil, now: 1_008))
        #expect(limiter.admits(.fullFetch, clientName: nil, now: 2_000))  // a second on: one full-fetch token
        #expect(limiter.counters.overLimit == 2 && limiter.counters.rejected == 2)
    }

    @Test func standardAndListedClientsArePrivilegedUnlessStandardClientsAreThrottled() {
        let open = limiter(burst: 1, privileged: ["Batch"])
        #expect(open.admits(.fullFetch, clientName: nil, now: 1_000))
        #expect(!open.admits(.fullFetch, clientName: "Other", now: 1_000))
        for name in ["DefaultClient", "DefaultServer", "Batch"] {
            #expect(open.admits(.fullFetch, clientName: name, now: 1_000))
        }
        let strict = limiter(burst: 1, throttleStandard: true, privileged: ["Batch"])
        #expect(strict.admits(.fullFetch, clientName: "DefaultClient", now: 1_000))
        #expect(!strict.admits(.fullFetch, clientName: "DefaultClient", now: 1_000))
        #expect(!strict.admits(.fullFetch, clientName: "Batch", now: 1_000))
    }

    @Test func aDisabledLimiterCountsButServes() {
        let limiter = limiter(enabled: false, burst: 1)
        #expect((0..<5).allSatisfy { _ in limiter.admits(.fullFetch, clientName: nil, now: 1_000) })
        #expect(limiter.counters.overLimit == 4 && limiter.counters.rejected == 0)
    }

    @Test func onlyGETsOfTheRegistryDocumentsAreCovered() {
        #expect(FetchRateLimiter.target(of: .apps, .get) == .fullFetch)
        #expect(FetchRateLimiter.target(of: .delta, .get) == .deltaFetch)
        #expect(FetchRateLimiter.target(of: .app("ORDERS"), .get) == .applicationFetch)
        #expect(FetchRateLimiter.target(of: .apps, .head) == nil)
        #expect(FetchRateLimiter.target(of: .app("ORDERS"), .post) == nil)
        #expect(FetchRateLimiter.target(of: .vip("orders"), .get) == nil)
        #expect(FetchRateLimiter.target(of: .instance(app: "ORDERS", id: "a"), .get) == nil)
    }
}
