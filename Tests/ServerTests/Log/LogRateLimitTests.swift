import Testing
@testable import Server

/// Peer state changes and a dead peer's repeated failures (rate-limited with a count of the suppressed lines).
@Suite struct LogRateLimitTests {
    private let url = "http://peer1:8761/eureka/"

    @Test func aDeadPeerWritesOneLinePerWindowWithTheSuppressedCount() throws {
        let h = LogHarness()
        var health = PeerHealth()
        func fail() {
            let old = health.state
            health.failed(.transient, reason: "connection refused", now: h.registryHarness.now)
            h.nodeLog.peerHealth(url: url, from: old, health)
        }
        fail()  // unknown -> down
        for _ in 0..<5 { fail() }  // suppressed
        #expect(h.written.count == 1)
        #expect(h.written[0].contains("level=warn event=peer_state peer=http://peer1:8761/eureka/ from=unknown to=down reason=\"connection refused\""))
        h.registryHarness.advance(60_000)
        fail()
        #expect(h.written.count == 2)
        #expect(h.written[1].contains("level=warn event=peer_failure peer=http://peer1:8761/eureka/ state=down reason=\"connection refused\" failures=7 suppressed=5"))
        fail()
        fail()
        let old = health.state
        health.succeeded(now: h.registryHarness.now)
        h.nodeLog.peerHealth(url: url, from: old, health)
        #expect(h.written.count == 3)
        #expect(h.written[2].contains("level=info event=peer_state peer=http://peer1:8761/eureka/ from=down to=up suppressed=2"))
        #expect(!h.written[2].contains("reason="))
    }

    @Test func degradedIsAStateChangeWithItsReason() throws {
        let h = LogHarness(format: .json)
        var health = PeerHealth()
        health.succeeded(now: 1)
        health.failed(.permanent, reason: "HTTP 500", now: 2)
        h.nodeLog.peerHealth(url: url, from: .up, health)
        let line = try #require(try h.json().first)
        #expect(line["event"] as? String == "peer_state")
        #expect(line["from"] as? String == "up")
        #expect(line["to"] as? String == "degraded")
        #expect(line["reason"] as? String == "HTTP 500")
    }

    @Test func limitedLinesAreSeparatePerKey() {
        let clock = ManualTimeSource(now: 0)
        let box = LineBox()
        let log = EventLog(settings: LogSettings(), time: clock, limitBurst: 2, limitWindowMs: 1_000) { box.lines.append($0) }
        for _ in 0..<5 { log.limited("a", .error, "failure", [("key", "a")]) }
        log.limited("b", .error, "failure", [("key", "b")])
        #expect(box.lines.count == 3)
        clock.advance(by: 1_000)
        log.limited("a", .error, "failure", [("key", "a")])
        #expect(box.lines.last?.hasSuffix("event=failure key=a suppressed=3\n") == true)
    }
}
