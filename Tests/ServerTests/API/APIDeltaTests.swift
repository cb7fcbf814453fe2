import Foundation
@testable import Server
import Testing

/// `GET /apps/delta` (spec 2.5, 5.4, 5.5): action types, the whole registry's hash, the generation counter.
@Suite(.serialized) struct APIDeltaTests {
    static func actions(_ applications: [String: Any]) -> [String: String] {
        var actions: [String: String] = [:]
        for instance in JSON.instances(applications) {
            actions[instance["instanceId"] as? String ?? ""] = instance["actionType"] as? String
        }
        return actions
    }

    @Test func deltaEntriesCarryAddedModifiedAndDeleted() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        for n in 1...3 { try node.register(.orders(n)) }
        let first = try node.applications("/eureka/apps/delta")
        #expect(Self.actions(first) == ["orders-1:orders:8080": "ADDED", "orders-2:orders:8080": "ADDED", "orders-3:orders:8080": "ADDED"])
        #expect(first["apps__hashcode"] as? String == "UP_3_")

        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/orders-2:orders:8080/status?value=OUT_OF_SERVICE").status == 200)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/orders-3:orders:8080").status == 200)
        let second = try node.applications("/eureka/apps/delta")
        #expect(Self.actions(second) == ["orders-1:orders:8080": "ADDED", "orders-2:orders:8080": "MODIFIED", "orders-3:orders:8080": "DELETED"])
        // The hash describes the registry after the changes, not the entries shown (spec 2.5).
        #expect(second["apps__hashcode"] as? String == "OUT_OF_SERVICE_1_UP_1_")
        let deleted = JSON.instances(second).first { $0["instanceId"] as? String == "orders-3:orders:8080" }
        #expect(((deleted?["leaseInfo"] as? [String: Any])?["evictionTimestamp"] as? Int64 ?? 0) > 0)
        let full = try node.applications()
        #expect(full["apps__hashcode"] as? String == second["apps__hashcode"] as? String)
    }

    @Test func versionsDeltaIncrementsOnEachGeneration() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(.orders(1))
        let first = try #require(Int(try node.applications("/eureka/apps/delta")["versions__delta"] as? String ?? ""))
        // Served from the cache: no new generation, same version.
        #expect(try node.applications("/eureka/apps/delta")["versions__delta"] as? String == String(first))
        try node.register(.orders(2))
        #expect(try node.applications("/eureka/apps/delta")["versions__delta"] as? String == String(first + 1))
        // Another key (XML) is another generation.
        let xml = try node.get("/eureka/apps/delta", .xml)
        #expect(XMLText.value(xml.text, "versions__delta") == String(first + 2))
        #expect(XMLText.values(xml.text, "actionType") == ["ADDED", "ADDED"])
    }

    @Test func deltaIsGzippedWhenAccepted() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(.orders(1))
        let plain = try node.get("/eureka/apps/delta")
        let zipped = try node.get("/eureka/apps/delta", headers: [("Accept-Encoding", "gzip")])
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(Gzip.decompress(zipped.body, limit: 1 << 20) == plain.body)
    }

    @Test(arguments: BodyFormat.allCases)
    func disabledDeltaIs403(format: BodyFormat) throws {
        let node = try TestNode(["--eureka.server.disable-delta=true"])
        defer { node.stop() }
        try node.register(.orders(1))
        let reply = try node.get("/eureka/apps/delta", format)
        #expect(reply.status == 403)
        #expect(reply.body.isEmpty)
        #expect(try node.get("/eureka/apps", format).status == 200)
    }
}
