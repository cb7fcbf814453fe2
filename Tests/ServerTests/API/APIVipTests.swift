import Foundation
@testable import Server
import Testing

/// `GET /vips/{vip}` and `/svips/{svip}` (spec 2.12, 2.13): exact comma-element match, `versions__delta` -1.
@Suite(.serialized) struct APIVipTests {
    static func node() throws -> TestNode {
        let node = try TestNode(TestNode.liveReads)
        var multi = Registrant.orders(1)
        multi.vipAddress = "orders,orders-v2"
        multi.secureVipAddress = "orders-secure"
        var canary = Registrant.orders(2)
        canary.vipAddress = "orders-canary"
        var billing = Registrant()
        billing.app = "BILLING"
        billing.instanceId = "billing-1"
        billing.vipAddress = "billing,orders-v2"
        billing.status = "STARTING"
        for registrant in [multi, canary, billing] { try node.register(registrant) }
        return node
    }

    @Test(arguments: [
        ("/eureka/vips/orders", ["orders-1:orders:8080"], "UP_1_"),
        ("/eureka/vips/orders-v2", ["billing-1", "orders-1:orders:8080"], "STARTING_1_UP_1_"),
        ("/eureka/vips/orders-canary", ["orders-2:orders:8080"], "UP_1_"),
        ("/eureka/v2/svips/orders-secure", ["orders-1:orders:8080"], "UP_1_"),
        ("/eureka/svips/orders", ["orders-2:orders:8080", "billing-1"], "STARTING_1_UP_1_"),
    ])
    func vipMatchesWholeCommaSeparatedElements(path: String, ids: [String], hash: String) throws {
        let node = try Self.node()
        defer { node.stop() }
        let applications = try node.applications(path)
        #expect(applications["versions__delta"] as? String == "-1")
        #expect(applications["apps__hashcode"] as? String == hash)
        #expect(JSON.ids(applications) == Set(ids))
    }

    @Test(arguments: ["/eureka/vips/order", "/eureka/vips/ORDERS", "/eureka/vips/orders,orders-v2", "/eureka/svips/nothing"])
    func unknownVipIsAnEmptyDocumentNot404(path: String) throws {
        let node = try Self.node()
        defer { node.stop() }
        let reply = try node.get(path)
        #expect(reply.status == 200)
        #expect(reply.text == #"{"applications":{"versions__delta":"-1","apps__hashcode":"","application":[]}}"#)
    }

    @Test func vipInXMLHasVersionMinusOne() throws {
        let node = try Self.node()
        defer { node.stop() }
        let reply = try node.get("/eureka/vips/orders-v2", .xml)
        #expect(reply.status == 200)
        #expect(XMLText.value(reply.text, "versions__delta") == "-1")
        #expect(Set(XMLText.values(reply.text, "instanceId")) == ["billing-1", "orders-1:orders:8080"])
        let empty = try node.get("/eureka/vips/none", .xml)
        #expect(empty.status == 200 && XMLText.values(empty.text, "instanceId").isEmpty)
    }

    @Test func compactVipAnswersCarryRegisteredApplicationsEmpty() throws {
        let node = try Self.node()
        defer { node.stop() }
        let compact = [("X-Eureka-Accept", "compact")]
        let found = try node.applications("/eureka/vips/orders", headers: compact)
        #expect(found["registeredApplicationsEmpty"] as? Bool == false && found["versions__delta"] as? String == "-1")
        #expect(JSON.instances(found).allSatisfy { $0["leaseInfo"] == nil && JSON.isNumber($0["lastUpdatedTimestamp"]) })
        let empty = try node.applications("/eureka/svips/nothing", headers: compact)
        #expect(empty["registeredApplicationsEmpty"] as? Bool == true)
        #expect(!JSON.isString(empty["registeredApplicationsEmpty"]))
    }
}
