import Foundation
@testable import Server
import Testing

/// What a reader of the cached documents sees with the read-only level on (spec 6.5, 6.6).
@Suite(.serialized) struct APIResponseCacheTests {
    /// An hour between refresh ticks: no tick falls inside the test.
    static let noTick = ["--eureka.server.response-cache-update-interval-ms=3600000"]
    static let fastTick = ["--eureka.server.response-cache-update-interval-ms=200"]

    @Test func readOnlyLevelKeepsServingTheFirstValueOfAKeyAfterAChange() throws {
        let node = try TestNode(Self.noTick)
        defer { node.stop() }
        try node.register(.orders(1))
        #expect(try node.applications()["apps__hashcode"] as? String == "UP_1_")
        try node.register(.orders(2))
        #expect(try node.applications()["apps__hashcode"] as? String == "UP_1_")
        // A key read for the first time is generated now, and is current.
        #expect(try node.applications(headers: [("X-Eureka-Accept", "compact")])["apps__hashcode"] as? String == "UP_2_")
        // Uncached reads are never stale.
        #expect(try node.get("/eureka/apps/ORDERS/orders-2:orders:8080").status == 200)
    }

    @Test func applicationServedAs404BeforeRegistrationStays404UntilTheTick() throws {
        let node = try TestNode(Self.noTick)
        defer { node.stop() }
        #expect(try node.get("/eureka/apps/ORDERS").status == 404)
        try node.register(.orders(1))
        #expect(try node.get("/eureka/apps/ORDERS").status == 404)
        #expect(try node.get("/eureka/apps/ORDERS", .xml).status == 200)
    }

    @Test func changeBecomesVisibleAfterTheRefreshTick() throws {
        let node = try TestNode(Self.fastTick)
        defer { node.stop() }
        try node.register(.orders(1))
        #expect(try node.applications()["apps__hashcode"] as? String == "UP_1_")
        try node.register(.orders(2))
        let visible = try waitUntil { try node.applications()["apps__hashcode"] as? String == "UP_2_" }
        #expect(visible)
        #expect(try JSON.ids(node.applications()) == ["orders-1:orders:8080", "orders-2:orders:8080"])
    }

    @Test func cancelBecomesVisibleInTheApplicationAfterTheRefreshTick() throws {
        let node = try TestNode(Self.fastTick)
        defer { node.stop() }
        try node.register(.orders(1))
        #expect(try node.get("/eureka/apps/ORDERS").status == 200)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/orders-1:orders:8080").status == 200)
        #expect(try waitUntil { try node.get("/eureka/apps/ORDERS").status == 404 })
    }
}
