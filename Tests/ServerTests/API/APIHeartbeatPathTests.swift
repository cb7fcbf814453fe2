@testable import Server
import Testing

/// The heartbeat found by its path bytes (`Router.plainInstancePath`, `InstanceRegistry.lease(app:id:)`) answers
/// exactly as the routed renew: every spelling of the path that names the instance renews it, and a lease the
/// byte lookup misses is still found through the String lookup.
@Suite(.serialized) struct APIHeartbeatPathTests {
    static let id = "orders-1:orders:8080"

    @Test func everySpellingOfTheInstancePathRenews() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        for path in ["/eureka/apps/ORDERS/\(Self.id)", "/eureka/v2/apps/ORDERS/\(Self.id)", "/eureka/apps/ORDERS/\(Self.id)/",
                     "/eureka//apps/ORDERS//\(Self.id)", "/eureka/apps/orders/\(Self.id)", "/eureka/apps/%4FRDERS/\(Self.id)",
                     "/eureka/apps/ORDERS/orders-1%3Aorders%3A8080"] {
            #expect(try node.request(method: "PUT", path: path).status == 200, "\(path)")
        }
        for path in ["/eureka/apps/ORDERS/orders-1", "/eureka/apps/ORDER/\(Self.id)", "/eureka/apps/ORDERS/\(Self.id)x",
                     "/eureka/v2/v2/apps/ORDERS/\(Self.id)"] {
            #expect(try node.request(method: "PUT", path: path).status == 404, "\(path)")
        }
        // Not a heartbeat: a deeper path is the status override (400 without a value) or nothing (405 / 404).
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/status").status == 400)
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/x").status == 404)
    }

    /// Wherever the byte test answers, `route` names the same app and id; wherever it declines, `route` decides.
    @Test func thePlainPathTestAgreesWithTheRouter() {
        let router = Router()
        let paths = ["/eureka/apps/ORDERS/a", "/eureka/v2/apps/ORDERS/a/", "/eureka/apps/ORDERS/a//", "/eureka/apps/ORDERS//a",
                     "/eureka/apps//ORDERS/a", "/eureka/apps/ORDERS/", "/eureka/apps/ORDERS", "/eureka/apps/orders/a",
                     "/eureka/apps/ORDERS/a%2Fb", "/eureka/apps/ORDERS/0123456789abcdef/", "/eureka/apps/ORDERS/0123456/89abcdef",
                     "/eureka/apps/ORDERS/01234567%9abcdef", "/eureka/apps/ORDERS/a/status", "/eureka/v2/v2/apps/A/b",
                     "/eurekaX/apps/A/b", "/eureka/apps/A/\u{212A}0123456789", "/eureka/apps/\u{C4}/b", "/eureka/apps/A-1.B_2/x:y:8080"]
        var taken = 0
        for text in paths {
            let path = Array(text.utf8)[...]
            guard let (app, id) = router.plainInstancePath(path) else { continue }
            taken += 1
            let expected = Endpoint.instance(app: String(decoding: path[app], as: UTF8.self), id: String(decoding: path[id], as: UTF8.self))
            #expect(router.route(path) == expected, "\(text)")
        }
        #expect(taken == 4)  // the first two, the 16-byte id with a trailing slash, and the last
    }

    /// The stored id is written with the Kelvin sign (U+212A), which Swift's String equality takes as the letter
    /// K: the heartbeat spelled with K misses the byte lookup and is renewed through the String lookup, as before.
    @Test func aCanonicallyEqualIdIsRenewedThroughTheStringLookup() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant()
        registrant.instanceId = "\u{212A}-1"
        #expect(try node.register(registrant).status == 204)
        #expect(try node.heartbeat("ORDERS", "K-1").status == 200)
        #expect(try node.heartbeat("ORDERS", "%E2%84%AA-1").status == 200)
        #expect(try node.heartbeat("ORDERS", "L-1").status == 404)
    }
}
