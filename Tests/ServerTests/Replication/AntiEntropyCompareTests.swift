import Testing
@testable import Server

/// The compare step of docs/anti-entropy.md (step 3), one test per rule of its table: A pushes only what it knows
/// better, and nothing when B knows better.
@Suite struct AntiEntropyCompareTests {
    typealias Repair = AntiEntropyCompare.Repair

    private static func state(_ id: String, dirty: Int64, status: InstanceStatus = .up, override: InstanceStatus = .unknown,
                              changedAt: Int64 = 0, metadata: UInt64 = 0, metadataAt: Int64 = 0) -> InstanceDigestState {
        InstanceDigestState(id: id, lastDirtyTimestamp: dirty, status: status, overriddenStatus: override, overrideChangedAt: changedAt,
                            metadataHash: metadata, metadataChangedAt: metadataAt)
    }

    private static func repairs(a: [InstanceDigestState], aTombstones: [String: Int64] = [:],
                                b: [InstanceDigestState], bTombstones: [TombstoneState] = []) -> [Repair] {
        let reply = DigestReply(apps: [.init(name: "ORDERS", states: b, tombstones: bTombstones)])
        return AntiEntropyCompare.repairs(for: reply) { app in
            #expect(app == "ORDERS")
            return .init(states: Dictionary(uniqueKeysWithValues: a.map { ($0.id, $0) }), tombstones: aTombstones)
        }
    }

