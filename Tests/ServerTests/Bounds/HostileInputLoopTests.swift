import Foundation
@testable import Server
import Testing

/// Issue #18, "no request may hold the loop": each hostile input of the issue against a node holding 20,000
/// instances, with the node's loop probe measuring the most loop-thread CPU time between two of its 1 ms firings
/// (busy time: what one callback, or the callbacks of one 1 ms window, held the loop for; unlike wall-clock lag, other
/// processes on this shared machine cannot inflate it). bench/bounds.sh measures the same on 100,000 instances.
@Suite(.serialized) struct HostileInputLoopTests {
    static let instances = 20_000
    /// The issue's bound for one request or timer callback.
    static let maxBusyMicros = 10_000
    /// A debug build (what `swift test` runs) decodes and encodes JSON several times slower than release, so the one
    /// phase whose cost is bytes (a 100 KB batch body in, a 260 KB record out) gets this factor there; the release
    /// figures on 100,000 instances are bench/bounds.sh's, held to 10 ms.
    static let debugByteWorkFactor = _isDebugAssertConfiguration() ? 3 : 1

    /// Runs `phase`, then returns the probe's worst busy time and lag during it.
    static func measure(_ node: TestNode, _ phase: () throws -> Void) rethrows -> (busy: Int, lag: Int) {
        node.running.sync { $0.lagProbe.resetMaxima() }
        try phase()
        // One more probe firing, so work just before the reading is counted.
        usleep(5_000)
        return node.running.sync { ($0.lagProbe.reading.maxBusyMicros, $0.lagProbe.reading.maxLagMicros) }
    }

    static func populate(_ node: TestNode) {
        for chunk in stride(from: 0, to: instances, by: 2_000) {
            node.running.sync { node in
                for n in chunk..<(chunk + 2_000) {
                    let info = instance("i\(n)", app: "APP\(n / 10)", vip: "vip-\(n / 10)")
                    _ = node.registry.execute(.register(info, leaseDurationSecs: 90, isReplication: false))
                }
            }
        }
    }

    /// Under a sanitizer (scripts/sanitize.sh) every callback runs 5-15x slower: a CPU-time bound means nothing there.
    static let underSanitizer = getenv("EUREKA_SANITIZER") != nil

    @Test(.enabled(if: !underSanitizer, "loop CPU bounds do not hold under a sanitizer's slowdown"))
    func noHostileRequestOrRefreshHoldsTheLoopLongerThan10ms() throws {
        let node = try TestNode(["--eureka.server.response-cache-update-interval-ms=250",
                                 "--eureka.server.response-cache-auto-expiration-in-seconds=1",
                                 "--eureka.node.max-instances=\(Self.instances + 2)", "--eureka.node.loop-probe-interval-ms=1"])
        defer { node.stop() }
        Self.populate(node)
        #expect(node.running.sync { $0.registry.instanceCount } == Self.instances)
        var report: [String] = []
        func check(_ name: String, _ result: (busy: Int, lag: Int), factor: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) {
            report.append("\(name): busy \(result.busy) us, lag \(result.lag) us")
            #expect(result.busy < Self.maxBusyMicros * factor, "\(name) held the loop \(result.busy) us", sourceLocation: sourceLocation)
        }

        // 3,000 distinct VIP names, each a cache key of its own.
        let client = try node.client()
        check("3,000 distinct /vips lookups", try Self.measure(node) { () throws in
            for n in 0..<3_000 {
                client.send("GET /eureka/vips/hostile-\(n) HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\n\r\n")
                #expect(try client.readReply().status == 200)
            }
        })
        // Their read-write values expire after 1 s; the next refresh ticks regenerate all 3,000 (in steps).
        let generated = node.running.sync { $0.cache.metrics.generations }
        // A step encodes 64 documents on the loop: byte work, so the debug factor applies (10.9 ms once in a full
        // parallel debug run; bench/bounds.sh holds the release build to 10 ms).
        check("refresh of 3,000 VIP keys", Self.measure(node) {
            #expect(node.eventually(timeoutMs: 15_000) { $0.cache.metrics.generations >= generated + 3_000 })
        }, factor: Self.debugByteWorkFactor)

        // Records past the metadata bounds: refused before anything is stored.
        var big = Registrant.orders(1)
        big.metadata = (0..<1_000).map { ("key\($0)", "v") }
        check("registration with 1,000 metadata keys", try Self.measure(node) { () throws in
            #expect(try node.register(big).status == 400)
        })
        // The issue's bodies, just under the 1 MiB body limit: parsing stops at the registration's value budget
        // (2 x 256 metadata entries + 1,024), so the loop pays for ~1,500 values, not 70,000 (4.9 s before).
        for (format, keys) in [(BodyFormat.json, 70_000), (.xml, 40_000)] {
            var huge = Registrant.orders(2)
            huge.metadata = (0..<keys).map { ("k\($0)", "v") }
            check("\(format) registration with \(keys) metadata keys", try Self.measure(node) { () throws in
                let reply = try node.register(huge, format)
                #expect(reply.status == 400 && reply.text.contains("more than 1536 values"), "\(reply.text.prefix(200))")
            })
        }
        // Two more instances fill the registry: the target of a metadata update, and a record at the metadata bounds'
        // edge (256 keys of 1 KB) for stale heartbeats.
        node.running.sync { node in
            _ = node.registry.execute(.register(instance("target", app: "ORDERS", dirty: 5_000), leaseDurationSecs: 90, isReplication: false))
            var record = instance("fat", app: "ORDERS", dirty: 9_000)
            record.metadata = Metadata((0..<256).map { ("key\($0)", String(repeating: "v", count: 1_000)) })
            _ = node.registry.execute(.register(record, leaseDurationSecs: 90, isReplication: false))
        }
        #expect(node.running.sync { $0.registry.instanceCount } == Self.instances + 2)
        let query = (0..<800).map { "k\($0)=v" }.joined(separator: "&")
        check("metadata update with 800 keys", try Self.measure(node) { () throws in
            #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/target/metadata?\(query)").status == 400)
        })

        // The registry is full: new instances are refused, cheaply.
        check("100 registrations past max-instances", try Self.measure(node) { () throws in
            for n in 0..<100 { #expect(try node.register(Registrant.orders(100 + n)).status == 503) }
        })

        let stale = #"{"appName":"ORDERS","id":"fat","lastDirtyTimestamp":1,"status":"UP","action":"Heartbeat"}"#
        var replyBytes = 0
        check("batch of 1,000 stale heartbeats of a 260 KB record", try Self.measure(node) { () throws in
            let reply = try PeerBatchTests.post(node, #"{"replicationList":["# + Array(repeating: stale, count: 1_000).joined(separator: ",") + "]}")
            #expect(reply.status == 200)
            replyBytes = reply.body.count
        }, factor: Self.debugByteWorkFactor)
        #expect(replyBytes > 260_000 && replyBytes < EurekaAPI.batchReplyEntityBudget, "the record once, bare 409s after")
        print("HostileInputLoopTests (\(Self.instances) instances): " + report.joined(separator: "; ") + "; batch reply \(replyBytes) bytes")
    }
}
