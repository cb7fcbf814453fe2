import Testing
@testable import Server

/// The loop work of an anti-entropy round is bounded (docs/anti-entropy.md, "Loop work"): a digest answer collects at
/// most `maxDigestStates` states on the loop (whole applications) and its JSON is parsed on the pool, and a truncated
/// answer brings the next round forward to one second. Counted in states and jobs, not in time.
@Suite struct AntiEntropyLoopBoundTests {
    @Test func theAnswerCollectsAtMostTheCapWhenEveryApplicationDiffers() {
        let harness = RegistryHarness { $0.tombstoneRetentionMs = 600_000 }
        for app in 0..<100 {
            for index in 0..<100 { harness.register(instance("i\(index)", app: "APP\(app)")) }
        }
        let reply = harness.registry.digestReply(to: [:], limit: EurekaAPI.maxDigestStates)
        #expect(reply.truncated)
        #expect(reply.stateCount == EurekaAPI.maxDigestStates)
        #expect(EurekaAPI.maxDigestStates <= 2_000)  // the measured bound (bench/RESULTS.md); 10,000 held the loop 19 ms
        // Rounds until every application was sent: the cap bounds each, the random start spreads them.
        var seen = Set<String>()
        var rounds = 0
        while seen.count < 100, rounds < 1_000 {
            rounds += 1
            seen.formUnion(harness.registry.digestReply(to: [:], limit: EurekaAPI.maxDigestStates).apps.map(\.name))
        }
        #expect(seen.count == 100)
    }

    final class Rig {
        let harness = RegistryHarness { $0.tombstoneRetentionMs = 600_000 }
        let transport = RecordingTransport()
        let wakeup = ManualWakeup()
        let runner = ManualRunner()
        var submitted: [String] = []
        lazy var peer = AntiEntropyPeer(
            url: try! PeerURL(parsing: "http://127.0.0.1:1/eureka/"), settings: .init(intervalMs: 30_000, node: "me:1"),
            transport: transport, registry: harness.registry, wakeup: wakeup, runner: runner) { [unowned self] _, id, _, _ in
                submitted.append(id)
            }

        func answer(_ reply: DigestReply) {
            transport.digests.removeFirst().completion(.response(status: 200, body: DigestCodec.encodeReply(reply)))
        }
    }

    @Test func theAnswerIsParsedOnThePoolAndComparedWhenItComesBack() {
        let rig = Rig()
        rig.harness.register(instance("a", dirty: 10))
        rig.peer.start()
        rig.wakeup.fire()
        rig.answer(DigestReply(apps: [.init(name: "ORDERS", states: [], tombstones: [])]))
        #expect(rig.runner.queued == 1)
        #expect(rig.submitted.isEmpty)  // nothing compared on the loop turn that read the answer
        rig.wakeup.fire()
        #expect(rig.peer.rounds[.skipped] == 1)  // still one round: it waits for its parse
        rig.runner.finishAll()
        #expect(rig.submitted == ["a"])
        #expect(rig.peer.rounds[.repaired] == 1)
    }

    @Test func aTruncatedAnswerBringsTheNextRoundForwardToOneSecond() throws {
        let rig = Rig()
        rig.harness.register(instance("a", dirty: 10))
        rig.peer.start()
        rig.wakeup.fire()
        rig.answer(DigestReply(apps: [.init(name: "ORDERS", states: [], tombstones: [])], truncated: true))
        rig.runner.finishAll()
        #expect(try #require(rig.wakeup.armed?.afterMs) == 1_000)
        rig.wakeup.fire()
        #expect(rig.transport.digests.count == 1)
        rig.answer(DigestReply())
        rig.runner.finishAll()
        #expect(try #require(rig.wakeup.armed?.afterMs) > 20_000)  // whole answer: back to the interval
    }
}
