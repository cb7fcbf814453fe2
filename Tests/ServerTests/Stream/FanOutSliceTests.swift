import Testing
@testable import Server

/// A change's fan-out in bounded slices across loop turns (docs/change-stream.md, "The cost of a fan-out to the
/// rest of the node"): per turn at most the slice is written, per stream the order and at-most-once hold, a stream
/// closed or past its bound between slices is skipped, and stop() still writes everything.
@Suite struct FanOutSliceTests {
    static let slice = 4
    static let streamCount = 10

    /// Counts the sends to `channels` per loop turn. Made before the hub: libuv runs prepare handles newest first,
    /// so this one runs after the hub's (which ends the hub's turn) and each count is one whole turn of the hub.
    final class TurnCounter {
        private let channels: [RecordingChannel]
        private var counted = 0
        private(set) var writesPerTurn: [Int] = []
        private var handle: LoopTurnEnd?

        init(loop: EventLoop, channels: [RecordingChannel], baseline: Int) throws {
            self.channels = channels
            counted = baseline
            handle = try LoopTurnEnd(loop: loop) { [unowned self] in count() }
        }

        var total: Int { channels.reduce(0) { $0 + $1.sent.count } }

        /// Writes so far are not the fan-out's.
        func reset() { counted = total }

        func count() {
            let now = total
            if now != counted { writesPerTurn.append(now - counted) }
            counted = now
        }

        func close() { handle?.close() }
    }

    struct Fixture {
        let loop: EventLoop
        let h: RegistryHarness
        let hub: StreamHub
        let channels: [RecordingChannel]
        let counter: TurnCounter
    }

    static func makeFixture(maxQueuedBytes: Int = 1 << 20, maxPendingVisits: Int = 1_000) throws -> Fixture {
        let loop = try makeTestLoop()
        let h = RegistryHarness()
        let channels = (0..<streamCount).map { _ in RecordingChannel() }
        let counter = try TurnCounter(loop: loop, channels: channels, baseline: 0)
        let hub = try StreamHubTests.makeHub(loop, h) {
            $0.fanOutSliceStreams = slice
            $0.maxQueuedBytes = maxQueuedBytes
            $0.maxPendingFanOutVisits = maxPendingVisits
        }
        for channel in channels { hub.open(channel, filter: StreamFilter(), resumeFrom: nil) }
        for channel in channels { channel.onDrain?() }  // the snapshots left: no allowance any more
        counter.reset()  // the opening writes are not the fan-out's
        return Fixture(loop: loop, h: h, hub: hub, channels: channels, counter: counter)
    }

    /// Runs the loop for `ms` firings of a 1 ms timer, then calls `atEnd` and stops the hub. Counted in firings, each
    /// in a loop turn of its own, not as one deadline: the loop's clock is cached from when the fixture was made, so
    /// under a sanitizer's slowdown a single 30 ms deadline fell due in the first turn (TSan run in CI).
    static func run(_ f: Fixture, ms: UInt64 = 30, atEnd: @escaping () -> Void = {}) throws {
        let stopper = try LoopTimer(loop: f.loop)
        var firings: UInt64 = 0
        stopper.start(afterMs: 1, repeatMs: 1) {
            firings += 1
            guard firings >= ms else { return }
            f.counter.count()
            atEnd()
            f.hub.stop()
            f.counter.close()
            stopper.close()
        }
        f.loop.run()
        expectLoopClosesClean(f.loop)
    }

    static func has(_ channel: RecordingChannel, _ id: String) -> Bool {
        channel.text.contains("\"instanceId\":\"\(id)\"")
    }

    @Test func aFanOutWritesAtMostTheSlicePerLoopTurn() throws {
        let f = try Self.makeFixture()
        f.h.register(instance("a"))
        #expect(f.channels.filter { Self.has($0, "a") }.count == Self.slice)  // the first slice leaves at once
        var receivedBeforeStop = 0
        try Self.run(f) { receivedBeforeStop = f.channels.filter { Self.has($0, "a") }.count }
        #expect(receivedBeforeStop == Self.streamCount)  // the loop turns delivered it, not stop()
        #expect(f.counter.writesPerTurn.reduce(0, +) == Self.streamCount, "\(f.counter.writesPerTurn)")
        #expect(f.counter.writesPerTurn.allSatisfy { $0 <= Self.slice }, "\(f.counter.writesPerTurn)")
        #expect(f.counter.writesPerTurn.count >= (Self.streamCount + Self.slice - 1) / Self.slice)
        #expect(f.hub.metrics.eventsSent >= Self.streamCount)
    }

