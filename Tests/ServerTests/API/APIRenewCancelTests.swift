import Foundation
@testable import Server
import Testing

/// Heartbeat (spec 2.2) with its dirty-timestamp table, and cancel (2.3).
@Suite(.serialized) struct APIRenewCancelTests {
    static let id = "orders-1:orders:8080"
    static let dirty = Registrant().lastDirtyTimestamp

    @Test func renewOfARegisteredInstanceIs200() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.heartbeat("ORDERS", Self.id)
        #expect(reply.status == 200)
        #expect(reply.body.isEmpty)
        #expect(try node.heartbeat("orders", Self.id, query: "?status=DOWN").status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")  // the status parameter is ignored
    }

    @Test func renewOfAnUnknownInstanceIs404() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.heartbeat("ORDERS", "nobody").status == 404)
        #expect(try node.heartbeat("BILLING", Self.id).status == 404)
    }

    @Test(arguments: [false, true])
    func renewWithEqualDirtyTimestampIs200(replicated: Bool) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.heartbeat("ORDERS", Self.id, query: "?lastDirtyTimestamp=\(Self.dirty)", replicated: replicated).status == 200)
    }

    @Test(arguments: [false, true])
    func renewWithNewerDirtyTimestampIs404(replicated: Bool) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.heartbeat("ORDERS", Self.id, query: "?status=UP&lastDirtyTimestamp=\(Self.dirty + 1)", replicated: replicated)
        #expect(reply.status == 404)
        #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 200)  // the lease was renewed, not removed
    }

    @Test func renewFromClientWithOlderDirtyTimestampIs200() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.heartbeat("ORDERS", Self.id, query: "?lastDirtyTimestamp=\(Self.dirty - 1)")
        #expect(reply.status == 200)
        #expect(reply.body.isEmpty)
    }

    @Test func replicatedRenewWithOlderDirtyTimestampIs409WithTheStoredInstance() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.heartbeat("ORDERS", Self.id, query: "?lastDirtyTimestamp=\(Self.dirty - 1)", replicated: true)
        #expect(reply.status == 409)
        #expect(reply.header("Content-Type") == "application/json")
        let instance = try #require(try JSON.object(reply.body)["instance"] as? [String: Any])
        #expect(instance["instanceId"] as? String == Self.id)
        #expect(instance["lastDirtyTimestamp"] as? String == String(Self.dirty))
        #expect(instance["leaseInfo"] is [String: Any])
    }

    @Test func replicatedRenewConflictBodyFollowsAccept() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)?lastDirtyTimestamp=1",
                                     headers: [("x-netflix-discovery-replication", "true")])
        #expect(reply.status == 409)
        #expect(reply.header("Content-Type") == "application/xml")
        #expect(XMLText.value(reply.text, "instanceId") == Self.id)
    }

    @Test(arguments: ["?lastDirtyTimestamp=abc", "?lastDirtyTimestamp=", "?lastDirtyTimestamp", "?lastDirtyTimestamp=12x"])
    func nonNumericDirtyTimestampIsTreatedAsAbsent(query: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.heartbeat("ORDERS", Self.id, query: query).status == 200)
        #expect(try node.heartbeat("ORDERS", Self.id, query: query, replicated: true).status == 200)
    }

    @Test func replicatedRenewWithNewerDirtyTimestampStoresTheSentOverride() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let query = "?lastDirtyTimestamp=\(Self.dirty + 5)&overriddenstatus=OUT_OF_SERVICE"
        #expect(try node.heartbeat("ORDERS", Self.id, query: query, replicated: true).status == 404)
        let overrides = try JSON.object(node.get("/eureka/serverinfo/statusoverrides").body)
        #expect(overrides as? [String: String] == [Self.id: "OUT_OF_SERVICE"])
        // The next renew applies the override through the rule chain (spec 4.10).
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "OUT_OF_SERVICE")
    }

    @Test func cancelIs200ThenUnknownIs404() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let first = try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/\(Self.id)")
        #expect(first.status == 200)
        #expect(first.body.isEmpty)
        #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 404)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/\(Self.id)").status == 404)
        #expect(try node.heartbeat("ORDERS", Self.id).status == 404)
    }

    @Test func cancelOfAnUnknownAppIs404() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "DELETE", path: "/eureka/v2/apps/BILLING/\(Self.id)").status == 404)
        #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 200)
    }
}
