import Testing
@testable import Server

/// A metadata object repeated from a recent register body (MetadataReuse) decodes to the map reading it would give,
/// counts against the value budget as reading it would, and comes back as the same storage, which the interner and
/// the digest hashes recognise without hashing the map again.
@Suite struct MetadataReuseTests {
    static let body = WrappedInstanceDecodingTests.javaClientBody

    private static func decode(_ body: String, reuse: MetadataReuse?, maxValues: Int = .max) -> Result<DecodedInstance, CodecError> {
        Result { () throws(CodecError) -> DecodedInstance in
            try InstanceCodec.decode(Array(body.utf8), format: .json, now: 5, maxValues: maxValues, reuse: reuse)
        }
    }

    private static func otherHost(_ body: String) -> String {
        body.replacingOccurrences(of: "bench-42", with: "bench-43")
    }

    @Test func aRepeatedObjectGivesTheSameMapFromOneStorage() throws {
        let reuse = MetadataReuse()
        let first = try Self.decode(Self.body, reuse: reuse).get()
        let second = try Self.decode(Self.otherHost(Self.body), reuse: reuse).get()
        #expect(first == (try Self.decode(Self.body, reuse: nil).get()))
        #expect(second == (try Self.decode(Self.otherHost(Self.body), reuse: nil).get()))
        #expect(first.info.metadata.count == 10)
        #expect(second.info.metadata.sharesStorage(with: first.info.metadata))
    }

    @Test func anObjectThatDiffersInOneByteIsReadItself() throws {
        let reuse = MetadataReuse()
        let first = try Self.decode(Self.body, reuse: reuse).get()
        let changed = Self.body.replacingOccurrences(of: "\"zone-a\"", with: "\"zone-b\"")
        let second = try Self.decode(changed, reuse: reuse).get()
        #expect(second == (try Self.decode(changed, reuse: nil).get()))
        #expect(second.info.metadata["zone"] == "zone-b")
        #expect(!second.info.metadata.sharesStorage(with: first.info.metadata))
        // A remembered object that is only a prefix of what follows is no match: `{}` then `{"k":"v"}` differ at byte 1.
        let empty = #"{"instance":{"app":"a","metadata":{}}}"#
        let one = #"{"instance":{"app":"a","metadata":{"k":"v"}}}"#
        _ = try Self.decode(empty, reuse: reuse).get()
        #expect(try Self.decode(one, reuse: reuse).get().info.metadata["k"] == "v")
    }

    /// With the object remembered, every budget refuses or accepts the body exactly as reading it whole does.
    @Test func theBudgetCountsARepeatedObjectAsRead() {
        let reuse = MetadataReuse()
        _ = Self.decode(Self.body, reuse: reuse)
        for budget in Array(0...80) + [1_000] {
            #expect(Self.decode(Self.otherHost(Self.body), reuse: reuse, maxValues: budget)
                    == Self.decode(Self.otherHost(Self.body), reuse: nil, maxValues: budget), "budget \(budget)")
        }
    }

    /// Cut or corrupted after a remembered object's start: the answer is the one without reuse.
    @Test func cutAndCorruptedBodiesAnswerAsWithoutReuse() {
        let reuse = MetadataReuse()
        _ = Self.decode(Self.body, reuse: reuse)
        let bytes = Array(Self.body.utf8)
        let start = Self.body.utf8.count - (Self.body.split(separator: "\"metadata\":").last?.utf8.count ?? 0)
        for end in stride(from: start - 2, to: bytes.count, by: 7) {
            let cut = String(decoding: bytes[..<end], as: UTF8.self)
            #expect(Self.decode(cut, reuse: reuse) == Self.decode(cut, reuse: nil), "cut at \(end)")
        }
        for index in start..<min(bytes.count, start + 320) {
            var corrupted = bytes
            corrupted[index] = UInt8(ascii: "}")
            let text = String(decoding: corrupted, as: UTF8.self)
            #expect(Self.decode(text, reuse: reuse) == Self.decode(text, reuse: nil), "byte \(index)")
        }
    }

    @Test func theInternerAnswersARepeatedStorageAsItAnsweredIt() {
        var interner = RecordInterner()
        let map = Metadata([("management.context-path", "/actuator"), ("startup", "2024-11-24T09:20:00Z")])
        let first = interner.share(map)
        let again = interner.share(map)
        #expect(again == map)
        #expect(again.sharesStorage(with: first))
        // Past the recent maps' capacity an offered map is still answered by the shared copy.
        for i in 0..<(RecordInterner.recentCapacity + 2) { _ = interner.share(Metadata([("k", "value-\(i)-xxxxxxxxxxxxxxxx")])) }
        let later = interner.share(Metadata([("management.context-path", "/actuator"), ("startup", "2024-11-24T09:20:00Z")]))
        #expect(later.sharesStorage(with: first))
    }

    @Test func recentMetadataHashesEqualTheHashOfTheMap() {
        var hashes = RecentMetadataHashes()
        let maps = (0..<(RecentMetadataHashes.capacity * 2)).map { Metadata([("k", "v\($0)"), ("zone", "z")]) }
        for round in 0..<2 {
            for map in maps { #expect(hashes.hash(map) == AntiEntropyHash.metadata(map), "round \(round)") }
        }
        #expect(hashes.hash(Metadata()) == 0)
    }
}
