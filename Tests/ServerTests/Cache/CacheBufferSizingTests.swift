import Testing
@testable import Server

/// Issue 19 (memory): buffers sized once from the previous value, the gzip output grown only when needed,
/// and an encoded body kept where it was built instead of copied.
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

    /// Documents with metadata, escapes and a name that needs XML coding: every writer path runs.
    private func document(instances: Int) -> Applications {
        let apps = (0..<4).map { appIndex in
            Application(name: "APP-\(appIndex)", instances: (0..<instances / 4).map { index in
                var info = instance("i-\(appIndex)-\(index)", app: "APP-\(appIndex)", vip: "vip-\(appIndex)")
                info.metadata = Metadata([("zone", "a<b&\"c\""), ("$weird key", "\u{7}bell"), ("port", "\(index)")])
                info.homePageUrl = "http://host-\(index):8080/"
                return info
            })
        }
        return Applications(versionsDelta: 3, appsHashCode: "UP_\(instances)_", applications: apps)
    }

    /// The cache's documents are built in a GrowableBytes; they must be the very bytes the array writers make,
    /// whether the reservation was far too small (every growth path) or far too large (the trim).
    @Test(arguments: [WireFormat.json, .xml], [Representation.full, .compact])
    func aDocumentBuiltWhereItIsKeptHasTheArrayEncodersBytes(format: WireFormat, representation: Representation) {
        let apps = document(instances: 200)
        let expected = ApplicationsCodec.encode(apps, format: format, representation: representation)
        for capacity in [nil, 1, 4_096, expected.count, expected.count * 3] {
            let shared = ApplicationsCodec.encodeShared(apps, format: format, representation: representation,
                                                        capacity: capacity)
            #expect(shared.bytes == expected, "capacity \(String(describing: capacity))")
        }
        let one = apps.applications[1]
        #expect(ApplicationsCodec.encodeShared(one, format: format, representation: representation, capacity: 1).bytes
            == ApplicationsCodec.encode(one, format: format, representation: representation))
    }

    /// The cached payload: plain bytes as encoded, gzip inflating to them, from the previous sizes or none.
    @Test func aPayloadHoldsTheEncodedBodyAndItsGzip() throws {
        let document = CacheDocument.applications(document(instances: 400))
        let expected = ApplicationsCodec.encode(self.document(instances: 400), format: .xml, representation: .full)
        for hint in [nil, Payload.Sizes(body: 10, gzipped: 10), Payload.Sizes(body: expected.count, gzipped: 9_000)] {
            let payload = Payload(body: document.encode(.xml, .full, capacity: hint.map { Payload.Sizes.margin($0.body) }),
                                  compress: true, gzipCapacity: hint.map { Payload.Sizes.margin($0.gzipped) },
                                  generatedAt: 0)
            #expect(payload.body?.bytes == expected)
            let gzipped = try #require(payload.gzipped)
            #expect(Gzip.decompress(gzipped.bytes, limit: 1 << 24) == expected)
            #expect(gzipped.bytes == Gzip.compress(expected))
        }
    }
}
