import Foundation
@testable import Server
import Testing

/// `POST /apps/{app}` (spec 2.1, 1.4): bodies, media types, encodings and the id fallbacks.
@Suite(.serialized) struct APIRegisterTests {
    @Test(arguments: BodyFormat.allCases)
    func registerAnswers204AndStoresTheInstance(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.register(Registrant(), format)
        #expect(reply.status == 204)
        #expect(reply.body.isEmpty)
        let stored = try node.instanceJSON("ORDERS", "orders-1:orders:8080")
        #expect(stored?["hostName"] as? String == "orders-1")
        #expect(stored?["ipAddr"] as? String == "10.0.0.5")
        #expect((stored?["metadata"] as? [String: String])?["management.port"] == "8080")
    }

    @Test(arguments: BodyFormat.allCases)
    func registerUnderTheV2PrefixIsTheSameResource(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        #expect(try node.register(Registrant(), format, path: "/eureka/v2/apps/ORDERS").status == 204)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 200)
        #expect(try node.get("/eureka/v2/apps/ORDERS/orders-1:orders:8080", format).status == 200)
    }

    @Test func appNameInThePathIsCaseInsensitive() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.app = "orders"
        #expect(try node.register(registrant, path: "/eureka/apps/orders").status == 204)
        let app = try node.get("/eureka/apps/ORDERS")
        #expect(app.status == 200)
        let application = try JSON.object(app.body)["application"] as? [String: Any]
        #expect(application?["name"] as? String == "ORDERS")
        #expect(try node.get("/eureka/apps/Orders/orders-1:orders:8080").status == 200)
        #expect(try node.instanceJSON("ORDERS", "orders-1:orders:8080")?["app"] as? String == "ORDERS")
    }

    @Test func missingContentTypeIs415() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", body: Registrant().body(.json))
        #expect(reply.status == 415)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 404)
    }

    @Test func textPlainIs415WithAnErrorBody() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Content-Type", "text/plain")],
                                     body: Registrant().body(.json))
        #expect(reply.status == 415)
        #expect(reply.text == "<error><message>unsupported media type</message></error>")
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 404)
    }

    @Test(arguments: BodyFormat.allCases)
    func gzipRequestBodyIsInflated(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        let gzipped = try #require(Gzip.compress(Registrant().body(format)))
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS",
                                     headers: [("Content-Type", format.contentType), ("Content-Encoding", "gzip")], body: gzipped)
        #expect(reply.status == 204)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 200)
    }

    @Test func chunkedRequestBodyIsAccepted() throws {
        let node = try TestNode()
        defer { node.stop() }
        let body = Registrant().body(.json)
        let middle = body.count / 2
        var wire = Array("POST /eureka/apps/ORDERS HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for chunk in [body[..<middle], body[middle...]] {
            wire += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
        }
        wire += Array("0\r\n\r\n".utf8)
        let client = try node.client()
        client.send(wire)
        #expect(try client.readReply().status == 204)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 200)
    }

    @Test(arguments: BodyFormat.allCases)
    func withoutInstanceIdTheInstanceIsStoredUnderItsHostName(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.instanceId = nil
        #expect(try node.register(registrant, format).status == 204)
        let stored = try #require(try node.instanceJSON("ORDERS", "orders-1"))
        #expect(stored["instanceId"] == nil)  // written back without the field (spec 2.1)
        #expect(stored["hostName"] as? String == "orders-1")
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 404)
    }

    @Test(arguments: BodyFormat.allCases)
    func springMetadataInstanceIdIsPrefixedWithTheHostName(format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.instanceId = nil
        registrant.metadata = [("instanceId", "orders:8080")]
        #expect(try node.register(registrant, format).status == 204)
        #expect(try node.instanceJSON("ORDERS", "orders-1:orders:8080")?["instanceId"] as? String == "orders-1:orders:8080")
        #expect(try node.get("/eureka/apps/ORDERS/orders-1").status == 404)
    }

    @Test func springMetadataInstanceIdStartingWithTheHostNameIsKept() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.instanceId = nil
        registrant.metadata = [("instanceId", "orders-1-blue")]
        #expect(try node.register(registrant).status == 204)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1-blue").status == 200)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders-1-blue").status == 404)
    }

    @Test func springMetadataInstanceIdDoesNotReplaceAnExplicitId() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.metadata = [("instanceId", "other")]
        #expect(try node.register(registrant).status == 204)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 200)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:other").status == 404)
    }

    @Test func expectContinueThenBodyRegisters() throws {
        let node = try TestNode()
        defer { node.stop() }
        let body = Registrant().body(.json)
        let client = try node.client()
        client.send("POST /eureka/apps/ORDERS HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readReply().status == 100)
        client.send(body)
        #expect(try client.readReply().status == 204)
    }

    @Test
    func expectContinueOnARefusedRegisterGetsTheFinalStatusAtOnce() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        client.send("POST /eureka/apps/ORDERS HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readReply().status == 415)
        let wrongMethod = try node.client()
        wrongMethod.send("POST /eureka/apps HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        let refused = try wrongMethod.readReply()
        #expect(refused.status == 405 && refused.header("Allow") == "GET, HEAD, OPTIONS")
    }
}
