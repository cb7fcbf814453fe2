import Testing
@testable import Server

/// Spec 6.4 with OUR choice: every VIP name, both formats and representations, old and new record.
@Suite struct CacheInvalidationTests {
    private func variants(_ entity: CacheEntity) -> [CacheKey] {
        [WireFormat.json, .xml].flatMap { f in [Representation.full, .compact].map { CacheKey(entity, f, $0) } }
    }

    @Test func aRegistrationInvalidatesItsAppAllAppsDeltaAndEveryVipVariant() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1", vip: "billing,billing-v2", secureVip: "sbilling"))
        let entities: [CacheEntity] = [.app("ORDERS"), .allApps, .delta, .vip("billing"), .vip("billing-v2"), .svip("sbilling")]
        let keys = entities.flatMap(variants)
        let before = keys.map { h.value($0).sequence }
        h.registry.register(instance("a-2", vip: "billing,billing-v2", secureVip: "sbilling"))
        let after = keys.map { h.value($0).sequence }
        for (key, (old, new)) in zip(keys, zip(before, after)) {
            #expect(new > old, "\(key) was not invalidated")
        }
        // Netflix would leave these compact VIP answers stale for 180 s (spec 6.4); ours are current.
        #expect(h.text(CacheKey(.vip("billing-v2"), .json, .compact))?.contains("a-2") == true)
        #expect(h.text(CacheKey(.vip("billing"), .xml, .compact))?.contains("a-2") == true)
    }

    @Test func aReplacedRecordsOldVipNamesAreInvalidatedToo() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1", dirty: 1_000, vip: "old-vip"))
        #expect(h.text(CacheKey(.vip("old-vip"), .json, .full))?.contains("a-1") == true)
        h.registry.register(instance("a-1", dirty: 2_000, vip: "new-vip"))
        #expect(h.text(CacheKey(.vip("old-vip"), .json, .full))?.contains("a-1") == false)
        #expect(h.text(CacheKey(.vip("new-vip"), .json, .full))?.contains("a-1") == true)
    }

    @Test func otherApplicationsKeysSurviveAChange() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("b-1", app: "BILLING"))
        let billing = CacheKey(.app("BILLING"), .json, .full)
        let first = h.value(billing).sequence
        h.registry.register(instance("a-1"))
        #expect(h.value(billing).sequence == first)
    }

    @Test func aCancelInvalidatesTheAppWhichThenAnswersEmpty() {
        let h = CacheHarness(readOnly: false)
        h.registry.register(instance("a-1"))
        let key = CacheKey(.app("ORDERS"), .json, .full)
        #expect(h.value(key).body != nil)
        _ = h.registry.registry.cancel(app: "ORDERS", id: "a-1", isReplication: false)
        #expect(h.value(key).body == nil)
    }
}
