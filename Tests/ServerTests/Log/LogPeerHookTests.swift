import Testing
@testable import Server

/// The hook on a real peer's health: a refused batch, its retries and the recovery reach the log as one state line,
/// rate-limited failures and a state line back up.
@Suite struct LogPeerHookTests {
    /// One peer at `url` whose batches the test answers, its health changes written to `box`.
    final class Hooked {
        let h = RegistryHarness()
        let transport = RecordingTransport()
        let wakeup = ManualWakeup()
        let box = LineBox()
        let replicator: Replicator

        init(url: String) throws {
            let nodeLog = NodeLog(log: EventLog(settings: LogSettings(), time: h.clock) { [box] in box.lines.append($0) },
                                  registry: h.registry, selfPreservationEnabled: false)
            let (transport, wakeup) = (transport, wakeup)
            replicator = Replicator(
                peers: [try PeerURL(parsing: url)], settings: ReplicationSettings(),
                registry: h.registry, time: h.clock, makeTransport: { _ in transport }, makeWakeup: { wakeup })
            replicator.onPeerHealthChange = { nodeLog.peerHealth(url: $0, from: $1, $2) }
            h.registry.onEvent = { [replicator] in replicator.handle($0) }
        }

        /// A registration, and the batch carrying it sent.
        func registerAndSend() {
            h.register(instance("a"))
            h.advance(500)
            wakeup.fire()
        }
    }

    @Test func aPeersHealthChangesAndFailuresReachTheLog() throws {
        let hooked = try Hooked(url: "http://peer-b:8761/eureka/")
        let (h, transport, wakeup, box) = (hooked.h, hooked.transport, hooked.wakeup, hooked.box)
        hooked.registerAndSend()
        for _ in 0..<4 {
            transport.answerBatch(.failure(.refused))
            h.advance(100)
            wakeup.fire()
        }
        #expect(box.lines.count == 1)
        #expect(box.lines[0].contains("level=warn event=peer_state peer=http://peer-b:8761/eureka/ from=unknown to=down reason=refused"))
        transport.answerBatch(statusCodes: [200])
        #expect(box.lines.count == 2)
        #expect(box.lines[1].contains("level=info event=peer_state peer=http://peer-b:8761/eureka/ from=down to=up suppressed=3"))
        hooked.replicator.close()
    }
}
