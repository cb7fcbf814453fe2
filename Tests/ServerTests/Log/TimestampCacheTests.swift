import Testing
@testable import Server

/// The kept date and time of the last line's second gives the same bytes as rendering the whole stamp, whatever
/// order the milliseconds come in (same second, the next one, back in time, before 1970, outside 4-digit years).
@Suite struct TimestampCacheTests {
    @Test func cachedStampsAreTheRenderedOnes() {
        let sequence: [Int64] = [1_796_428_622_123, 1_796_428_622_124, 1_796_428_622_999, 1_796_428_623_000,
                                 1_796_428_622_500, 0, 999, 1_000, -1, -1_000, -1_001, -999, 951_782_400_007,
                                 -62_135_596_800_000, 253_402_300_800_000, 253_402_300_800_001]
        var cache = TimestampCache()
        for millis in sequence {
            var cached: [UInt8] = [7]
            cache.append(millis: millis, to: &cached)
            #expect(cached == [7] + Array(LogLine.timestamp(millis: millis).utf8), "\(millis)")
        }
    }

    /// An event log's lines in one second and the next carry their own milliseconds (the cache is per log).
    @Test func eventLogLinesOfOneSecondKeepTheirMilliseconds() {
        let h = LogHarness()
        h.registryHarness.register(instance("i-1"))
        h.registryHarness.advance(7)
        h.registryHarness.register(instance("i-2"))
        h.registryHarness.advance(1_000)
        h.registryHarness.register(instance("i-3"))
        #expect(h.written.map { $0.prefix(27) } == ["ts=2023-11-14T22:13:20.000Z", "ts=2023-11-14T22:13:20.007Z",
                                                   "ts=2023-11-14T22:13:21.007Z"])
    }
}