    @Test func sameDirtyAndAsMetadataChangedLater_register() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, metadata: 7, metadataAt: 50)], b: [Self.state("x", dirty: 10, metadata: 8, metadataAt: 40)])
                == [.register(app: "ORDERS", id: "x")])
        // No metadata on B (hash 0) is a difference too.
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, metadata: 7, metadataAt: 50)], b: [Self.state("x", dirty: 10)])
                == [.register(app: "ORDERS", id: "x")])
    }

    @Test func sameDirtyAndAsMetadataChangedLaterWithAnotherOverrideOnB_registerThenStatusUpdate() {
        let a = Self.state("x", dirty: 10, override: .outOfService, changedAt: 30, metadata: 7, metadataAt: 50)
        let b = Self.state("x", dirty: 10, override: .down, changedAt: 20, metadata: 8, metadataAt: 40)
        #expect(Self.repairs(a: [a], b: [b]) == [.register(app: "ORDERS", id: "x"), .statusUpdate(app: "ORDERS", id: "x")])
    }

    @Test func sameDirtyAndBsMetadataChangedLaterOrAtTheSameTime_nothing() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, metadata: 7, metadataAt: 40)], b: [Self.state("x", dirty: 10, metadata: 8, metadataAt: 50)]).isEmpty)
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, metadata: 7, metadataAt: 40)], b: [Self.state("x", dirty: 10, metadata: 8, metadataAt: 40)]).isEmpty)
        // Same metadata, A's time later (it saw the change arrive later): nothing.
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, metadata: 7, metadataAt: 90)], b: [Self.state("x", dirty: 10, metadata: 7, metadataAt: 40)]).isEmpty)
    }

    @Test func codecCarriesTheMetadataFieldsAndReadsRepliesWithoutThem() throws {
        let state = Self.state("x", dirty: 10, metadata: 0xabc, metadataAt: 77)
        let reply = DigestReply(apps: [.init(name: "ORDERS", states: [state], tombstones: [])])
        #expect(try DigestCodec.decodeReply(DigestCodec.encodeReply(reply)) == reply)
        let old = try DigestCodec.decodeReply(Array("{\"apps\":{\"ORDERS\":[[\"x\",10,\"UP\",\"UNKNOWN\",0]]}}".utf8))
        #expect(old.apps.first?.states.first == Self.state("x", dirty: 10))
        #expect(throws: CodecError.self) {
            try DigestCodec.decodeReply(Array("{\"apps\":{\"ORDERS\":[[\"x\",10,\"UP\",\"UNKNOWN\",0,12]]}}".utf8))
        }
    }

    @Test func bLacksTheInstance_register() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: []) == [.register(app: "ORDERS", id: "x")])
    }

    @Test func bLacksTheInstanceAndAHasAnOverride_registerThenStatusUpdate() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, status: .outOfService, override: .outOfService, changedAt: 5)], b: [])
                == [.register(app: "ORDERS", id: "x"), .statusUpdate(app: "ORDERS", id: "x")])
    }

    @Test func bCancelledItAtOrAfterAsLastChange_nothing() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: [], bTombstones: [.init(id: "x", lastDirtyTimestamp: 10)]).isEmpty)
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: [], bTombstones: [.init(id: "x", lastDirtyTimestamp: 11)]).isEmpty)
    }

    @Test func bsTombstoneIsOlderThanAsChange_register() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: [], bTombstones: [.init(id: "x", lastDirtyTimestamp: 9)])
                == [.register(app: "ORDERS", id: "x")])
    }

    @Test func bHoldsAnOlderCopy_register() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: [Self.state("x", dirty: 9, status: .down)])
                == [.register(app: "ORDERS", id: "x")])
    }

    @Test func bHoldsAnOlderCopyWithAnotherOverride_registerThenStatusUpdate() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, status: .outOfService, override: .outOfService, changedAt: 5)],
                             b: [Self.state("x", dirty: 9, override: .down, changedAt: 7)])
                == [.register(app: "ORDERS", id: "x"), .statusUpdate(app: "ORDERS", id: "x")])
        // The same override already: the register carries it, nothing more.
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, override: .outOfService, changedAt: 5)],
                             b: [Self.state("x", dirty: 9, override: .outOfService, changedAt: 5)])
                == [.register(app: "ORDERS", id: "x")])
    }

    @Test func bHoldsAnOlderCopyWithAnOverrideARemovedLater_registerThenDelete() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, changedAt: 8)], b: [Self.state("x", dirty: 9, override: .down, changedAt: 7)])
                == [.register(app: "ORDERS", id: "x"), .deleteStatusOverride(app: "ORDERS", id: "x")])
    }

    @Test func sameDirtyAndAsOverrideIsNewer_statusUpdate() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, status: .outOfService, override: .outOfService, changedAt: 20)],
                             b: [Self.state("x", dirty: 10)])
                == [.statusUpdate(app: "ORDERS", id: "x")])
    }

    @Test func sameDirtyAndAsRemovalIsNewer_deleteStatusOverride() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, changedAt: 30)], b: [Self.state("x", dirty: 10, override: .outOfService, changedAt: 20)])
                == [.deleteStatusOverride(app: "ORDERS", id: "x")])
    }

    @Test func sameDirtyAndBsOverrideIsNewerOrAsOld_nothing() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, override: .outOfService, changedAt: 20)],
                             b: [Self.state("x", dirty: 10, changedAt: 30)]).isEmpty)
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, override: .outOfService, changedAt: 20)],
                             b: [Self.state("x", dirty: 10, override: .down, changedAt: 20)]).isEmpty)
    }

    @Test func sameStateOrOnlyTheStatusDiffers_nothing() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: [Self.state("x", dirty: 10)]).isEmpty)
        #expect(Self.repairs(a: [Self.state("x", dirty: 10)], b: [Self.state("x", dirty: 10, status: .down)]).isEmpty)
    }

    @Test func bsStateIsNewer_nothing() {
        #expect(Self.repairs(a: [Self.state("x", dirty: 10, override: .outOfService, changedAt: 50)], b: [Self.state("x", dirty: 11)]).isEmpty)
    }

    @Test func onlyBHasItAndACancelledItAfterBsLastChange_cancel() {
        #expect(Self.repairs(a: [], aTombstones: ["x": 10], b: [Self.state("x", dirty: 10)]) == [.cancel(app: "ORDERS", id: "x")])
        #expect(Self.repairs(a: [], aTombstones: ["x": 12], b: [Self.state("x", dirty: 10)]) == [.cancel(app: "ORDERS", id: "x")])
    }

    @Test func onlyBHasItNewerThanAsTombstoneOrWithoutOne_nothing() {
        #expect(Self.repairs(a: [], aTombstones: ["x": 9], b: [Self.state("x", dirty: 10)]).isEmpty)
        #expect(Self.repairs(a: [], b: [Self.state("x", dirty: 10)]).isEmpty)
    }

    @Test func repairsComeApplicationByApplicationInIdOrder() {
        let reply = DigestReply(apps: [.init(name: "ZED", states: [], tombstones: []), .init(name: "ALPHA", states: [], tombstones: [])])
        let found = AntiEntropyCompare.repairs(for: reply) { app in
            .init(states: ["b": Self.state("b", dirty: 1), "a": Self.state("a", dirty: 1)], tombstones: [:])
        }
        #expect(found == [.register(app: "ALPHA", id: "a"), .register(app: "ALPHA", id: "b"),
                          .register(app: "ZED", id: "a"), .register(app: "ZED", id: "b")])
    }

    @Test func codecRoundTripsRequestAndReply() throws {
        let request = DigestCodec.Digest(node: "10.0.0.1:8761", hashes: ["ORDERS": 0x1f43_fef1_bbdb_b0be, "B\"ILL": 1])
        #expect(try DigestCodec.decodeRequest(DigestCodec.encodeRequest(request)) == request)
        let reply = DigestReply(apps: [.init(name: "ORDERS", states: [Self.state("x", dirty: 10, status: .down, override: .outOfService, changedAt: 3)],
                                             tombstones: [.init(id: "y", lastDirtyTimestamp: 7)]),
                                       .init(name: "EMPTY", states: [], tombstones: [])],
                                truncated: true)
        #expect(try DigestCodec.decodeReply(DigestCodec.encodeReply(reply)) == reply)
    }

    @Test(arguments: ["", "[]", "{}", "{\"apps\":[]}", "{\"apps\":{\"A\":12}}", "{\"apps\":{\"A\":\"xyz\"}}",
                      "{\"apps\":{\"A\":\"12345678901234567\"}}", "{\"apps\":{},\"node\":5}", "{\"apps\":{}"])
    func badRequestsAreRefused(body: String) {
        #expect(throws: CodecError.self) { try DigestCodec.decodeRequest(Array(body.utf8)) }
    }
}
