import Testing
@testable import Server

/// The peer set (spec 7.1 refresh): peers no longer listed are closed with their queues, new ones created, an
/// empty list ignored; every client change goes to every peer.
@Suite struct ReplicatorTests {
    final class Made {
        var transports: [String: RecordingTransport] = [:]
    }

    private func url(_ host: String) -> PeerURL { try! PeerURL(parsing: "http://\(host):8761/eureka/") }

    @Test func theRefreshClosesDroppedPeersAddsNewOnesAndIgnoresAnEmptyList() {
        let h = RegistryHarness()
        let made = Made()
        let replicator = Replicator(
            peers: [url("b"), url("c")], settings: ReplicationSettings(), registry: h.registry, time: h.clock,
            makeTransport: { peer in
                let transport = RecordingTransport()
                made.transports[peer.host] = transport
                return transport
            }, makeWakeup: { ManualWakeup() })
        #expect(replicator.peers.map(\.url.host) == ["b", "c"])
        replicator.updatePeers([url("b"), url("d")])
        #expect(replicator.peers.map(\.url.host) == ["b", "d"])
        #expect(made.transports["c"]?.closed == true)
        #expect(made.transports["b"]?.closed == false)
        replicator.updatePeers([])
        #expect(replicator.peers.map(\.url.host) == ["b", "d"])
    }

    @Test func everyClientChangeIsOneTaskPerPeer() {
        let h = RegistryHarness()
        let replicator = Replicator(
            peers: [url("b"), url("c")], settings: ReplicationSettings(), registry: h.registry, time: h.clock,
            makeTransport: { _ in RecordingTransport() }, makeWakeup: { ManualWakeup() })
        h.registry.onEvent = { replicator.handle($0) }
        h.register(instance("a"))
        _ = h.renew("a")
        _ = h.registry.cancel(app: "ORDERS", id: "a", isReplication: false)
        for peer in replicator.peers {
            #expect(peer.report(now: h.now).counters.submitted == 3)
            #expect(peer.report(now: h.now).queueDepth == 3)  // register, heartbeat, cancel: three ids
        }
        replicator.close()
        #expect(replicator.peers.isEmpty)
    }
}
