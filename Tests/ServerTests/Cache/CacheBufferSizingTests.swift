import Testing
@testable import Server

/// Issue 19 (memory): buffers sized once from the previous value, the gzip output grown only when needed,
/// and an encoded body adopted instead of copied.
@Suite struct CacheBufferSizingTests {
    private func pseudoRandom(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test func gzipGrowsFromATinyBufferAndRoundTrips() {
        let input = Array(String(repeating: "{\"instance\":{\"app\":\"ORDERS\",\"status\":\"UP\"}},", count: 5_000).utf8)
        let packed = Gzip.compress(input, initialCapacity: 16)
        #expect(packed.flatMap { Gzip.decompress($0, limit: 1 << 24) } == input)
        #expect(packed == Gzip.compress(input))  // the same member whatever the starting size
    }

    @Test func gzipOfIncompressibleBytesGrowsPastTheEighthItStartsWith() {
        let input = pseudoRandom(300_000)
        let packed = Gzip.compress(input)
        #expect((packed?.count ?? 0) > input.count / 8)
        #expect(packed.flatMap { Gzip.decompress($0, limit: 1 << 24) } == input)
    }

    @Test func aCloseFittingBodyIsAdoptedAndASlackOneCopied() {
        var fitted: [UInt8] = []
        fitted.reserveCapacity(1_000)
        fitted.append(contentsOf: repeatElement(7, count: 1_000 - (fitted.capacity - 1_000)))
        let fittedBase = fitted.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
        let adopted = SharedBytes(adopting: fitted)
        #expect(UnsafeRawPointer(adopted.base) == fittedBase)
        #expect(adopted.bytes == fitted)

        var slack: [UInt8] = []
        slack.reserveCapacity(10_000)
        slack.append(contentsOf: repeatElement(9, count: 100))
        let slackBase = slack.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
        let copied = SharedBytes(adopting: slack)
        #expect(UnsafeRawPointer(copied.base) != slackBase)
        #expect(copied.bytes == slack)
    }

    @Test func theNextGenerationReservesThePreviousSize() {
        let document = CacheDocument.applications(Applications(applications: [
            Application(name: "ORDERS", instances: (0..<50).map { instance("i-\($0)") })]))
        let exact = document.encode(.xml, .full)!
        let hinted = document.encode(.xml, .full, capacity: Payload.Sizes.margin(exact.count))!
        #expect(hinted == exact)
        #expect(hinted.capacity <= Payload.Sizes.margin(exact.count) + 64)
        #expect(hinted.capacity - hinted.count <= hinted.count / 16)  // adoptable without a copy
    }
}
