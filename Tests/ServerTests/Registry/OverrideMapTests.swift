import Testing
@testable import Server

@Suite struct RegistryOverrideMapTests {
    let hour = OverrideMap.expireAfterAccessMs

    @Test func overrideExpiresOneHourAfterLastAccess() {
        var map = OverrideMap()
        map.set(.outOfService, for: "a", now: 0)
        #expect(map.status(for: "a", now: hour - 1) == .outOfService)  // touching restarts the hour
        #expect(map.status(for: "a", now: 2 * hour - 2) == .outOfService)
        #expect(map.status(for: "a", now: 3 * hour - 2) == nil)
    }

    @Test func peekDoesNotRefreshAccess() {
        var map = OverrideMap()
        map.set(.down, for: "a", now: 0)
        #expect(map.peek("a", now: hour - 1) == .down)
        #expect(map.snapshot(now: hour - 1).count == 1)
        #expect(map.peek("a", now: hour) == nil)
        #expect(map.snapshot(now: hour).isEmpty)
        #expect(map.status(for: "a", now: hour) == nil)
    }

    @Test func removeOfExpiredEntryReportsNothing() {
        var map = OverrideMap()
        map.set(.down, for: "a", now: 0)
        #expect(map.remove("a", now: hour) == nil)
        map.set(.down, for: "b", now: 0)
        #expect(map.remove("b", now: 1) == .down)
    }

    @Test func removeExpiredDropsOnlyStaleEntries() {
        var map = OverrideMap()
        map.set(.down, for: "old", now: 0)
        map.set(.up, for: "fresh", now: hour / 2)
        map.removeExpired(now: hour)
        #expect(map.snapshot(now: hour).map(\.id) == ["fresh"])
    }

    @Test func renewsKeepAnOverrideOnALiveInstanceFromExpiring() {
        let h = RegistryHarness()
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        for _ in 0..<4 {
            h.advance(hour - 1)
            _ = h.renew("a")
        }
        #expect(h.registry.overriddenStatus(id: "a") == .outOfService)
        h.advance(hour)
        #expect(h.registry.overriddenStatuses.isEmpty)
        // With the override gone the instance's own claim counts again.
        #expect(h.register(instance("a", status: .up), replication: true).status == .up)
    }
}
