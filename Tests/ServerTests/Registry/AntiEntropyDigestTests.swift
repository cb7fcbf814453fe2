import Testing
@testable import Server

/// docs/anti-entropy.md, registry side: the per-application hashes kept on every change, the tombstones, and the
/// answer to a peer's digest. All on the manual clock.
@Suite struct AntiEntropyDigestTests {
    private static func harness(tombstoneMs: Int64 = 600_000, capacity: Int = 100_000, seed: UInt64 = 42) -> RegistryHarness {
        RegistryHarness(seed: seed) {
            $0.tombstoneRetentionMs = tombstoneMs
            $0.tombstoneCapacity = capacity
            $0.enableSelfPreservation = false
        }
    }

    @Test func instanceHashIsFNV1aOfTheFourFieldsSeparatedByNewlines() {
        // 64-bit FNV-1a of "a\n1000\nUP\nUNKNOWN", computed independently.
        #expect(AntiEntropyHash.instance(id: "a", lastDirtyTimestamp: 1000, status: .up, overriddenStatus: .unknown) == 0x1f43_fef1_bbdb_b0be)
        #expect(AntiEntropyHash.hex(0xab) == "00000000000000ab")
    }

    @Test func applicationHashIsTheSumOfItsInstanceHashes() {
        let h = Self.harness()
        h.register(instance("a", dirty: 1000))
        h.register(instance("b", dirty: 2000))
        let expected = AntiEntropyHash.instance(id: "a", lastDirtyTimestamp: 1000, status: .up, overriddenStatus: .unknown)
            &+ AntiEntropyHash.instance(id: "b", lastDirtyTimestamp: 2000, status: .up, overriddenStatus: .unknown)
        #expect(h.registry.applicationHashes == ["ORDERS": expected])
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        _ = h.registry.cancel(app: "ORDERS", id: "b", isReplication: false)
        #expect(h.registry.applicationHashes.isEmpty)  // an application without leases has no hash
    }

