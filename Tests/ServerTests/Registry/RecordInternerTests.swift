import Testing
@testable import Server

@Suite struct RecordInternerTests {
    /// The heap object behind a string (nil when inline or a literal), via the footprint's accounting.
    private func heapBytes(_ strings: [String]) -> Int {
        var heap = HeapFootprint()
        for text in strings { heap.string(text) }
        return heap.bytes
    }

    private func record(_ i: Int, group: String = "orders-service-group") -> InstanceInfo {
        var info = instance("host-\(i):orders:8080", app: String("ORDERS-SERVICE-API-\(i % 2)"),
                            vip: "orders-service.internal", secureVip: "orders-service.secure")
        info.appGroupName = String(group)
        info.metadata = Metadata([("management.context-path", "/actuator"), ("startup", "2024-11-24T09:20:00Z\(i % 2)")])
        return info
    }

    @Test func equalStringsAndMapsOfTwoRecordsShareOneCopyAndStayEqual() {
        var interner = RecordInterner()
        let first = interner.share(record(0))
        let second = interner.share(record(2))
        #expect(first == record(0))
        #expect(second == record(2))
        let a = [first.app, first.vipAddress!, first.secureVipAddress!, first.appGroupName!]
        let b = [second.app, second.vipAddress!, second.secureVipAddress!, second.appGroupName!]
        #expect(heapBytes(a + b) == heapBytes(a))  // nothing of the second's is stored a second time
        var heap = HeapFootprint()
        heap.array(first.metadata.entries)
        let one = heap.bytes
        heap.array(second.metadata.entries)
        #expect(heap.bytes == one)  // one entries array for both
    }

    @Test func mapsThatDifferShareTheirEqualKeysAndValues() {
        var interner = RecordInterner()
        let first = interner.share(record(0))
        let second = interner.share(record(1))
        #expect(first.metadata != second.metadata)
        let key = [first.metadata.entries[0].key, first.metadata.entries[0].value]
        let again = [second.metadata.entries[0].key, second.metadata.entries[0].value]
        #expect(heapBytes(key + again) == heapBytes(key))
    }

    @Test func theTablesStayWithinTheirBoundsAndShortStringsAreNotKept() {
        var interner = RecordInterner()
        for i in 0..<(RecordInterner.maxStrings + 10) { _ = interner.share("a-string-longer-than-fifteen-\(i)") }
        #expect(interner.stringCount <= RecordInterner.maxStrings)
        for i in 0..<(RecordInterner.maxMaps + 10) { _ = interner.share(Metadata([("k", "v\(i)")])) }
        #expect(interner.mapCount <= RecordInterner.maxMaps)
        var small = RecordInterner()
        _ = small.share("UP-TO-15-BYTES")
        #expect(small.stringCount == 0)
    }

    @Test func theRegistryDropsItsTablesWhenItEmpties() {
        let harness = RegistryHarness()
        harness.register(record(0))
        #expect(harness.registry.interner.mapCount == 1)
        _ = harness.registry.cancel(app: "ORDERS-SERVICE-API-0", id: "host-0:orders:8080", isReplication: false)
        #expect(harness.registry.interner.stringCount == 0)
        #expect(harness.registry.interner.mapCount == 0)
    }
}
