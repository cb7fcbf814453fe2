import Glibc
import Testing
@testable import Server

/// HTTPClient's failures, each classified: timeouts within bounds, resets, garbage, limits, refused and
/// unresolvable peers, and completions that never run inside the call that caused them.
@Suite(.serialized) struct HTTPClientFailureTests {
    @Test func aPeerThatNeverAnswersTimesOutWithinBounds() throws {
        let peer = try ScriptedPeer([[.readRequest, .hold]])
        defer { peer.stop() }
        var settings = ClientHarness.quick
        settings.readTimeoutMs = 200
        let started = Monotonic.micros()
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], with: peer, settings: settings)
        let elapsedMs = (Monotonic.micros() - started) / 1_000
        #expect(outcomes.first?.failure == .readTimeout)
        #expect(elapsedMs >= 190 && elapsedMs < 2_000, "timed out after \(elapsedMs) ms")
        harness.expectCleanEnd()
    }

    @Test func aResetIsReportedAndNotRetriedOnAFreshConnection() throws {
        let peer = try ScriptedPeer([[.readRequest, .reset]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], with: peer)
        #expect(outcomes.first?.failure == .reset)
        #expect(harness.client.metrics.retries == 0)
        #expect(peer.accepted == 1)
        harness.expectCleanEnd()
    }

    @Test func garbageIsABadResponse() throws {
        let peer = try ScriptedPeer([[.readRequest, .write(Array("garbage, not HTTP\r\n\r\n".utf8))]])
        defer { peer.stop() }
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], with: peer)
        #expect(outcomes.first?.failure == .badResponse)
        harness.expectCleanEnd()
    }

    @Test func aReplyOverTheLimitIsTooLarge() throws {
        let peer = try ScriptedPeer([[.readRequest, .reply("200 OK", String(repeating: "x", count: 5_000))]])
        defer { peer.stop() }
        var settings = ClientHarness.quick
        settings.maxResponseBodyBytes = 1_000
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], with: peer, settings: settings)
        #expect(outcomes.first?.failure == .tooLarge)
        harness.expectCleanEnd()
    }

    @Test func aClosedPortIsRefused() throws {
        // Bind an ephemeral port, then close it: nobody listens there.
        let probe = try ScriptedPeer([])
        let port = probe.port
        probe.stop()
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], port: port)
        #expect(outcomes.first?.failure == .refused)
        harness.expectCleanEnd()
    }

    @Test func aPeerWhoseBacklogIsFullIsAConnectTimeout() throws {
        let full = try FullBacklog()
        defer { full.close() }
        var settings = ClientHarness.quick
        settings.connectTimeoutMs = 200
        let started = Monotonic.micros()
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], port: full.port, settings: settings)
        let elapsedMs = (Monotonic.micros() - started) / 1_000
        #expect(outcomes.first?.failure == .connectTimeout)
        #expect(elapsedMs >= 190 && elapsedMs < 2_000, "timed out after \(elapsedMs) ms")
        harness.expectCleanEnd()
    }

    @Test func completionsNeverRunInsideSend() throws {
        let harness = try ClientHarness(port: 9)
        var order: [String] = []
        harness.client.send(ClientRequest(method: .get, path: "apps/\r\nX-Injected: 1")) { result in
            order.append("invalid \(result.failure.map { "\($0)" } ?? "-")")
        }
        order.append("sent")
        harness.client.close {
            order.append("closed")
            harness.finish()
        }
        harness.client.send(.get("apps/")) { result in order.append("after close \(result.failure.map { "\($0)" } ?? "-")") }
        order.append("sent again")
        harness.run()
        #expect(order == ["sent", "sent again", "invalid invalidRequest", "closed", "after close closed"])
        harness.expectCleanEnd()
    }

    @Test func anUnknownHostFailsToResolve() throws {
        let (outcomes, harness) = try ClientHarness.exchange([.get("apps/")], port: 8761,
                                                             target: ClientTarget(host: "no-such-peer.invalid", port: 8761))
        #expect(outcomes.first?.failure == .resolveFailed)
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
