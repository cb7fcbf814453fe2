import Glibc
import Testing
@testable import Server

/// A stream whose client stops reading is closed at its queue bound; the others keep receiving.
@Suite(.serialized) struct SlowSubscriberTests {
    @Test func theSlowStreamIsClosedAtItsBoundAndTheOthersKeepReceiving() throws {
        let node = try TestNode([ChangeStreamTests.on, "--eureka.node.change-stream-max-queued-bytes=16384"])
        defer { node.stop() }
        let fast = try ChangeStreamTests.open(node)
        // A small receive window: the server's queue for it fills after a few hundred KB, not megabytes.
        let slow = try SSEClient(port: node.port, path: "/eureka/stream", receiveBuffer: 4096)
        try slow.readHead()
        _ = try fast.nextEvent()
        _ = try slow.nextEvent()
        let metadata = String(repeating: "m", count: 3_000)
        var changes = 0
        var received = 0
        // Bounded: at most 4,000 changes (about 14 MB to the slow client), four per loop turn (12 KB: under the
        // bound even for a reader whose previous write is still in flight).
        while changes < 4_000, node.running.sync({ $0.changeStream!.metrics.subscribersDropped }) == 0 {
            let n = changes
            node.running.sync { node in
                for k in n..<(n + 4) {
                    var info = instance("i\(k % 50)", status: k % 2 == 0 ? .up : .down)
                    info.metadata = Metadata([("pad", metadata)])
                    _ = node.registry.register(info, leaseDurationSecs: 90, isReplication: false)
                }
            }
            changes += 4
            received += fast.events(quietMs: 1).count
        }
        #expect(node.running.sync { $0.changeStream!.metrics.subscribersDropped } == 1)
        #expect(node.running.sync { $0.changeStream!.metrics.subscribers } == 1)
        #expect(slow.readsEOF())
        ChangeStreamTests.register(node, "after")
        let rest = fast.events(quietMs: 300)
        received += rest.count
        #expect(received == changes + 1)
        #expect(rest.last?.data.contains("\"instanceId\":\"after\"") == true)
    }
}
