import Testing
@testable import Server

/// HTTPClient against scripted peers on 127.0.0.1: reuse, the pool, reply forms and credentials, and a loop
/// that closes clean at the end of each test.
@Suite(.serialized) struct HTTPClientTests {
    @Test func twoRequestsReuseOneKeptAliveConnection() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one"), .readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/"), .get("/eureka/apps/delta?x=1")], with: peer)
        #expect(outcomes.map(\.text) == ["one", "two"])
        #expect(peer.accepted == 1)
        #expect(harness.client.metrics.connectionsOpened == 1)
        #expect(peer.requests.map { $0.split(separator: "\r\n").first ?? "" } == ["GET /eureka/apps/ HTTP/1.1", "GET /eureka/apps/delta?x=1 HTTP/1.1"])
        #expect(peer.requests.first?.contains("Host: 127.0.0.1:\(peer.port)\r\n") == true)
        harness.expectCleanEnd()
    }

    @Test func aHeadReplyHasNoBodyAndTheConnectionIsReused() throws {
        let peer = try ScriptedPeer([[.readRequest, .write(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8)),
                                      .readRequest, .reply("200 OK", "next")]])
        defer { peer.stop() }
        let post = ClientRequest(method: .post, path: "peerreplication/batch/", headers: [("Content-Type", "application/json")],
                                 body: Array("{}".utf8))
        let (outcomes, harness) = try ClientHarness.exchange([ClientRequest(method: .head, path: "apps/"), post], with: peer)
        #expect(outcomes.map(\.text) == ["", "next"])
        #expect(peer.accepted == 1)
        #expect(peer.requests.last?.hasPrefix("POST /eureka/peerreplication/batch/ HTTP/1.1\r\n") == true)
        #expect(peer.requests.last?.contains("\r\nContent-Length: 2\r\n") == true)
        harness.expectCleanEnd()
    }

    @Test func requestsBeyondTheConnectionCapWaitForAFreeConnection() throws {
        // The peer serves its connections one after the other, in the order they reach it (each resolves on the
        // pool, so either may come first): the third request must go on the first one served, and get its "c".
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "a"), .readRequest, .reply("200 OK", "c")],
                                     [.readRequest, .reply("200 OK", "b")]])
        defer { peer.stop() }
        var settings = ClientHarness.quick
        settings.maxConnections = 2
        let harness = try ClientHarness(port: peer.port, settings: settings)
        var bodies: [String: String] = [:]
        for name in ["a", "b", "c"] {
            harness.client.send(.get("apps/\(name)")) { outcome in
                bodies[name] = outcome.text
                if bodies.count == 3 { harness.finish() }
            }
        }
        #expect(harness.client.openConnectionCount == 2)
        harness.run()
        #expect(bodies["c"] == "c")
        #expect(Set([bodies["a"], bodies["b"]]) == ["a", "b"])
        #expect(harness.client.metrics.connectionsOpened == 2)
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }

    @Test func idleConnectionsCloseAfterTheIdleTimeout() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one")]])
        defer { peer.stop() }
        var settings = ClientHarness.quick
        settings.idleTimeoutMs = 50
        let harness = try ClientHarness(port: peer.port, settings: settings)
        var openAfterReply = -1
        harness.client.send(.get("apps/")) { _ in
            openAfterReply = harness.client.openConnectionCount
            let pause = try! LoopTimer(loop: harness.loop)
            pause.start(afterMs: 200, repeatMs: 0) {
                pause.close()
                #expect(harness.client.openConnectionCount == 0)
                harness.finish()
            }
        }
        harness.run()
        #expect(openAfterReply == 1)
        harness.expectCleanEnd()
    }

    @Test func chunkedAndGzipRepliesAreDecoded() throws {
        let plain = String(repeating: "{\"applications\":{\"versions__delta\":\"1\"}}", count: 100)
        let packed = try #require(Gzip.compress(Array(plain.utf8)))
        let gzipHead = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(packed.count)\r\n\r\n"
        let peer = try ScriptedPeer([[.readRequest, .write(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nchun\r\n3\r\nked\r\n0\r\n\r\n".utf8)),
                                      .readRequest, .write(Array(gzipHead.utf8) + packed)]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/"), .get("apps/", [("Accept-Encoding", "gzip")])], with: peer)
        #expect(outcomes.first?.text == "chunked")
        #expect(outcomes.last?.text == plain)
        #expect(peer.accepted == 1)
        harness.expectCleanEnd()
    }

    @Test func a503IsAnOrdinaryReply() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("503 Service Unavailable", "busy")]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], with: peer)
        #expect(outcomes.first?.status == 503)
        #expect(outcomes.first?.text == "busy")
        harness.expectCleanEnd()
    }

    @Test func basicCredentialsFromTheURLAreSent() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply()]])
        defer { peer.stop() }
        let target = ClientTarget(peer: try PeerURL(parsing: "http://eureka:s%40cret@127.0.0.1:\(peer.port)/eureka"))
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], with: peer, target: target)
        #expect(outcomes.first?.status == 200)
        // base64("eureka:s@cret")
        #expect(peer.requests.first?.contains("\r\nAuthorization: Basic ZXVyZWthOnNAY3JldA==\r\n") == true)
        harness.expectCleanEnd()
    }

    @Test func connectionCloseInAReplyIsHonoured() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one", headers: ["Connection: close"]), .hold],
                                     [.readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/"), .get("apps/")], with: peer)
        #expect(outcomes.map(\.text) == ["one", "two"])
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }

    @Test func aReusedConnectionThePeerClosedIsRetriedOnceOnAFreshOne() throws {
        // The peer reads the second request and closes without a byte of reply (an idle close that crossed it).
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one"), .readRequest, .close],
                                     [.readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/"), .get("apps/")], with: peer)
        #expect(outcomes.map(\.text) == ["one", "two"])
        #expect(harness.client.metrics.retries == 1)
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }

    @Test func aConnectionThePeerClosedWhileIdleIsNotReused() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one"), .close],
                                     [.readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let harness = try ClientHarness(port: peer.port)
        var outcomes: [Result<ClientResponse, ClientError>] = []
        var closedWhileIdle = false
        harness.client.send(.get("apps/")) { first in
            outcomes.append(first)
            // Once the peer's FIN arrived the idle connection must be gone; then send the second request.
            let poll = try! LoopTimer(loop: harness.loop)
            var polls = 0
            poll.start(afterMs: 5, repeatMs: 5) {
                polls += 1
                closedWhileIdle = harness.client.openConnectionCount == 0
                guard closedWhileIdle || polls > 600 else { return }
                poll.close()
                harness.client.send(.get("apps/")) { second in
                    outcomes.append(second)
                    harness.finish()
                }
            }
        }
        harness.run()
        #expect(closedWhileIdle)
        #expect(outcomes.map(\.text) == ["one", "two"])
        #expect(harness.client.metrics.retries == 0)
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }
}

