import Testing
@testable import Server

/// The start-up sync of spec 5.6 / 7.9 against transports the test answers.
@Suite struct StartupSyncTests {
    private func registryBody(_ instances: [InstanceInfo]) -> [UInt8] {
        let apps = Dictionary(grouping: instances, by: \.app).map { Application(name: $0.key, instances: $0.value) }
        return ApplicationsCodec.encode(Applications(versionsDelta: 1, appsHashCode: "", applications: apps), format: .json, representation: .full)
    }

    private func makeSync(_ h: RegistryHarness, peers: [RecordingTransport], retries: Int = 3, slice: Int = 2_000)
        -> (StartupSync, ManualWakeup) {
        let wakeup = ManualWakeup()
        let sync = StartupSync(settings: .init(retries: retries, retryWaitMs: 30_000, registrationsPerSlice: slice), peers: peers,
                               registry: h.registry, time: h.clock, runner: InlineRunner(), wakeup: wakeup)
        return (sync, wakeup)
    }

    @Test func everyInstanceOfEveryAnsweringPeerIsCopiedAsAReplicationWhateverItsStatus() {
        let h = RegistryHarness()
        let (b, c) = (RecordingTransport(), RecordingTransport())
        let (sync, _) = makeSync(h, peers: [b, c])
        var result: StartupSync.Result?
        sync.start { result = $0 }
        #expect(b.fetches.count == 1 && c.fetches.count == 1)
        var down = instance("x", status: .down, dirty: 1)
        down.overriddenStatus = .outOfService
        b.fetches[0](.response(status: 200, body: registryBody([instance("a", dirty: 5), down])))
        #expect(result == nil)  // c has not answered yet
        c.fetches[0](.response(status: 403, body: []))  // a starting peer: an answer all the same
        #expect(result == StartupSync.Result(copied: 2, anyPeerAnswered: true, attempts: 1))
        #expect(h.stored("a") != nil)
        #expect(h.registry.overriddenStatuses.map(\.status) == [.outOfService])
        #expect(h.events.allSatisfy { $0.replication == nil })  // nothing copied is sent on
        #expect(b.closed && c.closed)
    }

    @Test func onlyNetworkFailuresRetryAndTheLastAttemptEndsIt() {
        let h = RegistryHarness()
        let b = RecordingTransport()
        let (sync, wakeup) = makeSync(h, peers: [b], retries: 2)
        var result: StartupSync.Result?
        sync.start { result = $0 }
        b.fetches[0](.failure(.refused))
        #expect(result == nil)
        #expect(wakeup.armed?.afterMs == 30_000)
        wakeup.fire()
        #expect(b.fetches.count == 2)
        b.fetches[1](.failure(.connectTimeout))
        #expect(result == StartupSync.Result(copied: 0, anyPeerAnswered: false, attempts: 2))
    }

    @Test func largeCopiesAreRegisteredInSlices() {
        let h = RegistryHarness()
        let b = RecordingTransport()
        let (sync, wakeup) = makeSync(h, peers: [b], slice: 10)
        var result: StartupSync.Result?
        sync.start { result = $0 }
        b.fetches[0](.response(status: 200, body: registryBody((0..<25).map { instance("i\($0)") })))
        #expect(h.registry.instanceCount == 10)
        #expect(wakeup.armed?.afterMs == 1, "a later loop turn, not a 0 ms chain libuv would run in one timer pass")
        wakeup.fire()
        wakeup.fire()
        #expect(h.registry.instanceCount == 25)
        #expect(result?.copied == 25)
    }

    @Test func aNewerLocalCopyWinsOverAnOlderPeerCopy() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 9_000))
        let b = RecordingTransport()
        let (sync, _) = makeSync(h, peers: [b])
        sync.start { _ in }
        b.fetches[0](.response(status: 200, body: registryBody([instance("a", dirty: 1_000)])))
        #expect(h.stored("a")?.lastDirtyTimestamp == 9_000)
    }
}
