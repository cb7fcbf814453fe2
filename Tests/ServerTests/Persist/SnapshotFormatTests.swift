import Testing
@testable import Server

/// The snapshot file format (docs/warm-restart.md): a round trip, and every damaged file refused whole with its reason.
@Suite struct SnapshotFormatTests {
    static let now: Int64 = 1_700_000_000_000

    static func record(_ id: String, app: String = "ORDERS", override: InstanceStatus? = nil) -> PersistedRecord {
        var info = instance(id, app: app, dirty: 1_234)
        info.metadata = Metadata([("zone", "a\"b"), ("weight", "7")])
        var lease = LeaseInfo(renewalIntervalInSecs: 10, durationInSecs: 40)
        lease.serviceUpTimestamp = 99
        info.leaseInfo = lease
        info.overriddenStatus = override ?? .unknown
        info.actionType = .added
        info.lastUpdatedTimestamp = 5_000
        return PersistedRecord(instance: info, override: override)
    }

    static let sample = Snapshot(createdAt: now - 10_000, node: "host-a:8761",
                                 records: [record("a-1"), record("a-2", override: .outOfService), record("b-1", app: "BILLING")])

    func decode(_ bytes: [UInt8]) -> Result<Snapshot, SnapshotRejection> {
        do throws(SnapshotRejection) { return .success(try SnapshotFormat.decode(bytes, now: Self.now)) } catch {
            return .failure(error)
        }
    }

    func rejection(_ bytes: [UInt8]) -> SnapshotRejection? {
        if case .failure(let rejection) = decode(bytes) { return rejection }
        return nil
    }

    /// A file with the given body lines and a correct trailer, for the cases the trailer does not catch.
    func file(version: String = "1", header: String? = nil, lines: [String]) -> [UInt8] {
        let body = Array(lines.map { $0 + "\n" }.joined().utf8)
        let crc = String(SnapshotChecksum.crc32(body[...]), radix: 16)
        let head = header ?? "{\"createdAt\":1,\"node\":\"n:1\",\"instances\":\(lines.count)}"
        return Array("EUREKA-SNAPSHOT \(version)\n\(head)\n".utf8) + body
            + Array("END \(body.count) \(String(repeating: "0", count: 8 - crc.count) + crc)\n".utf8)
    }

    @Test func roundTripKeepsRecordsOverridesMetadataAndHeader() throws {
        let bytes = SnapshotFormat.encode(Self.sample)
        let decoded = try SnapshotFormat.decode(bytes, now: Self.now)
        #expect(decoded.createdAt == Self.sample.createdAt)
        #expect(decoded.node == "host-a:8761")
        #expect(decoded.records.count == 3)
        #expect(decoded.records.map(\.override) == [nil, .outOfService, nil])
        for (got, want) in zip(decoded.records, Self.sample.records) {
            #expect(got.instance.effectiveId == want.instance.effectiveId)
            #expect(got.instance.app == want.instance.app)
            #expect(got.instance.metadata == want.instance.metadata)
            #expect(got.instance.lastDirtyTimestamp == 1_234)
            #expect(got.instance.leaseInfo?.durationInSecs == 40)
            #expect(got.instance.leaseInfo?.renewalIntervalInSecs == 10)
            #expect(got.instance == want.instance)
        }
    }

    @Test func layoutIsMagicHeaderOneLinePerInstanceAndTrailer() {
        let text = String(decoding: SnapshotFormat.encode(Self.sample), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 7)  // magic, header, 3 instances, trailer, "" after the final newline
        #expect(lines[0] == "EUREKA-SNAPSHOT 1")
        #expect(lines[1] == "{\"createdAt\":1699999990000,\"node\":\"host-a:8761\",\"instances\":3}")
        #expect(lines[2].hasPrefix("{\"instance\":{"))
        #expect(lines[3].hasSuffix(",\"override\":\"OUT_OF_SERVICE\"}"))
        #expect(!lines[2].contains("\"override\""))
        let body = lines[2...4].map { $0 + "\n" }.joined()
        let trailer = lines[5].split(separator: " ")
        #expect(trailer.count == 3 && trailer[0] == "END" && Int(trailer[1]) == body.utf8.count)
        #expect(UInt32(trailer[2], radix: 16) == SnapshotChecksum.crc32(Array(body.utf8)[...]))
        #expect(trailer[2].count == 8 && trailer[2] == trailer[2].lowercased())
    }

