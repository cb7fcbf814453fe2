import Testing
@testable import Server

/// An OpenChannel that records what the hub sends it.
final class RecordingChannel: OpenChannel {
    enum Sent {
        case bytes([UInt8])
        case shared(SharedBytes)
    }

    var queuedBytes = 0
    private(set) var sent: [Sent] = []
    private(set) var closed = false
    private(set) var finished = false
    var onClose: (() -> Void)?
    var onDrain: (() -> Void)?

    func send(_ fill: (inout ByteBuffer) -> Void) {
        var buffer = ByteBuffer()
        fill(&buffer)
        sent.append(.bytes(Array(buffer.bytes)))
        buffer.release()
    }

    func send(shared: SharedBytes) { sent.append(.shared(shared)) }

    func close() {
        guard !closed else { return }
        closed = true
        onClose?()
    }

    func finish() { finished = true }

    var sharedSent: [SharedBytes] {
        sent.compactMap { if case .shared(let bytes) = $0 { return bytes } else { return nil } }
    }

    /// Every byte sent, in order, as text.
    var text: String {
        var all: [UInt8] = []
        for item in sent {
            switch item {
            case .bytes(let bytes): all += bytes
            case .shared(let shared): all += Array(shared.raw)
            }
        }
        return String(decoding: all, as: UTF8.self)
    }
}

/// StreamHub on a test loop with a manual clock and runner: sharing, bounds, ordering around a snapshot, keep-alive.
@Suite struct StreamHubTests {
    static func makeHub(_ loop: EventLoop, _ h: RegistryHarness, runner: OffLoopRunner = InlineRunner(),
                        configure: (inout StreamHub.Settings) -> Void = { _ in }) throws -> StreamHub {
        var settings = StreamHub.Settings()
        configure(&settings)
        let hub = try StreamHub(loop: loop, registry: h.registry, runner: runner, settings: settings)
        h.registry.onEvent = { [unowned hub] in hub.heard($0) }
        return hub
    }

    @Test func oneChangeIsEncodedOnceForEveryStreamItConcerns() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let hub = try Self.makeHub(loop, h)
        let all1 = RecordingChannel(), all2 = RecordingChannel(), billing = RecordingChannel(), byVip = RecordingChannel()
        hub.open(all1, filter: StreamFilter(), resumeFrom: nil)
        hub.open(all2, filter: StreamFilter(), resumeFrom: nil)
        hub.open(billing, filter: StreamFilter(apps: ["billing"]), resumeFrom: nil)
        hub.open(byVip, filter: StreamFilter(vips: ["orders-vip"]), resumeFrom: nil)
        let before = (all1.sharedSent.count, billing.sharedSent.count, byVip.sharedSent.count)
        h.register(instance("o1", vip: "orders-vip"))
        let event = try #require(all1.sharedSent.last)
        #expect(all1.sharedSent.count == before.0 + 1)
        #expect(all2.sharedSent.last === event)
        #expect(byVip.sharedSent.last === event)
        #expect(byVip.sharedSent.count == before.2 + 1)
        #expect(billing.sharedSent.count == before.1)
        #expect(hub.metrics.subscribers == 4)
        hub.stop()
        #expect(all1.finished && billing.finished)
        #expect(all1.text.hasSuffix("0\r\n\r\n"))
        loop.run()  // the timers' close callbacks
        expectLoopClosesClean(loop)
    }

    @Test func changesDuringTheSnapshotsEncodingFollowItInOrder() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let runner = ManualRunner()
        let hub = try Self.makeHub(loop, h, runner: runner)
        h.register(instance("a"))
        let channel = RecordingChannel()
        hub.open(channel, filter: StreamFilter(), resumeFrom: nil)  // one slice: copied now, encoding held
        let copiedAt = h.registry.latestChangeSequence
        h.register(instance("b"))
        h.register(instance("c"))
        #expect(!channel.text.contains("event:"))
        runner.finishAll()
        let text = channel.text
        let snapshot = try #require(text.range(of: "event: snapshot\nid: \(copiedAt)\n"))
        let b = try #require(text.range(of: "event: change\nid: \(copiedAt + 1)\n"))
        let c = try #require(text.range(of: "event: change\nid: \(copiedAt + 2)\n"))
        #expect(snapshot.lowerBound < b.lowerBound && b.lowerBound < c.lowerBound)
        #expect(text.components(separatedBy: "event: ").count == 4)  // the snapshot and two changes, once each
        hub.stop()
        loop.run()  // the timers' close callbacks
        expectLoopClosesClean(loop)
    }

    @Test func aStreamPastItsBoundIsClosedAndTheOthersKeepReceiving() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let hub = try Self.makeHub(loop, h) { $0.maxQueuedBytes = 4_096 }
        let slow = RecordingChannel(), fast = RecordingChannel()
        hub.open(slow, filter: StreamFilter(), resumeFrom: nil)
        hub.open(fast, filter: StreamFilter(), resumeFrom: nil)
        slow.onDrain?()
        fast.onDrain?()  // the snapshots left: no allowance any more
        slow.queuedBytes = 4_000
        h.register(instance("a"))
        #expect(slow.closed)
        #expect(!fast.closed)
        #expect(hub.metrics.subscribersDropped == 1)
        #expect(hub.metrics.subscribers == 1)
        h.register(instance("b"))
        #expect(fast.text.contains("\"instanceId\":\"b\""))
        hub.stop()
        loop.run()  // the timers' close callbacks
        expectLoopClosesClean(loop)
    }

    @Test func aQuietStreamGetsKeepAlives() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let hub = try Self.makeHub(loop, h) { $0.keepAliveMs = 10 }
        let channel = RecordingChannel()
        hub.open(channel, filter: StreamFilter(), resumeFrom: nil)
        let stopper = try LoopTimer(loop: loop)
        stopper.start(afterMs: 60, repeatMs: 0) {
            hub.stop()
            stopper.close()
        }
        loop.run()
        #expect(channel.text.contains(": keep-alive\n\n"))
        expectLoopClosesClean(loop)
    }
}
