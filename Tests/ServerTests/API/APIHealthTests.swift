import Foundation
@testable import Server
import Testing

/// `/actuator/health` (spec 10): DOWN (503) with the reason while the start-up sync runs and once the stop began.
@Suite(.serialized) struct APIHealthTests {
    @Test func healthIsDownWithTheReasonWhileTheStartUpSyncRuns() throws {
        // The peer refuses connections; the next sync attempt is a minute away, so the sync is still running.
        let node = try TestNode(["--eureka.client.service-url.defaultZone=http://127.0.0.1:1/eureka/",
                                 "--eureka.server.registry-sync-retries=3", "--eureka.server.registry-sync-retry-wait-ms=60000"])
        defer { node.stop() }
        let reply = try node.get("/actuator/health")
        #expect(reply.status == 503)
        let body = try JSON.object(reply.body) as? [String: String]
        #expect(body?["status"] == "DOWN")
        #expect(body?["reason"]?.contains("sync") == true)
    }

    @Test func healthIsDownWithTheReasonOnceTheStopBegan() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        // Half a request: the connection is not idle, so the stop leaves it open to answer it.
        let partial = "GET /actuator/health HTTP/1.1\r\n"
        client.send(partial)
        // Read (and so decoded, in the same callback) before the stop begins; otherwise the connection looks idle.
        #expect(node.eventually { $0.connectionCount == 1 && $0.httpMetrics.bytesIn >= partial.utf8.count })
        node.running.sync { $0.stop() }
        client.send("Host: x\r\n\r\n")
        let reply = try client.readReply()
        #expect(reply.status == 503)
        #expect(reply.header("Connection") == "close")
        #expect(try JSON.object(reply.body) as? [String: String] == ["status": "DOWN", "reason": "shutting down"])
    }

    @Test func downReasonPrefersTheStop() {
        var status = NodeStatus()
        #expect(status.downReason == nil)
        status.openForTraffic = false
        #expect(status.downReason?.contains("sync") == true)
        status.shuttingDown = true
        #expect(status.downReason == "shutting down")
    }
}