    @Test func emptyRegistryRoundTrips() throws {
        let empty = Snapshot(createdAt: 1, node: "n:1", records: [])
        let bytes = SnapshotFormat.encode(empty)
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("END 0 00000000\n"))
        #expect(try SnapshotFormat.decode(bytes, now: Self.now) == empty)
    }

    @Test func crc32IsZlibs() {
        #expect(SnapshotChecksum.crc32(Array("123456789".utf8)[...]) == 0xCBF4_3926)  // the CRC-32 check value
    }

    @Test func truncatedAtEveryOffsetIsRefusedAsTruncated() {
        let bytes = SnapshotFormat.encode(Self.sample)
        for length in 0..<bytes.count {
            let reason = rejection(Array(bytes[..<length]))
            #expect(reason == .truncated, "cut at \(length) of \(bytes.count): \(String(describing: reason))")
        }
    }

    @Test func aFlippedBodyByteIsACRCMismatch() {
        var bytes = SnapshotFormat.encode(Self.sample)
        let text = String(decoding: bytes, as: UTF8.self)
        let at = text.utf8.distance(from: text.utf8.startIndex, to: text.range(of: "host-a-2")!.lowerBound)
        bytes[at] = UInt8(ascii: "H")  // still valid JSON: only the CRC can tell
        #expect(rejection(bytes) == .crcMismatch)
        #expect(SnapshotRejection.crcMismatch.reason == "crc mismatch")
    }

    @Test func aWrongTrailerLengthIsRefused() {
        let text = String(decoding: SnapshotFormat.encode(Self.sample), as: UTF8.self)
        let trailer = text.split(separator: "\n").last!
        let length = Int(trailer.split(separator: " ")[1])!
        let bad = text.replacingOccurrences(of: "END \(length) ", with: "END \(length + 1) ")
        #expect(rejection(Array(bad.utf8)) == .lengthMismatch)
    }

    @Test func aMalformedTrailerIsRefused() {
        #expect(rejection(Array("EUREKA-SNAPSHOT 1\n{\"createdAt\":1,\"node\":\"n\",\"instances\":0}\nEND zero 00000000\n".utf8))
                == .badTrailer)
        #expect(rejection(Array("EUREKA-SNAPSHOT 1\n{\"createdAt\":1,\"node\":\"n\",\"instances\":0}\nEND 0 0000000G\n".utf8))
                == .badTrailer)
    }

    @Test func aForeignFileIsBadMagic() {
        #expect(rejection(Array("{\"applications\":{}}\n".utf8)) == .badMagic)
        #expect(rejection(Array("EUREKA-SNAPSHOTS 1\n".utf8)) == .badMagic)
        #expect(rejection(Array("PK\u{3}\u{4}binary".utf8)) == .badMagic)
        #expect(rejection(file(version: "", lines: [])) == .badMagic)
    }

    @Test func anUnknownVersionIsRefusedWithIt() {
        let reason = rejection(file(version: "2", lines: []))
        #expect(reason == .unsupportedVersion("2"))
        #expect(reason?.reason == "format version 2 not supported")
        #expect(rejection(file(version: "0", lines: [])) == .unsupportedVersion("0"))
    }

    @Test func aBadHeaderIsRefused() {
        #expect(rejection(file(header: "not json", lines: [])) == .badHeader("not JSON"))
        #expect(rejection(file(header: "{\"node\":\"n\",\"instances\":0}", lines: [])) == .badHeader("no createdAt"))
        #expect(rejection(file(header: "{\"createdAt\":1,\"node\":\"n\"}", lines: [])) == .badHeader("no instances count"))
    }

    @Test func aLineThatDoesNotDecodeRefusesTheWholeFile() {
        let good = String(decoding: SnapshotFormat.encode(Snapshot(createdAt: 1, node: "n", records: [Self.record("x")])),
                          as: UTF8.self).split(separator: "\n")[2]
        #expect(rejection(file(lines: [String(good), "{\"instance\":{\"hostName\":\"no-app\"}}"]))
                == .badLine(2, "unparseable(\"instance has no app field\")"))
        #expect(rejection(file(lines: [String(good), "not json"]))?.isBadLine(2) == true)
        #expect(rejection(file(lines: ["{\"override\":\"UP\"}"])) == .badLine(1, "no instance"))
        #expect(rejection(file(lines: [String(good.dropLast()) + ",\"override\":\"SIDEWAYS\"}"])) == .badLine(1, "bad override"))
    }

    @Test func aHeaderCountThatDisagreesWithTheBodyIsRefused() {
        let good = String(decoding: SnapshotFormat.encode(Snapshot(createdAt: 1, node: "n", records: [Self.record("x")])),
                          as: UTF8.self).split(separator: "\n")[2]
        #expect(rejection(file(header: "{\"createdAt\":1,\"node\":\"n\",\"instances\":2}", lines: [String(good)]))
                == .countMismatch(header: 2, lines: 1))
    }
}

extension SnapshotRejection {
    func isBadLine(_ number: Int) -> Bool {
        if case .badLine(number, _) = self { return true }
        return false
    }
}
