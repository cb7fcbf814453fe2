import Glibc
@testable import Server
import Testing

@Suite(.serialized) struct ConnectionLimitTests {
    @Test func thousandConcurrentConnectionsAreServed() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let node = try TestNode()
        defer { node.stop() }
        let clients = try (0..<1_000).map { _ in try node.client() }
        for client in clients { client.send(HTTPCoreTests.status) }
        for client in clients { #expect(try client.readReply().status == 200) }
        #expect(node.connectionCount == 1_000)
    }

    @Test func connectionsBeyondTheMaximumAreRefusedWithoutHarmingOthers() throws {
        let node = try TestNode(["--eureka.node.max-connections=20"])
        defer { node.stop() }
        let admitted = try (0..<20).map { _ in try node.client() }
        for client in admitted { client.send(HTTPCoreTests.status) }
        for client in admitted { #expect(try client.readReply().status == 200) }
        let extra = try (0..<5).map { _ in try node.client() }
        for client in extra { #expect(client.readsEOF()) }
        for client in admitted {
            client.send(HTTPCoreTests.status)
            #expect(try client.readReply().status == 200)
        }
        #expect(node.running.sync { $0.httpMetrics.refused } == 5)
    }
}
