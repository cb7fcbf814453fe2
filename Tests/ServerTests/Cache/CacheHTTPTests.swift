import Glibc
import Testing
@testable import Server

/// The cache through a real node on 127.0.0.1 (TestNode): deadlines, never fixed sleeps.
@Suite(.serialized) struct CacheHTTPTests {
    private func get(_ client: RawClient, _ path: String, gzip: Bool = false) throws -> RawClient.Reply {
        client.send("GET \(path) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\(gzip ? "Accept-Encoding: gzip\r\n" : "")\r\n")
        return try client.readReply()
    }

    private func register(_ node: TestNode, count: Int, from start: Int = 0) {
        node.running.sync { node in
            for i in start..<(start + count) {
                _ = node.registry.register(instance("i-\(i)", app: "APP-\(i % 50)", vip: "vip-\(i % 50)"),
                                           leaseDurationSecs: 90, isReplication: false)
            }
            return true
        }
    }

    /// Polls GET /eureka/apps/ORDERS until it answers 200; returns the milliseconds it took, or nil.
    private func msUntilVisible(_ client: RawClient, timeoutMs: Int) throws -> Int? {
        let started = Monotonic.micros()
        while (Monotonic.micros() - started) / 1000 < timeoutMs {
            if try get(client, "/eureka/apps/ORDERS").status == 200 { return (Monotonic.micros() - started) / 1000 }
            usleep(1_000)
        }
        return nil
    }

    @Test func readOnlyLevelHidesARegistrationUntilTheTick() throws {
        let node = try TestNode(["--eureka.server.response-cache-update-interval-ms=600000"])
        defer { node.stop() }
        let client = try node.client()
        #expect(try get(client, "/eureka/apps/ORDERS").status == 404)
        node.running.sync { $0.registry.register(instance("a-1"), leaseDurationSecs: 90, isReplication: false).instance.app }
        #expect(try get(client, "/eureka/apps/ORDERS").status == 404)  // cached 404 until the tick (6.6)
        node.running.sync { $0.cache.refreshReadOnly(); return true }
        #expect(try msUntilVisible(client, timeoutMs: 5_000) != nil)
    }

    @Test func immediatePropagationShowsARegistrationWithinMilliseconds() throws {
        let node = try TestNode(["--eureka.node.immediate-cache-propagation=true",
                                 "--eureka.server.response-cache-update-interval-ms=600000"])
        defer { node.stop() }
        let client = try node.client()
        #expect(try get(client, "/eureka/apps/ORDERS").status == 404)
        node.running.sync { $0.registry.register(instance("a-1"), leaseDurationSecs: 90, isReplication: false).instance.app }
        let delay = try msUntilVisible(client, timeoutMs: 2_000)
        #expect(delay != nil && delay! < 1_000)
    }

    @Test func fiftyPipelinedReadersOfA20kRegistryDuringRegenerationGetCompleteEqualBodies() throws {
        let node = try TestNode(["--eureka.server.use-read-only-response-cache=false"])
        defer { node.stop() }
        register(node, count: 20_000)
        let clients = try (0..<5).map { _ in try node.client() }
        _ = try get(clients[0], "/eureka/apps")
        register(node, count: 1, from: 20_000)  // invalidates: the next reads wait for one regeneration
        let request = "GET /eureka/apps HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\n\r\n"
        for client in clients { client.send(String(repeating: request, count: 10)) }
        var bodies: [[UInt8]] = []
        for client in clients {
            for _ in 0..<10 {
                let reply = try client.readReply()
                #expect(reply.status == 200)
                #expect(reply.header("Content-Encoding") == "gzip")
                bodies.append(try #require(Gzip.decompress(reply.body, limit: 1 << 28)))
            }
        }
        #expect(bodies.count == 50)
        #expect(Set(bodies).count == 1)
        #expect(bodies[0].containsText("i-20000:") || bodies[0].containsText("\"i-20000\""))
        let metrics = node.running.sync { $0.cacheMetrics }
        #expect(metrics.offLoopGenerations >= 1)
        #expect(metrics.generations == 2)  // one before, one for all fifty readers
    }

    @Test func theServedGzipAndPlainBodiesMatchAFreshGeneration() throws {
        let node = try TestNode()
        defer { node.stop() }
        register(node, count: 300)
        let client = try node.client()
        let plain = try get(client, "/eureka/apps/")
        let zipped = try get(client, "/eureka/apps/", gzip: true)
        let expected = node.running.sync { fresh(allAppsJSON, $0.registry)! }
        #expect(plain.body == expected)
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(Gzip.decompress(zipped.body, limit: 1 << 26) == expected)
    }
}
