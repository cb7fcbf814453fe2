@testable import Server
import Testing

/// Peers send the credentials of their URLs (spec 7.1) on the start-up sync and on every batch; a secured node
/// takes them, and refuses wrong ones visibly (counted on the sender's /metrics).
@Suite(.serialized) struct SecurityPeerTests {
    static let secured = ["--eureka.node.security.peers=peer:peer-pw", "--eureka.node.security.writers=app:app-pw",
                          "--eureka.node.security.readers=reader:reader-pw"] + TestNode.liveReads
    static let reader = SecurityHTTPTests.basic("reader", "reader-pw")

    private func follower(of secured: TestNode, password: String) throws -> TestNode {
        try TestNode(["--eureka.client.service-url.defaultZone=http://peer:\(password)@127.0.0.1:\(secured.port)/eureka/",
                      "--eureka.server.registry-sync-retries=1", "--eureka.server.registry-sync-retry-wait-ms=0",
                      "--eureka.server.wait-time-in-ms-when-sync-empty=0"] + TestNode.liveReads)
    }

    @Test func startUpSyncAndBatchesCarryThePeerCredentials() throws {
        let a = try TestNode(Self.secured)
        defer { a.stop() }
        #expect(try a.request(method: "POST", path: "/eureka/apps/ORDERS",
                              headers: [("Content-Type", "application/json"), SecurityHTTPTests.basic("app", "app-pw")],
                              body: Registrant().body(.json)).status == 204)
        let b = try follower(of: a, password: "peer-pw")
        defer { b.stop() }
        // The sync read A's registry with the peer's credentials.
        #expect(b.eventually { $0.registry.instanceCount == 1 })
        // A change on B reaches A in a batch carrying them too.
        #expect(try b.register(Registrant.orders(2)).status == 204)
        #expect(a.eventually { $0.registry.instanceCount == 2 })
        let metrics = try a.request(path: "/actuator/prometheus").text  // operator pages stay open here
        #expect(!metrics.contains("status=\"401\"} 1"))
        #expect(metrics.contains(#"eureka_http_server_requests_total{endpoint="batch",status="200"}"#))
    }

    @Test func wrongPeerCredentialsAreRefusedAndCounted() throws {
        let a = try TestNode(Self.secured)
        defer { a.stop() }
        let b = try follower(of: a, password: "wrong-pw")
        defer { b.stop() }
        #expect(try b.register(Registrant.orders(3)).status == 204)
        #expect(b.eventually { node in
            node.status.replicas.first.map { $0.health.credentialRefusals >= 2 } ?? false  // the sync and a batch
        })
        #expect(a.running.sync { $0.registry.instanceCount } == 0)
        let metrics = try b.request(path: "/actuator/prometheus").text
        #expect(metrics.contains("eureka_replication_credential_refusals_total{peer=\"http://peer:***@127.0.0.1:\(a.port)/eureka/\"}"))
        #expect(!metrics.contains("wrong-pw"))
        let refused = try a.request(path: "/actuator/prometheus").text
        #expect(refused.contains(#"eureka_http_server_requests_total{endpoint="batch",status="401"}"#))
    }
}
