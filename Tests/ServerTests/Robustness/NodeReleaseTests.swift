@testable import Server
import Testing

/// A node stopped and released must free itself, its registry and its cache: a host that creates and frees nodes
/// (the C API, the test suite) would otherwise keep every node's records for the life of the process, and leak
/// checking under AddressSanitizer would report them.
@Suite(.serialized) struct NodeReleaseTests {
    /// Written on the loop thread while the node runs, read after its thread has ended (pthread_join orders both).
    final class Watched: @unchecked Sendable {
        weak var node: EurekaNode?
        weak var registry: InstanceRegistry?
        weak var cache: ResponseCache?
    }

    private func watch(_ node: TestNode) -> Watched {
        let watched = Watched()
        node.running.sync { owner in
            watched.node = owner
            watched.registry = owner.registry
            watched.cache = owner.cache
            return true
        }
        return watched
    }

    private func expectFreed(_ watched: Watched, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(watched.node == nil, "node still referenced", sourceLocation: sourceLocation)
        #expect(watched.registry == nil, "registry still referenced", sourceLocation: sourceLocation)
        #expect(watched.cache == nil, "cache still referenced", sourceLocation: sourceLocation)
    }

    @Test func anIdleNodeIsFreedOnceStopped() throws {
        let node = try TestNode()
        let watched = watch(node)
        node.stop()
        expectFreed(watched)
    }

    /// Registrations, heartbeats, cancels and every cached form read (built on the pool, pinned by writes) wire the
    /// registry's change callback, the cache's builds and the connections together.
    @Test func aNodeThatServedTrafficIsFreedOnceStopped() throws {
        let node = try TestNode()
        let watched = watch(node)
        for n in 1...30 { #expect(try node.register(.orders(n)).status == 204) }
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/orders-1:orders:8080").status == 200)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/orders-2:orders:8080").status == 200)
        for accept in ["application/json", "application/xml"] {
            for path in ["/eureka/apps/", "/eureka/apps/delta", "/eureka/apps/ORDERS", "/eureka/vips/orders"] {
                #expect(try node.request(path: path, headers: [("Accept", accept)]).status == 200)
                #expect(try node.request(path: path, headers: [("Accept", accept), ("Accept-Encoding", "gzip")]).status == 200)
            }
        }
        let open = try node.client()  // a connection still open at the stop
        open.send("GET /eureka/apps/ HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        _ = try open.readReply()
        node.stop()
        expectFreed(watched)
    }
}
