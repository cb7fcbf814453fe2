import Glibc
import Testing
@testable import Server

/// HTTPClient against scripted peers on 127.0.0.1: reuse, reply forms, every error class, and a loop
/// that closes clean at the end of each test.
@Suite(.serialized) struct HTTPClientTests {
    typealias Outcome = Result<ClientResponse, ClientError>

    private static func get(_ path: String, _ headers: [(String, String)] = []) -> ClientRequest {
        ClientRequest(method: .get, path: path, headers: headers)
    }

    /// Sends `requests` one after the other (each from the previous completion), then closes the client.
    private func exchange(_ requests: [ClientRequest], with peer: ScriptedPeer,
                          settings: HTTPClientSettings = ClientHarness.quick,
                          target: ClientTarget? = nil) throws -> ([Outcome], ClientHarness) {
        let harness = try ClientHarness(port: peer.port, settings: settings, target: target)
        var outcomes: [Outcome] = []
        func next() {
            guard outcomes.count < requests.count else { return harness.finish() }
            harness.client.send(requests[outcomes.count]) { outcome in
                outcomes.append(outcome)
                next()
            }
        }
        next()
        harness.run()
        return (outcomes, harness)
    }

    private func status(_ outcome: Outcome?) -> Int? { try? outcome?.get().status }
    private func body(_ outcome: Outcome?) -> String? { (try? outcome?.get().body).map { String(decoding: $0, as: UTF8.self) } }
    private func error(_ outcome: Outcome?) -> ClientError? {
        if case .failure(let error) = outcome { return error }
        return nil
    }

