import Testing
@testable import Server

/// An OpenChannel that records what the hub sends it.
final class RecordingChannel: OpenChannel {
    enum Sent {
        case bytes([UInt8])
        case shared(SharedBytes)
        /// Several shared runs sent together (the later changes of one loop turn).
        case batch([SharedBytes])
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

    func send(shared: [SharedBytes]) { sent.append(.batch(shared)) }

    func close() {
        guard !closed else { return }
        closed = true
        onClose?()
    }

    func finish() { finished = true }

    var sharedSent: [SharedBytes] {
        sent.flatMap { item -> [SharedBytes] in
            switch item {
            case .bytes: return []
            case .shared(let bytes): return [bytes]
            case .batch(let parts): return parts
            }
        }
    }

    /// Every byte sent, in order, as text.
    var text: String {
        var all: [UInt8] = []
        for item in sent {
            switch item {
            case .bytes(let bytes): all += bytes
            case .shared(let shared): all += Array(shared.raw)
            case .batch(let parts): for part in parts { all += Array(part.raw) }
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
        h.register(instance("b"))  // a later change of the same turn: written when the turn ends, or at stop
        hub.stop()
        #expect(fast.text.contains("\"instanceId\":\"b\""))
        loop.run()  // the timers' close callbacks
        expectLoopClosesClean(loop)
    }

    @Test func theFirstChangeOfATurnGoesAtOnceAndTheLaterOnesTogetherWhenItEnds() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let hub = try Self.makeHub(loop, h)
        let channel = RecordingChannel()
        hub.open(channel, filter: StreamFilter(), resumeFrom: nil)
        let before = channel.sent.count
        h.register(instance("a"))
        #expect(channel.sent.count == before + 1)
        h.register(instance("b"))
        h.register(instance("c"))
        #expect(channel.sent.count == before + 1)  // collected, not written yet
        var atTurnEnd: [RecordingChannel.Sent] = []
        // Polled, not one fixed deadline: on a busy machine a 5 ms timer could fall due before the loop's first turn
        // ended (the loop's clock is cached from before the test thread was preempted).
        let stopper = try LoopTimer(loop: loop)
        var polls = 0
        stopper.start(afterMs: 1, repeatMs: 1) {
            polls += 1
            guard channel.sent.count >= before + 2 || polls >= 2_000 else { return }
            atTurnEnd = Array(channel.sent[before...])
            hub.stop()
            stopper.close()
        }
        loop.run()
        #expect(atTurnEnd.count == 2)
        guard atTurnEnd.count == 2, case .shared(let first) = atTurnEnd[0], case .batch(let later) = atTurnEnd[1] else {
            Issue.record("expected one event, then one batch: \(atTurnEnd)")
            return
        }
        #expect(String(decoding: first.raw, as: UTF8.self).contains("\"instanceId\":\"a\""))
        #expect(later.count == 2)
        #expect(later.first.map { String(decoding: $0.raw, as: UTF8.self).contains("\"instanceId\":\"b\"") } == true)
        #expect(later.last.map { String(decoding: $0.raw, as: UTF8.self).contains("\"instanceId\":\"c\"") } == true)
        #expect(hub.metrics.eventsSent >= 3)
        expectLoopClosesClean(loop)
    }

    @Test func collectedChangesCountAgainstTheQueueBound() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let hub = try Self.makeHub(loop, h) { $0.maxQueuedBytes = 8_192 }
        let probe = RecordingChannel(), slow = RecordingChannel()
        hub.open(probe, filter: StreamFilter(), resumeFrom: nil)
        hub.open(slow, filter: StreamFilter(), resumeFrom: nil)
        probe.onDrain?()
        slow.onDrain?()  // the snapshots left: no allowance any more
        h.register(instance("a"))  // at once, to both
        let size = try #require(probe.sharedSent.last).count
        slow.queuedBytes = 8_192 - size - size / 2  // room for one more event, not two
        h.register(instance("b"))  // collected: fits
        #expect(!slow.closed)
        h.register(instance("c"))  // collected: b's bytes count, so it would pass the bound
        #expect(slow.closed)
        #expect(!probe.closed)
        #expect(hub.metrics.subscribersDropped == 1)
        hub.stop()
        #expect(!slow.text.contains("\"instanceId\":\"b\""))  // a dropped stream is sent nothing more
        #expect(probe.text.contains("\"instanceId\":\"c\""))
        loop.run()  // the timers' close callbacks
        expectLoopClosesClean(loop)
    }

    @Test func aQuietStreamGetsKeepAlives() throws {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let hub = try Self.makeHub(loop, h) { $0.keepAliveMs = 10 }
        let channel = RecordingChannel()
        hub.open(channel, filter: StreamFilter(), resumeFrom: nil)
        // Polled until the first keep-alive or 2 s: a fixed 60 ms deadline flaked on a busy machine.
        let stopper = try LoopTimer(loop: loop)
        var polls = 0
        stopper.start(afterMs: 5, repeatMs: 5) {
            polls += 1
            guard channel.text.contains(": keep-alive\n\n") || polls >= 400 else { return }
            hub.stop()
            stopper.close()
        }
        loop.run()
        #expect(channel.text.contains(": keep-alive\n\n"))
        expectLoopClosesClean(loop)
    }
}
