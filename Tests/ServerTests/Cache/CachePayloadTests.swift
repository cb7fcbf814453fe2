import Testing
@testable import Server

/// Spec 6.2 and 1.5: values equal a fresh generation; gzip made once, for ALL_APPS and delta only.
@Suite struct CachePayloadTests {
    @Test func gzipBodiesDecodeToThePlainBytes() throws {
        let h = CacheHarness(readOnly: true)
        for i in 0..<200 { h.registry.register(instance("a-\(i)", vip: "orders")) }
        for key in [allAppsJSON, CacheKey(.allApps, .xml, .compact), CacheKey(.delta, .json, .full), CacheKey(.delta, .xml, .full)] {
            let payload = h.value(key)
            let plain = try #require(payload.body?.bytes)
            let gzipped = try #require(payload.gzipped?.bytes)
            #expect(gzipped.count < plain.count)
            #expect(Gzip.decompress(gzipped, limit: 1 << 26) == plain)
        }
    }

    @Test func onlyAllAppsAndDeltaCarryAGzipForm() {
        let h = CacheHarness(readOnly: true)
        h.registry.register(instance("a-1", vip: "orders", secureVip: "sorders"))
        for entity in [CacheEntity.app("ORDERS"), .vip("orders"), .svip("sorders")] {
            #expect(h.value(CacheKey(entity, .json, .full)).gzipped == nil)
        }
    }

    @Test func theCachedPayloadEqualsAFreshlyGeneratedOne() {
        let h = CacheHarness(readOnly: true)
        for i in 0..<50 { h.registry.register(instance("a-\(i)", app: i % 2 == 0 ? "ORDERS" : "BILLING", vip: "v\(i % 3)")) }
        let keys = [allAppsJSON, CacheKey(.allApps, .xml, .full), CacheKey(.allApps, .json, .compact),
                    CacheKey(.app("ORDERS"), .xml, .compact), CacheKey(.vip("v1"), .json, .full), CacheKey(.svip("none"), .json, .full)]
        for key in keys {
            #expect(h.value(key).body?.bytes == fresh(key, h.registry.registry), "\(key)")
        }
    }

    @Test func fullAndDeltaOfOneTickComeFromOneSnapshot() throws {
        let h = CacheHarness(readOnly: true)
        h.registry.register(instance("a-1"))
        let deltaKey = CacheKey(.delta, .json, .full)
        _ = h.value(allAppsJSON)
        _ = h.value(deltaKey)
        h.registry.register(instance("a-2", status: .down))
        h.cache.refreshReadOnly()
        h.runner.finishAll()
        let full = h.value(allAppsJSON), delta = h.value(deltaKey)
        #expect(full.sequence == delta.sequence)
        let hash = "\"apps__hashcode\":\"DOWN_1_UP_1_\""
        #expect(try #require(full.body).bytes.containsText(hash))
        #expect(try #require(delta.body).bytes.containsText(hash))
    }
}

extension [UInt8] {
    func containsText(_ text: String) -> Bool { String(decoding: self, as: UTF8.self).contains(text) }
}
