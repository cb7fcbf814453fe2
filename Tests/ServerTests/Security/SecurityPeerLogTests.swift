import Testing
@testable import Server

/// A peer refusing this node's credentials: the failure is logged with the URL's password masked and counted as a
/// credential refusal (what `eureka_replication_credential_refusals_total` reports).
@Suite struct SecurityPeerLogTests {
    @Test func aRefusedBatchIsLoggedMaskedAndCounted() throws {
        let hooked = try LogPeerHookTests.Hooked(url: "http://peer:Hunter2@peer-b:8761/eureka/")
        hooked.registerAndSend()
        hooked.transport.answerBatch(.response(status: 401, body: []))
        let peer = try #require(hooked.replicator.peers.first)
        #expect(peer.health.credentialRefusals == 1)
        #expect(peer.report(now: hooked.h.clock.nowMillis()).url == "http://peer:***@peer-b:8761/eureka/")
        let lines = hooked.box.lines
        #expect(lines.count == 1)
        #expect(lines.first?.contains("event=peer_state peer=http://peer:***@peer-b:8761/eureka/ from=unknown to=degraded reason=\"HTTP 401\"") == true)
        #expect(!lines.joined().contains("Hunter2"))
        hooked.replicator.close()
    }

    @Test func aRefusedStartUpFetchCountsToo() {
        var health = PeerHealth()
        health.fetched(.response(status: 401, body: []), now: 1)
        health.fetched(.response(status: 403, body: []), now: 2)  // a peer still starting: not a refusal
        #expect(health.credentialRefusals == 1)
    }
}
