@testable import Server
import Testing

/// The heartbeat's lease lookup by path bytes (`LeaseIndex`): it holds exactly the registry's leases, a hit is
/// the lease the String lookup finds, and deletions keep every other lease reachable.
@Suite struct LeaseIndexTests {
    private func find(_ registry: InstanceRegistry, app: String, id: String) -> Lease? {
        Array(app.utf8).withUnsafeBytes { appBytes in
            Array(id.utf8).withUnsafeBytes { idBytes in registry.lease(app: appBytes, id: idBytes) }
        }
    }

    private func lease(_ app: String, _ id: String) -> Lease {
        Lease(instance: instance(id, app: app), id: id, durationSecs: 90, now: 0)
    }

    private func find(_ index: LeaseIndex, _ app: String, _ id: String) -> Lease? {
        Array(app.utf8).withUnsafeBytes { a in Array(id.utf8).withUnsafeBytes { i in index.find(app: a, id: i) } }
    }

    @Test func followsRegisterReRegisterAndCancel() {
        let h = RegistryHarness()
        h.register(instance("a"))
        h.register(instance("b", app: "BILLING"))
        #expect(find(h.registry, app: "ORDERS", id: "a") === h.registry.apps["ORDERS"]?["a"])
        #expect(find(h.registry, app: "BILLING", id: "b") === h.registry.apps["BILLING"]?["b"])
        #expect(find(h.registry, app: "ORDERS", id: "b") == nil)
        #expect(find(h.registry, app: "orders", id: "a") == nil)  // bytes as stored: the router upper-cases first
        h.register(instance("a", dirty: 2_000))  // a new lease replaces the old one
        #expect(find(h.registry, app: "ORDERS", id: "a") === h.registry.apps["ORDERS"]?["a"])
        #expect(h.registry.leaseIndex.count == 2)
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        #expect(find(h.registry, app: "ORDERS", id: "a") == nil)
        #expect(h.registry.leaseIndex.count == 1)
        _ = h.registry.cancel(app: "BILLING", id: "b", isReplication: false)
        #expect(h.registry.leaseIndex.count == 0)
    }

    @Test func restoredLeasesAreFoundByBytes() {
        let h = RegistryHarness()
        var record = instance("r")
        record.leaseInfo = LeaseInfo()
        #expect(h.registry.restoreProvisional([PersistedRecord(instance: record, override: nil)]) == 1)
        #expect(find(h.registry, app: "ORDERS", id: "r") === h.registry.apps["ORDERS"]?["r"])
    }

    /// Swift's String equality is canonical: an id written with the Kelvin sign equals one with the letter K. Both
    /// name one lease in `apps`; the index holds that lease under the bytes of its own id only, so the other
    /// spelling misses and the caller's String lookup answers, as before.
    @Test func canonicallyEqualIdsLeaveNoStaleEntry() {
        let h = RegistryHarness()
        let kelvin = "\u{212A}1", letter = "K1"
        #expect(kelvin == letter)
        h.register(instance(kelvin))
        h.register(instance(letter, dirty: 2_000))
        #expect(h.registry.leaseIndex.count == 1)
        #expect(find(h.registry, app: "ORDERS", id: letter) === h.registry.apps["ORDERS"]?[letter])
        #expect(find(h.registry, app: "ORDERS", id: kelvin) == nil)
        _ = h.registry.cancel(app: "ORDERS", id: kelvin, isReplication: false)
        #expect(h.registry.leaseIndex.count == 0)
    }

    /// Inserts and removals in a seeded random order, checked against a dictionary after each step: exercises the
    /// growth and the backward-shift deletion at the index's highest load. 4,000 steps over 600 keys.
    @Test func matchesADictionaryUnderRandomInsertsAndRemovals() {
        var index = LeaseIndex(seed: 7)
        var model: [String: Lease] = [:]
        var random = SplitMix64(seed: 3)
        let keys = (0..<600).map { ("APP-\($0 % 7)", "host-\($0).example:app:\($0 * 31)") }
        for step in 0..<4_000 {
            let (app, id) = keys[Int(random.next() % UInt64(keys.count))]
            if random.next() % 3 == 0, let stored = model["\(app)/\(id)"] {
                index.remove(stored)
                model["\(app)/\(id)"] = nil
            } else {
                let added = lease(app, id)
                index.insert(added)
                model["\(app)/\(id)"] = added
            }
            #expect(index.count == model.count)
            if step % 500 == 0 || step == 3_999 {
                for (app, id) in keys { #expect(find(index, app, id) === model["\(app)/\(id)"]) }
            }
        }
    }

    @Test func keysDifferingOnlyInWhereTheyAreSplitDoNotCollide() {
        let seed: UInt64 = 11
        let hash = { (app: String, id: String) in
            Array(app.utf8).withUnsafeBytes { a in Array(id.utf8).withUnsafeBytes { i in LeaseIndex.hash(a, i, seed: seed) } }
        }
        #expect(hash("AB", "C") != hash("A", "BC"))
        #expect(hash("ORDERS", "12345678") != hash("ORDERS1", "2345678"))
        #expect(hash("A", "x") != LeaseIndex.hash(UnsafeRawBufferPointer(start: nil, count: 0),
                                                    UnsafeRawBufferPointer(start: nil, count: 0), seed: seed))
    }
}
