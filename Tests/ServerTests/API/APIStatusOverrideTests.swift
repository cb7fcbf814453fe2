import Foundation
@testable import Server
import Testing

/// `PUT/DELETE /apps/{app}/{id}/status` (spec 2.9, 2.10), `/serverinfo/statusoverrides` (2.16) and the
/// metadata merge (2.11).
@Suite(.serialized) struct APIStatusOverrideTests {
    static let id = "orders-1:orders:8080"
    static let statusPath = "/eureka/apps/ORDERS/\(id)/status"

    static func overrides(_ node: TestNode, accept: BodyFormat = .json) throws -> [String: String]? {
        let reply = try node.get("/eureka/serverinfo/statusoverrides", accept)
        #expect(reply.header("Content-Type") == "application/json")  // whatever Accept says (spec 2.16)
        return try JSON.object(reply.body) as? [String: String]
    }

    @Test func outOfServiceOverrideShowsAndSurvivesHeartbeats() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE")
        #expect(reply.status == 200 && reply.body.isEmpty)
        let instance = try #require(try node.instanceJSON("ORDERS", Self.id))
        #expect(instance["status"] as? String == "OUT_OF_SERVICE")
        #expect(instance["overriddenStatus"] as? String == "OUT_OF_SERVICE")
        #expect(XMLText.value(try node.get("/eureka/apps/ORDERS/\(Self.id)", .xml).text, "status") == "OUT_OF_SERVICE")
        #expect(try Self.overrides(node, accept: .xml) == [Self.id: "OUT_OF_SERVICE"])
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "OUT_OF_SERVICE")
        #expect(try node.applications()["apps__hashcode"] as? String == "OUT_OF_SERVICE_1_")
    }

    @Test func statusOverridesIsAnEmptyJSONMapWithoutOverrides() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.get("/eureka/v2/serverinfo/statusoverrides", .xml)
        #expect(reply.status == 200 && reply.text == "{}")
        #expect(reply.header("Content-Type") == "application/json")
    }

    @Test(arguments: ["?value=BOGUS", "?value=up", "", "?value=", "?value=UP&lastDirtyTimestamp=soon"])
    func invalidStatusUpdateIs400AndChangesNothing(query: String) throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.request(method: "PUT", path: Self.statusPath + query, headers: [("Accept", "application/json")])
        #expect(reply.status == 400)
        #expect(JSON.isString(try JSON.object(reply.body)["error"]))
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
        #expect(try Self.overrides(node) == [:])
    }

    @Test func statusUpdateOfUnknownInstanceIs404EvenWithAnInvalidValue() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/nobody/status?value=BOGUS").status == 404)
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/nobody/status?value=DOWN").status == 404)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/nobody/status").status == 404)
    }

    @Test func removingTheOverrideWithoutValueLeavesUnknownAndTheNextHeartbeatIs404() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE").status == 200)
        #expect(try node.request(method: "DELETE", path: Self.statusPath).status == 200)
        let instance = try #require(try node.instanceJSON("ORDERS", Self.id))
        #expect(instance["status"] as? String == "UNKNOWN")
        #expect(instance["overriddenStatus"] as? String == "UNKNOWN")
        #expect(try Self.overrides(node) == [:])
        #expect(try node.heartbeat("ORDERS", Self.id).status == 404)
        // The client answers the 404 by registering again with its real status.
        #expect(try node.register(Registrant()).status == 204)
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
    }

    @Test func removingTheOverrideWithValueUpLeavesUp() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE").status == 200)
        #expect(try node.request(method: "DELETE", path: Self.statusPath + "?value=UP").status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
        #expect(try Self.overrides(node) == [:])
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
    }

    @Test func removingTheOverrideWithAnInvalidValueIs400AndKeepsIt() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE").status == 200)
        let reply = try node.request(method: "DELETE", path: Self.statusPath + "?value=SIDEWAYS")
        #expect(reply.status == 400)
        #expect(XMLText.value(reply.text, "message") != nil)  // no Accept: the XML error body
        #expect(try Self.overrides(node) == [Self.id: "OUT_OF_SERVICE"])
        #expect(try node.status(of: "ORDERS", Self.id) == "OUT_OF_SERVICE")
    }

    @Test func metadataUpdateMergesOverwritingExistingKeys() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        var registrant = Registrant()
        registrant.metadata = [("management.port", "8080"), ("zone", "a")]
        try node.register(registrant)
        let reply = try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/metadata?zone=b&color=blue+green&zone=c")
        #expect(reply.status == 200 && reply.body.isEmpty)
        let metadata = try node.instanceJSON("ORDERS", Self.id)?["metadata"] as? [String: String]
        #expect(metadata == ["management.port": "8080", "zone": "b", "color": "blue green"])
        let cached = JSON.instances(try node.applications()).first?["metadata"] as? [String: String]
        #expect(cached == metadata)
    }

    @Test func metadataUpdateOfUnknownInstanceIs404() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/nobody/metadata?a=b").status == 404)
        #expect(try node.request(method: "PUT", path: "/eureka/apps/BILLING/\(Self.id)/metadata?a=b").status == 404)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["metadata"] as? [String: String] == ["management.port": "8080"])
    }

    @Test func statusUpdateAdoptsANewerDirtyTimestampOnly() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let dirty = Registrant().lastDirtyTimestamp
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=DOWN&lastDirtyTimestamp=\(dirty - 100)").status == 200)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["lastDirtyTimestamp"] as? String == String(dirty))
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE&lastDirtyTimestamp=\(dirty + 100)").status == 200)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["lastDirtyTimestamp"] as? String == String(dirty + 100))
    }

    @Test func statusUpdateToTheCurrentStatusStoresNoOverride() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=UP").status == 200)
        #expect(try Self.overrides(node) == [:])
        #expect(try node.instanceJSON("ORDERS", Self.id)?["overriddenStatus"] as? String == "UNKNOWN")
    }

    @Test func removingAnAbsentOverrideIs200AndChangesNothing() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "DELETE", path: Self.statusPath).status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
    }

    @Test func metadataUpdateWithoutParametersReRegistersTheInstance() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE").status == 200)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["actionType"] as? String == "MODIFIED")
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/metadata").status == 200)
        let instance = try #require(try node.instanceJSON("ORDERS", Self.id))
        #expect(instance["actionType"] as? String == "ADDED")
        #expect(instance["status"] as? String == "OUT_OF_SERVICE")  // the override holds through the re-registration
        #expect(instance["metadata"] as? [String: String] == ["management.port": "8080"])
    }

    @Test func cancelRemovesTheOverride() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: Self.statusPath + "?value=OUT_OF_SERVICE").status == 200)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/\(Self.id)").status == 200)
        #expect(try Self.overrides(node) == [:])
        try node.register(Registrant())
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
    }
}