    @Test func overrideChangesTheHashAndItsTime() {
        let h = Self.harness()
        h.register(instance("a"))
        let before = h.registry.applicationHashes["ORDERS"]
        h.advance(5)
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.registry.applicationHashes["ORDERS"] != before)
        #expect(h.registry.digestStates(of: "ORDERS")["a"]?.overriddenStatus == .outOfService)
        #expect(h.registry.digestStates(of: "ORDERS")["a"]?.overrideChangedAt == h.now)
        h.advance(5)
        _ = h.registry.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .up, lastDirtyTimestamp: nil, isReplication: false)
        #expect(h.registry.applicationHashes["ORDERS"] == before)
        #expect(h.registry.digestStates(of: "ORDERS")["a"]?.overrideChangedAt == h.now)
        // A re-registration keeps the time of the last override change.
        h.advance(5)
        h.register(instance("a", dirty: 2000))
        #expect(h.registry.digestStates(of: "ORDERS")["a"]?.overrideChangedAt == h.now - 5)
    }

    @Test func metadataIsHashedOrderIndependentlyAndAnUpdateMovesTheHashAndItsTime() {
        #expect(AntiEntropyHash.metadata(Metadata()) == 0)
        #expect(AntiEntropyHash.metadata(Metadata([("a", "1"), ("b", "2")])) == AntiEntropyHash.metadata(Metadata([("b", "2"), ("a", "1")])))
        #expect(AntiEntropyHash.metadata(Metadata([("a", "1")])) != AntiEntropyHash.metadata(Metadata([("a", "2")])))
        #expect(AntiEntropyHash.metadata(Metadata([("ab", "c")])) != AntiEntropyHash.metadata(Metadata([("a", "bc")])))
        let h = Self.harness()
        h.register(instance("a"))
        let before = h.registry.applicationHashes["ORDERS"]
        #expect(h.registry.digestStates(of: "ORDERS")["a"]?.metadataChangedAt == 0)
        h.advance(5)
        #expect(h.registry.updateMetadata(app: "ORDERS", id: "a", entries: Metadata([("zone", "b")])) == .updated)
        let state = h.registry.digestStates(of: "ORDERS")["a"]
        #expect(state?.lastDirtyTimestamp == 1_000)  // 4.9: the dirty timestamp stays, the metadata hash shows it
        #expect(state?.metadataHash == AntiEntropyHash.metadata(Metadata([("zone", "b")])))
        #expect(state?.metadataChangedAt == h.now)
        #expect(h.registry.applicationHashes["ORDERS"] != before)
        #expect(h.registry.applicationHashes == h.registry.recomputedApplicationHashes())
        // The same metadata again (a heartbeat's re-registration, an echo from a peer) keeps the time.
        h.advance(5)
        #expect(h.registry.updateMetadata(app: "ORDERS", id: "a", entries: Metadata([("zone", "b")])) == .updated)
        #expect(h.registry.digestStates(of: "ORDERS")["a"]?.metadataChangedAt == h.now - 5)
    }

    /// Thousands of seeded random operations of every kind that changes a record: after each, the kept hashes equal
    /// hashes computed from scratch.
    @Test(arguments: [UInt64(1), 7, 2026])
    func keptHashesEqualRecomputedOnesAfterRandomOperations(seed: UInt64) {
        let h = Self.harness(seed: seed)
        var rng = SplitMix64(seed: seed)
        let appNames = ["ORDERS", "BILLING", "SEARCH", "MAIL"]
        let statuses: [InstanceStatus] = [.up, .down, .starting, .outOfService, .unknown]
        func pick<T>(_ items: [T]) -> T { items[rng.nextIndex(below: items.count)] }
        var mismatches = 0
        for step in 0..<4_000 {
            let app = pick(appNames)
            let id = "i\(rng.nextIndex(below: 25))"
            h.advance(Int64(rng.nextIndex(below: 2_000)))
            switch rng.nextIndex(below: 11) {
            case 0, 1:
                var info = instance(id, app: app, status: pick(statuses), dirty: Int64(rng.nextIndex(below: 50)))
                if rng.nextIndex(below: 4) == 0 { info.overriddenStatus = pick(statuses) }
                if rng.nextIndex(below: 3) == 0 { info.metadata = Metadata([("zone", "z\(rng.nextIndex(below: 3))")]) }
                h.register(info, duration: 1 + rng.nextIndex(below: 30), replication: rng.nextIndex(below: 2) == 0)
            case 2:
                _ = h.registry.renew(app: app, id: id, lastDirtyTimestamp: Int64(rng.nextIndex(below: 60)),
                                     overriddenStatus: pick(statuses), isReplication: rng.nextIndex(below: 2) == 0)
            case 3:
                _ = h.registry.cancel(app: app, id: id, isReplication: rng.nextIndex(below: 2) == 0)
            case 4:
                _ = h.registry.statusUpdate(app: app, id: id, to: pick(statuses), lastDirtyTimestamp: Int64(rng.nextIndex(below: 60)),
                                            isReplication: false)
            case 5:
                _ = h.registry.deleteStatusOverride(app: app, id: id, newStatus: pick(statuses), lastDirtyTimestamp: nil, isReplication: true)
            case 6:
                _ = h.registry.updateMetadata(app: app, id: id, entries: Metadata([("k", "\(step)")]))
            case 7:
                h.registry.storeOverriddenStatusIfRequired(app: app, id: id, status: pick(statuses))
            case 8:
                h.advance(Int64(rng.nextIndex(below: 40_000)))
                h.registry.evict()
            case 9:
                var record = instance(id, app: app, status: pick(statuses), dirty: Int64(rng.nextIndex(below: 50)))
                record.leaseInfo = LeaseInfo(renewalIntervalInSecs: 1, durationInSecs: 5)
                h.registry.restoreProvisional([PersistedRecord(instance: record, override: rng.nextIndex(below: 3) == 0 ? .down : nil)])
            default:
                _ = h.registry.renew(app: app, id: id, isReplication: false)
            }
            if h.registry.applicationHashes != h.registry.recomputedApplicationHashes() { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(!h.registry.applicationHashes.isEmpty)
    }

    @Test func cancelAndEvictionLeaveTombstonesThatExpireWithTheClock() {
        let h = Self.harness(tombstoneMs: 10_000)
        h.register(instance("a", dirty: 1234))
        h.register(instance("b"), duration: 1)
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        #expect(h.registry.tombstoneStates(of: "ORDERS") == ["a": 1234])
        h.advance(3_000)
        h.registry.evict()
        #expect(h.registry.tombstoneStates(of: "ORDERS") == ["a": 1234, "b": 1_000])
        h.advance(7_000)  // a: removed 10 s ago, gone; b: 7 s ago
        #expect(h.registry.tombstoneStates(of: "ORDERS") == ["b": 1_000])
        h.advance(3_000)
        #expect(h.registry.tombstoneStates(of: "ORDERS").isEmpty)
        #expect(h.registry.tombstoneCount == 0)
    }

    @Test func reRegistrationClearsTheTombstone() {
        let h = Self.harness()
        h.register(instance("a"))
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: true)
        #expect(h.registry.tombstoneCount == 1)
        h.register(instance("a", dirty: 5_000), replication: true)
        #expect(h.registry.tombstoneStates(of: "ORDERS").isEmpty)
        // Removed again later: the new removal's timestamp, and the stale slot of the first one does not expire it.
        h.advance(300_000)
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        h.advance(400_000)  // 700 s after the first removal, 400 s after the second
        #expect(h.registry.tombstoneStates(of: "ORDERS") == ["a": 5_000])
    }

    @Test func pastTheCapacityTheOldestTombstoneIsDropped() {
        let h = Self.harness(capacity: 3)
        for index in 0..<5 {
            h.register(instance("i\(index)"))
            h.advance(1)
            _ = h.registry.cancel(app: "ORDERS", id: "i\(index)", isReplication: false)
        }
        #expect(Set(h.registry.tombstoneStates(of: "ORDERS").keys) == ["i2", "i3", "i4"])
        #expect(h.registry.tombstoneCount == 3)
    }

    @Test func noTombstonesWhenAntiEntropyIsOff() {
        let h = Self.harness(tombstoneMs: 0)
        h.register(instance("a"))
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        #expect(h.registry.tombstoneCount == 0)
    }

    @Test func replyCarriesOnlyApplicationsThatDifferOrThatOneSideLacks() {
        let h = Self.harness()
        h.register(instance("a", app: "SAME"))
        h.register(instance("b", app: "DIFFERENT"))
        h.register(instance("c", app: "ONLYHERE"))
        h.register(instance("d", app: "GONE"))
        _ = h.registry.cancel(app: "GONE", id: "d", isReplication: false)
        let hashes = h.registry.applicationHashes
        let reply = h.registry.digestReply(
            to: ["SAME": hashes["SAME"]!, "DIFFERENT": 1, "ONLYTHERE": 2, "GONE": 3], limit: 10_000)
        let byName = Dictionary(uniqueKeysWithValues: reply.apps.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["DIFFERENT", "ONLYHERE", "ONLYTHERE", "GONE"])
        #expect(byName["DIFFERENT"]?.states.map(\.id) == ["b"])
        #expect(byName["ONLYTHERE"]?.states.isEmpty == true)
        #expect(byName["GONE"]?.states.isEmpty == true)
        #expect(byName["GONE"]?.tombstones == [TombstoneState(id: "d", lastDirtyTimestamp: 1_000)])
        #expect(!reply.truncated)
        #expect(h.registry.digestReply(to: hashes, limit: 10_000) == DigestReply())
    }

    @Test func replyStopsAtTheStateLimitAndSaysSo() {
        let h = Self.harness()
        for app in 0..<10 {
            for index in 0..<3 { h.register(instance("i\(index)", app: "APP\(app)")) }
        }
        let reply = h.registry.digestReply(to: [:], limit: 10)
        #expect(reply.truncated)
        #expect(reply.stateCount == 9)  // three whole applications; a fourth would pass 10
        // Rounds start at a random application, so every one is eventually answered.
        var seen = Set<String>()
        for _ in 0..<60 { seen.formUnion(h.registry.digestReply(to: [:], limit: 10).apps.map(\.name)) }
        #expect(seen.count == 10)
    }

    /// With metadata the instance hash is the FNV-1a of the text `id \n dirty \n status \n override \n hex(metadata)`.
    @Test func theInstanceHashWithMetadataIsTheHashOfItsText() {
        func fnv(_ text: String) -> UInt64 {
            text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        }
        for metadataHash: UInt64 in [1, 0xa, 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, .max] {
            let text = "i-1\n1700000000000\nDOWN\nOUT_OF_SERVICE\n" + AntiEntropyHash.hex(metadataHash)
            #expect(AntiEntropyHash.instance(id: "i-1", lastDirtyTimestamp: 1_700_000_000_000, status: .down,
                                             overriddenStatus: .outOfService, metadataHash: metadataHash) == fnv(text))
        }
    }
}