    @Test func twoChangesPublishedBackToBackKeepTheirOrderOnEveryStream() throws {
        let f = try Self.makeFixture()
        f.h.register(instance("a"))
        f.h.register(instance("b"))  // published while a's fan-out is still being sliced
        try Self.run(f)
        for channel in f.channels {
            let text = channel.text
            let a = try #require(text.range(of: "\"instanceId\":\"a\""))
            let b = try #require(text.range(of: "\"instanceId\":\"b\""))
            #expect(a.lowerBound < b.lowerBound)
            #expect(text.components(separatedBy: "event: change").count == 3)  // each once
        }
        #expect(f.counter.writesPerTurn.allSatisfy { $0 <= Self.slice }, "\(f.counter.writesPerTurn)")
    }

    @Test func aStreamClosedBetweenSlicesGetsNothingMore() throws {
        let f = try Self.makeFixture()
        f.h.register(instance("a"))
        let closing = try #require(f.channels.first { !Self.has($0, "a") })
        closing.close()  // as its client hanging up would
        let sentAtClose = closing.sent.count
        try Self.run(f)
        #expect(closing.sent.count == sentAtClose)
        #expect(f.channels.filter { Self.has($0, "a") }.count == Self.streamCount - 1)
    }

    @Test func theBoundStillClosesASlowStreamReachedInALaterSlice() throws {
        let f = try Self.makeFixture(maxQueuedBytes: 4_096)
        f.h.register(instance("a"))
        let slow = try #require(f.channels.first { !Self.has($0, "a") })
        slow.queuedBytes = 4_000  // its reader stopped while the first slice was written
        var droppedBeforeStop = 0
        try Self.run(f) { droppedBeforeStop = f.hub.metrics.subscribersDropped }
        #expect(slow.closed)
        #expect(!Self.has(slow, "a"))
        #expect(droppedBeforeStop == 1)
        #expect(f.channels.filter { Self.has($0, "a") }.count == Self.streamCount - 1)
    }

    @Test func stopWritesWhatIsStillToBeSliced() throws {
        let f = try Self.makeFixture()
        f.h.register(instance("a"))
        f.h.register(instance("b"))
        f.hub.stop()
        for channel in f.channels {
            #expect(Self.has(channel, "a") && Self.has(channel, "b"))
            #expect(channel.text.hasSuffix("0\r\n\r\n"))
        }
        f.counter.close()
        f.loop.run()  // the handles' close callbacks
        expectLoopClosesClean(f.loop)
    }

    @Test func aBacklogPastItsBoundIsWrittenAtOnceSoWritersAreSlowedInstead() throws {
        let f = try Self.makeFixture(maxPendingVisits: 12)
        let before = f.hub.metrics.eventsSent
        f.h.register(instance("a"))  // 6 visits left pending
        #expect(f.hub.metrics.eventsSent - before == Self.slice)
        f.h.register(instance("b"))  // 16 pending, past 12: every stream is visited before the write returns
        #expect(f.hub.metrics.eventsSent - before == 2 * Self.streamCount)
        for channel in f.channels { #expect(Self.has(channel, "a")) }
        try Self.run(f)
        // One turn wrote it all (b collected behind a on each stream, written as the turn ended): past the bound
        // the backlog does not wait for later turns.
        #expect(f.counter.writesPerTurn.first == 2 * Self.streamCount, "\(f.counter.writesPerTurn)")
        for channel in f.channels {
            #expect(channel.text.components(separatedBy: "event: change").count == 3)  // each once, in order
            let a = try #require(channel.text.range(of: "\"instanceId\":\"a\""))
            let b = try #require(channel.text.range(of: "\"instanceId\":\"b\""))
            #expect(a.lowerBound < b.lowerBound)
        }
    }
}
