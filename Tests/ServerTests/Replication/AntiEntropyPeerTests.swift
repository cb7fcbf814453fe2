import Testing
@testable import Server

/// The sending side of docs/anti-entropy.md with a recording transport and a hand-fired wake-up: a round sends the
/// hashes, pushes what the compare step finds into the peer's queue, waits for its answer before the next, and
/// leaves a peer that answers 404 alone for 10 intervals.
@Suite struct AntiEntropyPeerTests {
    final class Rig {
        let harness = RegistryHarness { $0.tombstoneRetentionMs = 600_000 }
        let transport = RecordingTransport()
        let wakeup = ManualWakeup()
        var submitted: [(app: String, id: String, action: ReplicationAction)] = []
        lazy var peer = AntiEntropyPeer(
            url: try! PeerURL(parsing: "http://127.0.0.1:1/eureka/"), settings: .init(intervalMs: 10_000, node: "me:1"),
            transport: transport, registry: harness.registry, wakeup: wakeup) { [unowned self] app, id, action, _ in
                submitted.append((app, id, action))
            }

        func answer(_ reply: DigestReply) {
            transport.digests.removeFirst().completion(.response(status: 200, body: DigestCodec.encodeReply(reply)))
        }
    }

    @Test func aRoundSendsTheHashesAndPushesWhatThePeerLacks() throws {
        let rig = Rig()
        rig.harness.register(instance("a", dirty: 10))
        rig.peer.start()
        let delay = try #require(rig.wakeup.armed?.afterMs)
        #expect((9_000...11_000).contains(delay))  // jittered by up to 10%
        rig.wakeup.fire()
        let sent = try #require(rig.transport.digests.first?.request)
        #expect(sent.node == "me:1")
        #expect(sent.hashes == rig.harness.registry.applicationHashes)
        rig.answer(DigestReply(apps: [.init(name: "ORDERS", states: [], tombstones: [])]))
        #expect(rig.submitted.count == 1)
        guard case .register(let record)? = rig.submitted.first?.action else { Issue.record("no register pushed"); return }
        #expect(record.effectiveId == "a" && record.lastDirtyTimestamp == 10)
        #expect(rig.peer.rounds[.repaired] == 1 && rig.peer.repairs["register"] == 1)
    }

    @Test func aCancelTheCompareFindsIsPushedAsACancel() {
        let rig = Rig()
        rig.harness.register(instance("gone", dirty: 10))
        _ = rig.harness.registry.cancel(app: "ORDERS", id: "gone", isReplication: false)
        rig.peer.start()
        rig.wakeup.fire()
        rig.answer(DigestReply(apps: [.init(name: "ORDERS", states: [
            InstanceDigestState(id: "gone", lastDirtyTimestamp: 10, status: .up, overriddenStatus: .unknown, overrideChangedAt: 0)],
            tombstones: [])]))
        #expect(rig.submitted.map(\.id) == ["gone"])
        #expect(rig.submitted.first?.action == .cancel)
    }

    @Test func nothingDifferentMeansInSyncAndNothingPushed() {
        let rig = Rig()
        rig.peer.start()
        rig.wakeup.fire()
        rig.answer(DigestReply())
        #expect(rig.submitted.isEmpty)
        #expect(rig.peer.rounds[.inSync] == 1)
    }

    @Test func aTickWhileTheRoundWaitsIsSkipped() {
        let rig = Rig()
        rig.peer.start()
        rig.wakeup.fire()
        rig.wakeup.fire()
        #expect(rig.transport.digests.count == 1)
        #expect(rig.peer.rounds[.skipped] == 1)
        rig.answer(DigestReply())
        rig.wakeup.fire()
        #expect(rig.transport.digests.count == 1)  // a new round went out, the old one was answered
    }

    @Test func aPeerAnswering404IsAskedAgainOnlyEveryTenIntervals() {
        let rig = Rig()
        rig.peer.start()
        rig.wakeup.fire()
        rig.transport.digests.removeFirst().completion(.response(status: 404, body: []))
        #expect(!rig.peer.speaksAntiEntropy)
        for _ in 0..<9 { rig.wakeup.fire() }
        #expect(rig.transport.digests.isEmpty)
        rig.wakeup.fire()
        #expect(rig.transport.digests.count == 1)
        rig.answer(DigestReply())
        #expect(rig.peer.speaksAntiEntropy)
        rig.wakeup.fire()
        #expect(rig.transport.digests.count == 1)  // speaking again: every interval
        #expect(rig.peer.rounds[.notSpeaking] == 1)
    }

    @Test func failuresAndUnreadableAnswersCountAsFailedAndTheNextIntervalTriesAgain() {
        let rig = Rig()
        rig.peer.start()
        rig.wakeup.fire()
        rig.transport.digests.removeFirst().completion(.failure(.refused))
        rig.wakeup.fire()
        rig.transport.digests.removeFirst().completion(.response(status: 200, body: Array("{".utf8)))
        rig.wakeup.fire()
        rig.transport.digests.removeFirst().completion(.response(status: 500, body: []))
        #expect(rig.peer.rounds[.failed] == 3)
        #expect(rig.submitted.isEmpty)
    }

    @Test func closingStopsTheRounds() {
        let rig = Rig()
        rig.peer.start()
        rig.peer.close()
        #expect(rig.wakeup.closed)
        rig.peer.tick()
        #expect(rig.transport.digests.isEmpty)
    }
}
