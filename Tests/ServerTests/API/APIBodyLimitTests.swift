import Foundation
@testable import Server
import Testing

/// The 1 MiB limit on a decoded register body (spec 1.4).
@Suite(.serialized) struct APIBodyLimitTests {
    /// A valid registration whose metadata pads it past `size` bytes.
    static func paddedBody(over size: Int) -> [UInt8] {
        var registrant = Registrant()
        registrant.metadata = [("padding", String(repeating: "x", count: size))]
        return registrant.body(.json)
    }

    @Test func bodyOverTheLimitIs413AndRegistersNothing() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Content-Type", "application/json")],
                                     body: Self.paddedBody(over: 1 << 20))
        #expect(reply.status == 413)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 404)
    }

    @Test func bodyJustUnderTheLimitIsRegistered() throws {
        // One metadata value pads the body: lift its own bound (issue #18), which this test is not about.
        let node = try TestNode(["--eureka.node.max-metadata-value-bytes=\(1 << 20)"])
        defer { node.stop() }
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Content-Type", "application/json")],
                                     body: Self.paddedBody(over: (1 << 20) - 2_000))
        #expect(reply.status == 204)
        let metadata = try node.instanceJSON("ORDERS", "orders-1:orders:8080")?["metadata"] as? [String: String]
        #expect(metadata?["padding"]?.count == (1 << 20) - 2_000)
    }

    @Test
    func gzippedBodyInflatingPastTheLimitIs413() throws {
        let node = try TestNode()
        defer { node.stop() }
        let gzipped = try #require(Gzip.compress(Self.paddedBody(over: 2 << 20)))
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS",
                                     headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: gzipped)
        #expect(reply.status == 413)
        #expect(try JSON.object(reply.body) as? [String: String] == ["error": "request body too large"])
    }

    @Test func gzippedBodyInflatingPastTheLimitIsRefusedAndRegistersNothing() throws {
        let node = try TestNode()
        defer { node.stop() }
        let gzipped = try #require(Gzip.compress(Self.paddedBody(over: 2 << 20)))
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS",
                                     headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: gzipped)
        #expect(reply.status == 400 || reply.status == 413)
        #expect(try node.get("/eureka/apps/ORDERS/orders-1:orders:8080").status == 404)
    }
}
