import Foundation
@testable import Server
import Testing

/// The cached documents (spec 2.4, 2.6, 2.12, 2.13, 3.9-3.11), read with the read-only level off so each read
/// shows the registry as it is.
@Suite(.serialized) struct APIRegistryReadTests {
    /// orders-1 UP, orders-2 DOWN by an operator override, orders-3 UP.
    static func threeOrdersOneDown() throws -> TestNode {
        let node = try TestNode(TestNode.liveReads)
        for n in 1...3 { try node.register(.orders(n)) }
        let reply = try node.request(method: "PUT", path: "/eureka/apps/ORDERS/orders-2:orders:8080/status?value=DOWN")
        try #require(reply.status == 200)
        return node
    }

    @Test(arguments: ["/eureka/apps", "/eureka/apps/", "/eureka/v2/apps/"])
    func fullFetchJSONHasVersionOneAndTheReconcileHash(path: String) throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let reply = try node.get(path)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/json")
        let applications = try #require(try JSON.object(reply.body)["applications"] as? [String: Any])
        #expect(applications["versions__delta"] as? String == "1")
        #expect(applications["apps__hashcode"] as? String == "DOWN_1_UP_2_")
        let list = try #require(applications["application"] as? [[String: Any]])
        #expect(list.count == 1 && list[0]["name"] as? String == "ORDERS")
        #expect(JSON.ids(applications) == ["orders-1:orders:8080", "orders-2:orders:8080", "orders-3:orders:8080"])
        let down = JSON.instances(applications).first { $0["instanceId"] as? String == "orders-2:orders:8080" }
        #expect(down?["status"] as? String == "DOWN" && down?["overriddenStatus"] as? String == "DOWN")
    }

    @Test func fullFetchXMLHasTheSameDocument() throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let reply = try node.get("/eureka/apps/", .xml)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/xml")
        let text = reply.text
        #expect(text.hasPrefix("<applications>"))
        #expect(XMLText.value(text, "versions__delta") == "1")
        #expect(XMLText.value(text, "apps__hashcode") == "DOWN_1_UP_2_")
        #expect(XMLText.values(text, "instanceId") == ["orders-1:orders:8080", "orders-2:orders:8080", "orders-3:orders:8080"])
        #expect(XMLText.values(text, "overriddenstatus") == ["UNKNOWN", "DOWN", "UNKNOWN"])
    }

    @Test func emptyRegistryHasEmptyHashAndNoApplication() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        let applications = try node.applications()
        #expect(applications["apps__hashcode"] as? String == "")
        #expect((applications["application"] as? [Any])?.isEmpty == true)
        #expect(XMLText.value(try node.get("/eureka/apps", .xml).text, "apps__hashcode") == "")
    }

    @Test(arguments: BodyFormat.allCases)
    func fullFetchIsGzippedWhenAccepted(format: BodyFormat) throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let plain = try node.get("/eureka/apps", format)
        let zipped = try node.get("/eureka/apps", format, headers: [("Accept-Encoding", "gzip, deflate")])
        #expect(plain.header("Content-Encoding") == nil)
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(zipped.body != plain.body)
        #expect(Gzip.decompress(zipped.body, limit: 1 << 20) == plain.body)
    }

    @Test func applicationReadIsNeverGzipped() throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let reply = try node.get("/eureka/apps/ORDERS", headers: [("Accept-Encoding", "gzip")])
        #expect(reply.status == 200)
        #expect(reply.header("Content-Encoding") == nil)
        #expect((try JSON.object(reply.body)["application"] as? [String: Any])?["name"] as? String == "ORDERS")
    }

    @Test func compactJSONLeavesOutLeaseAndMetadataAndWritesNumberTimestamps() throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let applications = try node.applications(headers: [("X-Eureka-Accept", "compact")])
        #expect(applications["registeredApplicationsEmpty"] as? Bool == false)
        #expect(!JSON.isString(applications["registeredApplicationsEmpty"]))
        #expect(applications["versions__delta"] as? String == "1")
        #expect(applications["apps__hashcode"] as? String == "DOWN_1_UP_2_")
        let instances = JSON.instances(applications)
        #expect(instances.count == 3)
        for instance in instances {
            #expect(instance["leaseInfo"] == nil && instance["metadata"] == nil)
            #expect(instance["overriddenStatus"] == nil && instance["lastDirtyTimestamp"] == nil && instance["countryId"] == nil)
            #expect(JSON.isNumber(instance["lastUpdatedTimestamp"]))
            #expect((instance["port"] as? [String: Any])?["$"] as? Int == 8080)
            #expect(instance["vipAddress"] as? String == "orders")
        }
    }

    @Test func compactXMLLeavesOutLeaseAndMetadata() throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let text = try node.get("/eureka/apps", .xml, headers: [("X-Eureka-Accept", "COMPACT")]).text
        #expect(XMLText.value(text, "registeredApplicationsEmpty") == "false")
        #expect(!text.contains("<leaseInfo>") && !text.contains("<metadata"))
        #expect(XMLText.values(text, "instanceId").count == 3)
    }

    @Test(arguments: BodyFormat.allCases)
    func applicationReadListsItsInstancesAndUnknownAppIs404(format: BodyFormat) throws {
        let node = try Self.threeOrdersOneDown()
        defer { node.stop() }
        let reply = try node.get("/eureka/apps/orders", format)
        #expect(reply.status == 200)
        if format == .json {
            let application = try #require(try JSON.object(reply.body)["application"] as? [String: Any])
            #expect(application["name"] as? String == "ORDERS")
            #expect((application["instance"] as? [Any])?.count == 3)
        } else {
            #expect(reply.text.hasPrefix("<application><name>ORDERS</name>"))
            #expect(XMLText.values(reply.text, "instanceId").count == 3)
        }
        let unknown = try node.get("/eureka/apps/BILLING", format)
        #expect(unknown.status == 404)
        #expect(unknown.body.isEmpty)
    }
}
