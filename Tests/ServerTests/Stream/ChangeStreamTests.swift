import Glibc
import Testing
@testable import Server

/// The change stream end to end on a real node (docs/change-stream.md): snapshot, changes, resume, filters.
@Suite(.serialized) struct ChangeStreamTests {
    static let on = "--eureka.node.change-stream-enabled=true"

    static func register(_ node: TestNode, _ id: String, app: String = "ORDERS", vip: String? = nil, status: InstanceStatus = .up) {
        node.running.sync { node in
            _ = node.registry.register(instance(id, app: app, status: status, vip: vip), leaseDurationSecs: 90, isReplication: false)
        }
    }

    static func latest(_ node: TestNode) -> UInt64 { node.running.sync { $0.registry.latestChangeSequence } }

    static func open(_ node: TestNode, _ path: String = "/eureka/stream", headers: [String] = []) throws -> SSEClient {
        let client = try SSEClient(port: node.port, path: path, headers: headers)
        try client.readHead()
        return client
    }

    @Test func offAnswersLikeAnUnknownPathAndIgnoresWaitVersion() throws {
        let node = try TestNode()
        defer { node.stop() }
        let stream = try SSEClient(port: node.port, path: "/eureka/stream")
        try stream.readHead()
        #expect(stream.status == 404)
        let client = try node.client()
        client.send("GET /eureka/apps/delta?waitVersion=abc HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        let reply = try client.readReply()
        #expect(reply.status == 200)
        #expect(reply.header("X-Eureka-Change-Sequence") == nil)
    }

    @Test func snapshotFirstThenEachChangeInOrder() throws {
        let node = try TestNode([Self.on])
        defer { node.stop() }
        Self.register(node, "o1")
        let stream = try Self.open(node)
        #expect(stream.status == 200)
        #expect(stream.header("Content-Type") == "text/event-stream")
        #expect(stream.header("Transfer-Encoding") == "chunked")
        let snapshot = try stream.nextEvent()
        #expect(snapshot.name == "snapshot")
        #expect(snapshot.id == Self.latest(node))
        #expect(snapshot.data.hasPrefix("{\"applications\":"))
        #expect(snapshot.data.contains("\"o1\""))
        Self.register(node, "o2")
        Self.register(node, "o2", status: .down)
        let added = try stream.nextEvent()
        let modified = try stream.nextEvent()
        #expect(added.name == "change")
        #expect(added.id == snapshot.id + 1)
        #expect(added.data.contains("\"instanceId\":\"o2\""))
        #expect(added.data.contains("\"actionType\":\"ADDED\""))
        #expect(modified.id == snapshot.id + 2)
        #expect(modified.data.contains("\"status\":\"DOWN\""))
        let metrics = node.running.sync { $0.changeStream!.metrics }
        #expect(metrics.subscribers == 1)
        #expect(metrics.eventsSent == 3)
        let client = try node.client()
        client.send("GET /metrics HTTP/1.1\r\n\r\n")
        let text = try client.readReply().text
        #expect(text.contains("\neureka_stream_subscribers 1\n"))
        #expect(text.contains("\neureka_stream_events_sent_total 3\n"))
    }

    @Test func resumeWithinTheWindowReplaysWhatWasMissedWithoutSnapshotGapOrDuplicate() throws {
        let node = try TestNode([Self.on])
        defer { node.stop() }
        var lastSeen: UInt64
        do {
            let first = try Self.open(node)
            lastSeen = try first.nextEvent().id
            Self.register(node, "a")
            lastSeen = try first.nextEvent().id
        }
        #expect(node.eventually { $0.changeStream!.metrics.subscribers == 0 })
        Self.register(node, "b")
        Self.register(node, "c")
        Self.register(node, "d", app: "BILLING")
        let resumed = try Self.open(node, headers: ["Last-Event-ID: \(lastSeen)"])
        let replayed = [try resumed.nextEvent(), try resumed.nextEvent(), try resumed.nextEvent()]
        #expect(replayed.map(\.name) == ["change", "change", "change"])
        #expect(replayed.map(\.id) == [lastSeen + 1, lastSeen + 2, lastSeen + 3])
        #expect(replayed[0].data.contains("\"instanceId\":\"b\""))
        #expect(replayed[2].data.contains("\"instanceId\":\"d\""))
        Self.register(node, "e")
        let next = try resumed.nextEvent()
        #expect(next.id == lastSeen + 4)
        #expect(next.data.contains("\"instanceId\":\"e\""))
        #expect(resumed.events(quietMs: 200).isEmpty)  // nothing twice

        // The query parameter resumes too.
        let byQuery = try Self.open(node, "/eureka/v2/stream?lastEventId=\(lastSeen + 3)")
        let only = try byQuery.nextEvent()
        #expect(only.name == "change")
        #expect(only.id == lastSeen + 4)
    }

    @Test func resumeFromTooFarBehindOrAnotherNodeStartsWithASnapshot() throws {
        let node = try TestNode([Self.on])
        defer { node.stop() }
        Self.register(node, "a")
        let latest = Self.latest(node)
        for lastEventId in [UInt64(5), latest + 1_000] {
            let stream = try Self.open(node, headers: ["Last-Event-ID: \(lastEventId)"])
            let first = try stream.nextEvent()
            #expect(first.name == "snapshot")
            #expect(first.id == latest)
        }
        let bad = try SSEClient(port: node.port, path: "/eureka/stream", headers: ["Last-Event-ID: soon"])
        try bad.readHead()
        #expect(bad.status == 400)
    }

    @Test func filtersByApplicationAndVip() throws {
        let node = try TestNode([Self.on])
        defer { node.stop() }
        Self.register(node, "b0", app: "BILLING", vip: "pay-vip")
        Self.register(node, "o0")
        let byApp = try Self.open(node, "/eureka/stream?apps=orders")
        let byVip = try Self.open(node, "/eureka/stream?vips=pay-vip")
        let appSnapshot = try byApp.nextEvent()
        let vipSnapshot = try byVip.nextEvent()
        #expect(appSnapshot.data.contains("\"o0\"") && !appSnapshot.data.contains("\"b0\""))
        #expect(vipSnapshot.data.contains("\"b0\"") && !vipSnapshot.data.contains("\"o0\""))
        Self.register(node, "o1")
        Self.register(node, "b1", app: "BILLING", vip: "pay-vip")
        Self.register(node, "x1", app: "OTHER", vip: "other-vip,pay-vip-not")
        let appEvents = byApp.events(quietMs: 300)
        let vipEvents = byVip.events(quietMs: 300)
        #expect(appEvents.count == 1)
        #expect(appEvents.first?.data.contains("\"instanceId\":\"o1\"") == true)
        #expect(vipEvents.count == 1)
        #expect(vipEvents.first?.data.contains("\"instanceId\":\"b1\"") == true)
    }

    @Test func subscriberLimitAnswers503WithRetryAfter() throws {
        let node = try TestNode([Self.on, "--eureka.node.change-stream-max-subscribers=2"])
        defer { node.stop() }
        let one = try Self.open(node)
        let two = try Self.open(node)
        _ = try one.nextEvent()
        _ = try two.nextEvent()
        let three = try SSEClient(port: node.port, path: "/eureka/stream")
        try three.readHead()
        #expect(three.status == 503)
        #expect(three.header("Retry-After") == "5")
        let poll = try node.client()
        poll.send("GET /eureka/apps/delta?waitVersion=\(Self.latest(node)) HTTP/1.1\r\n\r\n")
        let reply = try poll.readReply()
        #expect(reply.status == 503)
        #expect(reply.header("Retry-After") == "5")
    }

    @Test func nodeStopEndsOpenStreamsWithTheLastChunk() throws {
        let node = try TestNode([Self.on])
        let stream = try Self.open(node)
        _ = try stream.nextEvent()
        node.stop()
        #expect(throws: SSEClient.Failure.self) { try stream.nextEvent() }
        #expect(stream.ended)
    }

    @Test func http10AndHeadAreRefused() throws {
        let node = try TestNode([Self.on])
        defer { node.stop() }
        let client = try node.client()
        client.send("GET /eureka/stream HTTP/1.0\r\n\r\n")
        #expect(try client.readReply().status == 400)
        let head = try node.client()
        head.send("HEAD /eureka/stream HTTP/1.1\r\n\r\n")
        #expect(try head.readReply(headOnly: true).status == 405)
    }
}