    @Test func twoRequestsReuseOneKeptAliveConnection() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one"), .readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let (outcomes, harness) = try exchange([Self.get("apps/"), Self.get("/eureka/apps/delta?x=1")], with: peer)
        #expect(outcomes.map(body) == ["one", "two"])
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
        let (outcomes, harness) = try exchange([ClientRequest(method: .head, path: "apps/"), post], with: peer)
        #expect(outcomes.map(body) == ["", "next"])
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
            harness.client.send(Self.get("apps/\(name)")) { outcome in
                bodies[name] = body(outcome)
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
        harness.client.send(Self.get("apps/")) { _ in
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
        let (outcomes, harness) = try exchange([Self.get("apps/"), Self.get("apps/", [("Accept-Encoding", "gzip")])], with: peer)
        #expect(body(outcomes.first) == "chunked")
        #expect(body(outcomes.last) == plain)
        #expect(peer.accepted == 1)
        harness.expectCleanEnd()
    }

    @Test func a503IsAnOrdinaryReply() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("503 Service Unavailable", "busy")]])
        defer { peer.stop() }
        let (outcomes, harness) = try exchange([Self.get("apps/")], with: peer)
        #expect(status(outcomes.first) == 503)
        #expect(body(outcomes.first) == "busy")
        harness.expectCleanEnd()
    }

    @Test func aPeerThatNeverAnswersTimesOutWithinBounds() throws {
        let peer = try ScriptedPeer([[.readRequest, .hold]])
        defer { peer.stop() }
        var settings = ClientHarness.quick
        settings.readTimeoutMs = 200
        let started = Monotonic.micros()
        let (outcomes, harness) = try exchange([Self.get("apps/")], with: peer, settings: settings)
        let elapsedMs = (Monotonic.micros() - started) / 1_000
        #expect(error(outcomes.first) == .readTimeout)
        #expect(elapsedMs >= 190 && elapsedMs < 2_000, "timed out after \(elapsedMs) ms")
        harness.expectCleanEnd()
    }

    @Test func aResetIsReportedAndNotRetriedOnAFreshConnection() throws {
        let peer = try ScriptedPeer([[.readRequest, .reset]])
        defer { peer.stop() }
        let (outcomes, harness) = try exchange([Self.get("apps/")], with: peer)
        #expect(error(outcomes.first) == .reset)
        #expect(harness.client.metrics.retries == 0)
        #expect(peer.accepted == 1)
        harness.expectCleanEnd()
    }

    @Test func garbageIsABadResponse() throws {
        let peer = try ScriptedPeer([[.readRequest, .write(Array("garbage, not HTTP\r\n\r\n".utf8))]])
        defer { peer.stop() }
        let (outcomes, harness) = try exchange([Self.get("apps/")], with: peer)
        #expect(error(outcomes.first) == .badResponse)
        harness.expectCleanEnd()
    }

    @Test func aReplyOverTheLimitIsTooLarge() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", String(repeating: "x", count: 5_000))]])
        defer { peer.stop() }
        var settings = ClientHarness.quick
        settings.maxResponseBodyBytes = 1_000
        let (outcomes, harness) = try exchange([Self.get("apps/")], with: peer, settings: settings)
        #expect(error(outcomes.first) == .tooLarge)
        harness.expectCleanEnd()
    }

    @Test func aClosedPortIsRefused() throws {
        // Bind an ephemeral port, then close it: nobody listens there.
        let probe = try ScriptedPeer([])
        let port = probe.port
        probe.stop()
        let harness = try ClientHarness(port: port)
        var outcome: Outcome?
        harness.client.send(Self.get("apps/")) { result in
            outcome = result
            harness.finish()
        }
        harness.run()
        #expect(error(outcome) == .refused)
        harness.expectCleanEnd()
    }

    @Test func aPeerWhoseBacklogIsFullIsAConnectTimeout() throws {
        let full = try FullBacklog()
        defer { full.close() }
        var settings = ClientHarness.quick
        settings.connectTimeoutMs = 200
        let harness = try ClientHarness(port: full.port, settings: settings)
        var outcome: Outcome?
        let started = Monotonic.micros()
        harness.client.send(Self.get("apps/")) { result in
            outcome = result
            harness.finish()
        }
        harness.run()
        let elapsedMs = (Monotonic.micros() - started) / 1_000
        #expect(error(outcome) == .connectTimeout)
        #expect(elapsedMs >= 190 && elapsedMs < 2_000, "timed out after \(elapsedMs) ms")
        harness.expectCleanEnd()
    }

    @Test func completionsNeverRunInsideSend() throws {
        let harness = try ClientHarness(port: 9)
        var order: [String] = []
        harness.client.send(ClientRequest(method: .get, path: "apps/\r\nX-Injected: 1")) { result in
            order.append("invalid \(error(result).map { "\($0)" } ?? "-")")
        }
        order.append("sent")
        harness.client.close {
            order.append("closed")
            harness.finish()
        }
        harness.client.send(Self.get("apps/")) { result in order.append("after close \(error(result).map { "\($0)" } ?? "-")") }
        order.append("sent again")
        harness.run()
        #expect(order == ["sent", "sent again", "invalid invalidRequest", "closed", "after close closed"])
        harness.expectCleanEnd()
    }

    @Test func anUnknownHostFailsToResolve() throws {
        let harness = try ClientHarness(port: 80, target: ClientTarget(host: "no-such-peer.invalid", port: 8761))
        var outcome: Outcome?
        harness.client.send(Self.get("apps/")) { result in
            outcome = result
            harness.finish()
        }
        harness.run()
        #expect(error(outcome) == .resolveFailed)
        harness.expectCleanEnd()
    }

    @Test func basicCredentialsFromTheURLAreSent() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply()]])
        defer { peer.stop() }
        let target = ClientTarget(peer: try PeerURL(parsing: "http://eureka:s%40cret@127.0.0.1:\(peer.port)/eureka"))
        let (outcomes, harness) = try exchange([Self.get("apps/")], with: peer, target: target)
        #expect(status(outcomes.first) == 200)
        // base64("eureka:s@cret")
        #expect(peer.requests.first?.contains("\r\nAuthorization: Basic ZXVyZWthOnNAY3JldA==\r\n") == true)
        harness.expectCleanEnd()
    }

    @Test func connectionCloseInAReplyIsHonoured() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one", headers: ["Connection: close"]), .hold],
                                     [.readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let (outcomes, harness) = try exchange([Self.get("apps/"), Self.get("apps/")], with: peer)
        #expect(outcomes.map(body) == ["one", "two"])
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }

    @Test func aReusedConnectionThePeerClosedIsRetriedOnceOnAFreshOne() throws {
        // The peer reads the second request and closes without a byte of reply (an idle close that crossed it).
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one"), .readRequest, .close],
                                     [.readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let (outcomes, harness) = try exchange([Self.get("apps/"), Self.get("apps/")], with: peer)
        #expect(outcomes.map(body) == ["one", "two"])
        #expect(harness.client.metrics.retries == 1)
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }

    @Test func aConnectionThePeerClosedWhileIdleIsNotReused() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", "one"), .close],
                                     [.readRequest, .reply("200 OK", "two")]])
        defer { peer.stop() }
        let harness = try ClientHarness(port: peer.port)
        var outcomes: [Outcome] = []
        var closedWhileIdle = false
        harness.client.send(Self.get("apps/")) { first in
            outcomes.append(first)
            // Once the peer's FIN arrived the idle connection must be gone; then send the second request.
            let poll = try! LoopTimer(loop: harness.loop)
            var polls = 0
            poll.start(afterMs: 5, repeatMs: 5) {
                polls += 1
                closedWhileIdle = harness.client.openConnectionCount == 0
                guard closedWhileIdle || polls > 600 else { return }
                poll.close()
                harness.client.send(Self.get("apps/")) { second in
                    outcomes.append(second)
                    harness.finish()
                }
            }
        }
        harness.run()
        #expect(closedWhileIdle)
        #expect(outcomes.map(body) == ["one", "two"])
        #expect(harness.client.metrics.retries == 0)
        #expect(peer.accepted == 2)
        harness.expectCleanEnd()
    }
}

/// A listener that never accepts, with its backlog filled: a further connect stays in the handshake.
private struct FullBacklog {
    let listener: Int32
    let port: Int
    private var fillers: [Int32] = []

    init() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listener = listener
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        guard ok, listen(listener, 0) == 0 else { throw RawClient.ClientError.connect(errno) }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Backlog 0 admits one connection (Linux and gVisor alike); two more make sure it is full.
        for _ in 0..<3 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = connectToLoopback(fd, port: port)
            fillers.append(fd)
        }
        usleep(50_000)  // the first handshake completes in the kernel
    }

    func close() {
        for fd in fillers + [listener] { Glibc.close(fd) }
    }
}
