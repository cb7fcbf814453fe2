import Foundation
@testable import Server
import Testing

/// Negotiation, media types, path decoding and header spellings (spec 1.2-1.4, 1.7, 1.9) at the edges.
@Suite(.serialized) struct APINegotiationTests {
    static let id = "orders-1:orders:8080"

    @Test(arguments: ["text/xml", "application/vnd.eureka+json", "application/json; charset=ISO-8859-1", "APPLICATION/XML"])
    func compatibleMediaTypesAreAccepted(contentType: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let format: BodyFormat = contentType.lowercased().contains("json") ? .json : .xml
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Content-Type", contentType)],
                                     body: Registrant().body(format))
        #expect(reply.status == 204)
        #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 200)
    }

    @Test func missingContentTypeErrorFollowsAccept() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Accept", "application/json")],
                                     body: Registrant().body(.json))
        #expect(reply.status == 415)
        #expect(reply.header("Content-Type") == "application/json")
        #expect(try JSON.object(reply.body) as? [String: String] == ["error": "unsupported media type"])
    }

    @Test(arguments: ["application/JSON", "application/json;q=0.9, */*", "text/json"])
    func acceptContainingJSONInAnyCaseGetsJSON(accept: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.request(path: "/eureka/apps", headers: [("Accept", accept)])
        #expect(reply.header("Content-Type") == "application/json")
        #expect(try JSON.object(reply.body)["applications"] != nil)
    }

    @Test(arguments: ["*/*", "text/html", "application/xml"])
    func anyOtherAcceptGetsXMLNever406(accept: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let reply = try node.request(path: "/eureka/apps/ORDERS/\(Self.id)", headers: [("Accept", accept)])
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/xml")
        #expect(reply.text.hasPrefix("<instance>"))
    }

    @Test func bodyAppIsUpperCasedBeforeTheMismatchCheck() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.app = "Orders"
        #expect(try node.register(registrant, path: "/eureka/apps/oRDERS").status == 204)
        #expect(try node.register(registrant, path: "/eureka/apps/ORD%45RS").status == 204)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["app"] as? String == "ORDERS")
    }

    @Test func replicationHeaderValueMustBeExactlyLowerCaseTrue() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let older = "/eureka/apps/ORDERS/\(Self.id)?lastDirtyTimestamp=1"
        let upper = try node.request(method: "PUT", path: older, headers: [("x-netflix-discovery-replication", "TRUE")])
        #expect(upper.status == 200)  // not a replication: a client's older timestamp is fine
        let exact = try node.request(method: "PUT", path: older, headers: [("X-Netflix-Discovery-Replication", "true")])
        #expect(exact.status == 409)  // header names are case-insensitive
    }

    @Test func deltaLiteralIsTheDeltaAndOtherSpellingsAreAnApplication() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        let delta = try node.applications("/eureka/apps/delta/")
        #expect(JSON.instances(delta).first?["actionType"] as? String == "ADDED")
        #expect(try node.get("/eureka/apps/DELTA").status == 404)
        var app = Registrant()
        app.app = "DELTA"
        #expect(try node.register(app, path: "/eureka/apps/Delta").status == 204)
        #expect(try node.get("/eureka/apps/DELTA").status == 200)
        #expect(try node.request(method: "POST", path: "/eureka/apps/delta", headers: [("Content-Type", "application/json")],
                                 body: app.body(.json)).status == 405)
    }

    @Test func firstValueOfARepeatedQueryParameterWins() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/status?value=DOWN&value=UP").status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "DOWN")
    }

    @Test func amazonInstanceIdIsTheFallbackIdAndIsRepairedWhenMissing() throws {
        let node = try TestNode()
        defer { node.stop() }
        func amazon(_ metadata: String) -> [UInt8] {
            Array(#"{"instance":{"hostName":"ip-10-1-2-3","app":"BILLING","ipAddr":"10.1.2.3","dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":{\#(metadata)}}}}"#.utf8)
        }
        let headers = [("Content-Type", "application/json")]
        #expect(try node.request(method: "POST", path: "/eureka/apps/BILLING", headers: headers, body: amazon(#""instance-id":"i-0abc123""#)).status == 204)
        let byAmazonId = try #require(try node.instanceJSON("BILLING", "i-0abc123"))
        #expect((byAmazonId["dataCenterInfo"] as? [String: Any])?["@class"] as? String == "com.netflix.appinfo.AmazonInfo")
        #expect(try node.request(method: "POST", path: "/eureka/apps/BILLING", headers: headers, body: amazon(#""availability-zone":"a""#)).status == 204)
        let repaired = try #require(try node.instanceJSON("BILLING", "ip-10-1-2-3"))
        let metadata = (repaired["dataCenterInfo"] as? [String: Any])?["metadata"] as? [String: String]
        #expect(metadata?["instance-id"] == "ip-10-1-2-3")
    }

    @Test func olderRegistrationThanTheStoredRecordIsDiscarded() throws {
        let node = try TestNode()
        defer { node.stop() }
        var newer = Registrant()
        newer.lastDirtyTimestamp += 10
        try node.register(newer)
        var older = Registrant()
        older.ipAddr = "10.9.9.9"
        #expect(try node.register(older).status == 204)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["ipAddr"] as? String == "10.0.0.5")
        older.lastDirtyTimestamp += 20
        #expect(try node.register(older).status == 204)
        #expect(try node.instanceJSON("ORDERS", Self.id)?["ipAddr"] as? String == "10.9.9.9")
    }
}
