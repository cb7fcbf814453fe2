import Foundation
@testable import Server
import Testing

/// `GET /apps/{app}/{id}` and `GET /instances/{id}` (spec 2.7, 2.8) with the field names and JSON types of
/// spec 3.2-3.6 that the Java client reads.
@Suite(.serialized) struct APIInstanceReadTests {
    static let id = "orders-1:orders:8080"

    @Test func instanceJSONHasTheFieldNamesAndTypesOfSpec3_2() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.get("/eureka/apps/ORDERS/\(Self.id)")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/json")
        let instance = try #require(try JSON.object(reply.body)["instance"] as? [String: Any])
        for key in ["instanceId", "hostName", "app", "ipAddr", "status", "overriddenStatus", "vipAddress", "secureVipAddress",
                    "homePageUrl", "actionType"] {
            #expect(JSON.isString(instance[key]), "\(key) is a string")
        }
        #expect(instance["overriddenstatus"] == nil)
        #expect(instance["overriddenStatus"] as? String == "UNKNOWN")
        #expect(instance["app"] as? String == "ORDERS")
        let port = try #require(instance["port"] as? [String: Any])
        #expect(JSON.isNumber(port["$"]) && (port["$"] as? Int) == 8080)
        #expect(port["@enabled"] as? String == "true")
        let securePort = try #require(instance["securePort"] as? [String: Any])
        #expect(JSON.isNumber(securePort["$"]) && securePort["@enabled"] as? String == "false")
        #expect(JSON.isNumber(instance["countryId"]) && (instance["countryId"] as? Int) == 1)
        #expect(instance["lastDirtyTimestamp"] as? String == "1732440000000")
        #expect(JSON.isString(instance["lastUpdatedTimestamp"]) && Int64(instance["lastUpdatedTimestamp"] as! String) != nil)
        #expect(instance["isCoordinatingDiscoveryServer"] as? String == "false")
        let lease = try #require(instance["leaseInfo"] as? [String: Any])
        for key in ["renewalIntervalInSecs", "durationInSecs", "registrationTimestamp", "lastRenewalTimestamp",
                    "evictionTimestamp", "serviceUpTimestamp"] {
            #expect(JSON.isNumber(lease[key]), "leaseInfo.\(key) is a number")
        }
        #expect(lease["durationInSecs"] as? Int == 90)
        #expect(lease["evictionTimestamp"] as? Int == 0)
        let dataCenter = try #require(instance["dataCenterInfo"] as? [String: Any])
        #expect(dataCenter["@class"] as? String == "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo")
        #expect(dataCenter["name"] as? String == "MyOwn")
        #expect(instance["metadata"] as? [String: String] == ["management.port": "8080"])
    }

    @Test func instanceXMLHasTheElementNamesOfSpec3_2() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.get("/eureka/apps/ORDERS/\(Self.id)", .xml)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/xml")
        let text = reply.text
        #expect(text.hasPrefix("<instance>") && text.hasSuffix("</instance>"))
        #expect(XMLText.value(text, "instanceId") == Self.id)
        #expect(XMLText.value(text, "overriddenstatus") == "UNKNOWN")
        #expect(!text.contains("<overriddenStatus>"))
        #expect(text.contains(#"<port enabled="true">8080</port>"#))
        #expect(text.contains(#"<securePort enabled="false">443</securePort>"#))
        #expect(XMLText.value(text, "countryId") == "1")
        #expect(text.contains(#"<dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo>"#))
        #expect(XMLText.value(text, "durationInSecs") == "90")
        #expect(XMLText.value(text, "evictionTimestamp") == "0")
        #expect(XMLText.value(text, "management.port") == "8080")
        #expect(XMLText.value(text, "lastDirtyTimestamp") == "1732440000000")
        #expect(XMLText.value(text, "isCoordinatingDiscoveryServer") == "false")
        #expect(XMLText.value(text, "actionType") == "ADDED")
    }

    @Test func emptyMetadataIsWrittenWithTheEmptyMapMarker() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.metadata = []
        try node.register(registrant)
        let json = try #require(try node.instanceJSON("ORDERS", Self.id))
        #expect(json["metadata"] as? [String: String] == ["@class": "java.util.Collections$EmptyMap"])
        let xml = try node.get("/eureka/apps/ORDERS/\(Self.id)", .xml).text
        #expect(xml.contains(#"<metadata class="java.util.Collections$EmptyMap"/>"#))
    }

    @Test func xmlRegistrationWithCodedMetadataNamesReadsBackDecodedAndIsWrittenCoded() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.metadata = [("my_key", "v1"), ("prometheus.io/scrape", "true"), ("a$b", "c")]
        try node.register(registrant, .xml)
        let instance = try #require(try node.instanceJSON("ORDERS", Self.id))
        #expect(instance["metadata"] as? [String: String] == ["my_key": "v1", "prometheus.io/scrape": "true", "a$b": "c"])
        let xml = try node.get("/eureka/apps/ORDERS/\(Self.id)", .xml).text
        for element in ["<my__key>v1</my__key>", "<prometheus.io_.002fscrape>true</prometheus.io_.002fscrape>", "<a_-b>c</a_-b>"] {
            #expect(xml.contains(element), "\(element)")
        }
        #expect((instance["port"] as? [String: Any])?["$"] as? Int == 8080)
        #expect(instance["lastDirtyTimestamp"] as? String == "1732440000000")
    }

    @Test(arguments: BodyFormat.allCases)
    func unknownInstanceIs404WithEmptyBody(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        for path in ["/eureka/apps/ORDERS/nobody", "/eureka/apps/BILLING/\(Self.id)", "/eureka/instances/nobody"] {
            let reply = try node.get(path, format)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.body.isEmpty)
        }
    }

    @Test(arguments: BodyFormat.allCases)
    func instanceByIdFindsTheInstanceInAnyApplication(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        var billing = Registrant()
        billing.app = "BILLING"
        billing.instanceId = "billing-1"
        try node.register(billing)
        let reply = try node.get("/eureka/instances/billing-1", format)
        #expect(reply.status == 200)
        if format == .json {
            let instance = try JSON.object(reply.body)["instance"] as? [String: Any]
            #expect(instance?["app"] as? String == "BILLING")
        } else {
            #expect(XMLText.value(reply.text, "app") == "BILLING")
        }
        #expect(try node.get("/eureka/v2/instances/\(Self.id)", format).status == 200)
    }

    @Test func percentEncodedIdInThePathIsDecoded() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.get("/eureka/apps/ORDERS/orders-1%3Aorders%3A8080").status == 200)
        #expect(try node.get("/eureka/apps/ORDERS/ORDERS-1:orders:8080").status == 404)  // ids are case-sensitive
    }
}
