import Testing
@testable import Server

/// A peer refusing this node's credentials: the failure is logged with the URL's password masked and counted as a
/// credential refusal (what `eureka_replication_credential_refusals_total` reports).
@Suite struct SecurityPeerLogTests {
    @Test func aRefusedBatchIsLoggedMaskedAndCounted() throws {
        let h = RegistryHarness()
        let transport = RecordingTransport()
        let wakeup = ManualWakeup()
        let box = LineBox()
        let nodeLog = NodeLog(log: EventLog(settings: LogSettings(), time: h.clock) { box.lines.append($0) },
                              registry: h.registry, selfPreservationEnabled: false)
        let replicator = Replicator(
            peers: [try PeerURL(parsing: "http://peer:Hunter2@peer-b:8761/eureka/")], settings: ReplicationSettings(),
            registry: h.registry, time: h.clock, makeTransport: { _ in transport }, makeWakeup: { wakeup })
        replicator.onPeerHealthChange = { nodeLog.peerHealth(url: $0, from: $1, $2) }
        h.registry.onEvent = { replicator.handle($0) }
        h.register(instance("a"))
        h.advance(500)
        wakeup.fire()
        transport.answerBatch(.response(status: 401, body: []))
        let peer = try #require(replicator.peers.first)
        #expect(peer.health.credentialRefusals == 1)
        #expect(peer.report(now: h.clock.nowMillis()).url == "http://peer:***@peer-b:8761/eureka/")
        #expect(box.lines.count == 1)
        #expect(box.lines[0].contains("event=peer_state peer=http://peer:***@peer-b:8761/eureka/ from=unknown to=degraded reason=\"HTTP 401\""))
        #expect(!box.lines.joined().contains("Hunter2"))
        replicator.close()
    }

    @Test func aRefusedStartUpFetchCountsToo() {
        var health = PeerHealth()
        health.fetched(.response(status: 401, body: []), now: 1)
        health.fetched(.response(status: 403, body: []), now: 2)  // a peer still starting: not a refusal
        #expect(health.credentialRefusals == 1)
    }
}
