/// The change stream and the long-poll delta of one node (docs/change-stream.md): the open streams, indexed by
/// what their filters name so a change visits only the streams it concerns; the held delta requests; one
/// keep-alive timer for every stream. Each change is encoded once and the same bytes go, by reference, to every
/// stream that passes it. Owned by the node; loop thread only.
final class StreamHub {
    struct Settings: Sendable {
        var maxQueuedBytes = 1 << 20
        var maxSubscribers = 10_000
        var keepAliveMs: UInt64 = 15_000
        /// Resuming replays at most this many entries; further behind, a snapshot is cheaper than the replay,
        /// which is encoded on the loop (about 5 us an entry).
        var maxReplayEntries = 1_000
        var snapshotSliceRecords = ResponseCache.Settings.defaultSnapshotSliceRecords
        var fanOutSliceStreams = StreamHub.defaultFanOutSliceStreams
        var maxPendingFanOutVisits = StreamHub.defaultMaxPendingFanOutVisits
    }

    /// At most this many streams are visited for changes per loop turn; the rest of a fan-out waits for the next
    /// turns, after the loop polled. A send to a stream costs ~14 us on loopback (bench/RESULTS.md), so a slice holds
    /// the loop ~14 ms: a heartbeat or fetch arriving during a fan-out to 10,000 streams waits for one slice, not
    /// ~140 ms for all of it. Smaller slices would shorten that wait but add loop turns (each with its poll and
    /// timers) to the fan-out, so the last stream would hear of the change later.
    static let defaultFanOutSliceStreams = 1_000

    /// At most this many stream visits wait in pending fan-outs (ten changes to 10,000 streams, ~1.4 s of sends and
    /// ~0.8 MB of references). Past it, a publish writes the whole backlog at once: the loop is held and the write
    /// that made the change is answered late, so writers offering more changes than the node can fan out are slowed
    /// down (as they were before the fan-out was sliced) instead of the backlog growing without bound.
    static let defaultMaxPendingFanOutVisits = 100_000

    struct Metrics: Sendable {
        var subscribers = 0
        var heldPolls = 0
        var eventsSent = 0
        /// Streams closed because their queue would have passed the bound.
        var subscribersDropped = 0
        var snapshotsSent = 0
    }

    let settings: Settings
    private unowned let registry: InstanceRegistry
    private let runner: OffLoopRunner
    private let keepAliveTimer: LoopTimer
    private let snapshots: StreamSnapshots
    let polls: HeldPolls
    private var subscribers: [ObjectIdentifier: StreamSubscriber] = [:]
    /// Streams without a filter, and streams by each application and VIP their filter names.
    private var unfiltered: [ObjectIdentifier: StreamSubscriber] = [:]
    private var byApp: [String: [ObjectIdentifier: StreamSubscriber]] = [:]
    private var byVip: [String: [ObjectIdentifier: StreamSubscriber]] = [:]
    private static let keepAliveBytes = SharedBytes(StreamFraming.keepAlive)
    private var eventsSent = 0
    private var subscribersDropped = 0
    private var snapshotsSent = 0
    private var stopped = false
    /// The fan-outs not yet written to every stream they concern, oldest first (`fanOutHead` is the oldest): each
    /// stream receives events only in this order, so per stream they stay in sequence order.
    private var fanOuts: [FanOut] = []
    private var fanOutHead = 0
    /// Stream visits still to make in `fanOuts`, bounded by `maxPendingFanOutVisits`.
    private var pendingVisits = 0
    /// What this loop turn may still visit (`visit`'s costs); refilled when the turn ends.
    private var turnBudget: Int
    /// Numbers loop turns, so that a stream's second change of a turn is collected, not sent (`sentInTurn`).
    private var turn: UInt64 = 1
    private var draining = false
    /// Streams holding changes of this turn in `turnEvents`, written when it ends.
    private var collected: [StreamSubscriber] = []
    /// Where a loop turn ends (just before the loop polls): the turn's collected changes leave and the next
    /// slice is written.
    private let turnEnd: LoopTurnEnd
    /// Started while fan-outs are pending, so that the poll between two slices does not sleep.
    private let wakeTimer: LoopTimer

    /// One change on its way to the streams it concerned when it was published.
    private struct FanOut {
        var event: SharedBytes
        var sequence: UInt64
        var streams: [StreamSubscriber]
        var next = 0
    }

    init(loop: EventLoop, registry: InstanceRegistry, runner: OffLoopRunner, settings: Settings) throws(UVError) {
        self.settings = settings
        self.registry = registry
        self.runner = runner
        snapshots = StreamSnapshots(registry: registry, runner: runner, sliceRecords: settings.snapshotSliceRecords)
        turnBudget = settings.fanOutSliceStreams
        keepAliveTimer = try LoopTimer(loop: loop)
        do throws(UVError) { wakeTimer = try LoopTimer(loop: loop) } catch {
            keepAliveTimer.close()
            throw error
        }
        do throws(UVError) { polls = try HeldPolls(loop: loop) } catch {
            keepAliveTimer.close()
            wakeTimer.close()
            throw error
        }
        weak var endsTurns: StreamHub?
        do throws(UVError) { turnEnd = try LoopTurnEnd(loop: loop) { endsTurns?.endTurn() } } catch {
            keepAliveTimer.close()
            wakeTimer.close()
            polls.stop()
            throw error
        }
        endsTurns = self
        snapshots.onCopied = { [unowned self] sequence, waiting in copied(at: sequence, waiting) }
        snapshots.onEncoded = { [unowned self] sequence, document, waiting in sendSnapshot(document, at: sequence, to: waiting) }
        keepAliveTimer.start(afterMs: settings.keepAliveMs, repeatMs: settings.keepAliveMs) { [unowned self] in keepAlive() }
    }

    var metrics: Metrics {
        Metrics(subscribers: subscribers.count, heldPolls: polls.count, eventsSent: eventsSent,
                subscribersDropped: subscribersDropped, snapshotsSent: snapshotsSent)
    }

    /// Streams and held requests share one limit.
    var hasRoom: Bool { !stopped && subscribers.count + polls.count < settings.maxSubscribers }

    // MARK: opening

    /// Takes over `channel`: the response head, then the entries after `resumeFrom` when the recently-changed list
    /// still holds them all (and they are few enough), else a snapshot.
    func open(_ channel: OpenChannel, filter: StreamFilter, resumeFrom: UInt64?) {
        guard !stopped else { return channel.close() }
        let subscriber = StreamSubscriber(channel: channel, filter: filter, phase: .awaitingCopy)
        channel.send { $0.append(StreamFraming.head) }
        add(subscriber)
        // The subscriber is held strongly: the channel lets go of both callbacks when it closes or finishes, which
        // ends the cycle. Not weak: a weakly referenced object moves its reference counts to a side table, and then
        // every retain and release of it takes the slow path (callgrind: ~450 instructions per event of the fan-out
        // went to reference counting). A dropped stream is gone from the hub before its close callback comes;
        // `remove` ignores it then.
        channel.onClose = { [weak self] in self?.remove(subscriber) }
        channel.onDrain = { [weak self] in
            subscriber.allowance = 0
            self?.releaseDocument(of: subscriber)
        }
        if let resumeFrom, let count = registry.changeCount(after: resumeFrom), count <= settings.maxReplayEntries,
           let changes = registry.changes(after: resumeFrom) {
            subscriber.phase = .live
            subscriber.lastQueued = registry.latestChangeSequence
            for change in changes where filter.passes(change.record) {
                let bytes = StreamFraming.event("change", id: change.sequence, data: InstanceCodec.encode(change.record, format: .json))
                subscriber.allowance += bytes.count
                channel.send { $0.append(bytes) }
                eventsSent += 1
            }
            subscriber.sentSinceTick = true
        } else {
            snapshots.request(for: subscriber)
        }
    }

    private func add(_ subscriber: StreamSubscriber) {
        subscribers[subscriber.id] = subscriber
        if subscriber.filter.passesEverything { unfiltered[subscriber.id] = subscriber }
        for app in subscriber.filter.apps { byApp[app, default: [:]][subscriber.id] = subscriber }
        for vip in subscriber.filter.vips { byVip[vip, default: [:]][subscriber.id] = subscriber }
    }

    private func remove(_ subscriber: StreamSubscriber) {
        guard subscribers.removeValue(forKey: subscriber.id) != nil else { return }
        subscriber.isRemoved = true  // pending fan-outs skip it
        subscriber.turnEvents.removeAll()  // a dropped stream is sent nothing more
        subscriber.turnBytes = 0
        releaseDocument(of: subscriber)
        unfiltered[subscriber.id] = nil
        for app in subscriber.filter.apps { Self.drop(subscriber, from: &byApp, app) }
        for vip in subscriber.filter.vips { Self.drop(subscriber, from: &byVip, vip) }
    }

    private static func drop(_ subscriber: StreamSubscriber, from index: inout [String: [ObjectIdentifier: StreamSubscriber]], _ name: String) {
        index[name]?[subscriber.id] = nil
        if index[name]?.isEmpty == true { index[name] = nil }
    }

    // MARK: snapshots

    private func copied(at sequence: UInt64, _ waiting: [StreamSubscriber]) {
        for subscriber in waiting where subscribers[subscriber.id] != nil {
            subscriber.phase = .encoding(sequence: sequence, backlog: [], backlogBytes: 0)
            subscriber.lastQueued = sequence
        }
    }

    private func sendSnapshot(_ document: SharedBytes, at sequence: UInt64, to waiting: [StreamSubscriber]) {
        let framing = StreamFraming.eventAround("snapshot", id: sequence, dataLength: document.count)
        for subscriber in waiting where subscribers[subscriber.id] != nil {
            guard case .encoding(_, let backlog, let backlogBytes) = subscriber.phase else { continue }
            subscriber.phase = .live
            subscriber.allowance = framing.before.count + document.count + framing.after.count + backlogBytes
            subscriber.channel.send { $0.append(framing.before) }
            subscriber.channel.send(shared: document)
            if document.count >= ResponseCache.offLoopReleaseBytes { subscriber.sentDocument = document }
            subscriber.channel.send { $0.append(framing.after) }
            for event in backlog { subscriber.channel.send(shared: event) }
            subscriber.sentSinceTick = true
            snapshotsSent += 1
            eventsSent += 1 + backlog.count
        }
    }

    /// The snapshot document left (or never will): this reference goes on the pool, so if it is the last one,
    /// the unmapping happens there (as the response cache releases large payloads).
    private func releaseDocument(of subscriber: StreamSubscriber) {
        guard let document = subscriber.sentDocument else { return }
        subscriber.sentDocument = nil
        let handOff = HandOff(document)
        runner.run({ _ = handOff.take() }, then: { _ in })
    }

    // MARK: changes

    /// Every registry event, after the cache heard it: each change (an event that appended a recently-changed
    /// entry) goes to the streams it concerns, and held delta requests are answered.
    func heard(_ event: RegistryEvent) {
        guard event.invalidates, !stopped else { return }
        // The record (a copy, for a registration a decorated one) only when a stream may want it.
        if !subscribers.isEmpty, let sequence = registry.changeSequence(app: event.app, id: event.id),
           let record = event.record {
            // The VIPs of the record and of the one it replaced: a stream of a VIP the instance just left hears it.
            publish(record, vips: event.vipNames + event.secureVipNames, sequence: sequence)
        }
        polls.answerAll()
    }

    private func publish(_ record: InstanceInfo, vips: [Substring], sequence: UInt64) {
        // The streams it concerns are looked up first, so that the event is encoded only when someone listens.
        // They are taken now: a stream opened later gets the change in its snapshot or replay.
        var streams: [StreamSubscriber] = []
        streams.append(contentsOf: unfiltered.values)
        if let named = byApp[record.app] { streams.append(contentsOf: named.values) }
        if !byVip.isEmpty {
            for name in vips { if let named = byVip[String(name)] { streams.append(contentsOf: named.values) } }
        }
        guard !streams.isEmpty else { return }
        let event = SharedBytes(StreamFraming.event("change", id: sequence, data: InstanceCodec.encode(record, format: .json)))
        fanOuts.append(FanOut(event: event, sequence: sequence, streams: streams))
        pendingVisits += streams.count
        drain()  // what this turn's budget allows leaves at once: a change to a few streams waits for nothing
        if pendingVisits > settings.maxPendingFanOutVisits { drain(unbounded: true) }
    }

    /// Visits the pending fan-outs' streams, oldest fan-out first, while this turn's budget lasts (`unbounded`: all
    /// of them, the backlog's bound was passed).
    private func drain(unbounded: Bool = false) {
        guard !draining else { return }  // a send that closed a stream does not start another pass
        draining = true
        defer { draining = false }
        var budgetLeft = true
        while budgetLeft, fanOutHead < fanOuts.count {
            let streams = fanOuts[fanOutHead].streams
            let event = fanOuts[fanOutHead].event, sequence = fanOuts[fanOutHead].sequence
            var next = fanOuts[fanOutHead].next
            while next < streams.count {
                let cost = visitCost(streams[next])
                guard unbounded || cost <= turnBudget else {
                    budgetLeft = false
                    break
                }
                turnBudget -= cost
                visit(streams[next], with: event, sequence: sequence)
                next += 1
                pendingVisits -= 1
            }
            if next == streams.count {
                fanOuts[fanOutHead].streams = []  // its streams and event are let go now
                fanOutHead += 1
            } else {
                fanOuts[fanOutHead].next = next
            }
        }
        if fanOutHead == fanOuts.count {
            fanOuts.removeAll(keepingCapacity: true)
            fanOutHead = 0
            pendingVisits = 0
        }
    }

    /// A visit costs 1; one that starts a stream's collected batch costs 1 more, the batch's send at the end of
    /// the turn, so that a turn's sends never exceed its budget.
    private func visitCost(_ subscriber: StreamSubscriber) -> Int {
        subscriber.sentInTurn == turn && subscriber.turnEvents.isEmpty ? 2 : 1
    }

    /// Queues one change for one stream, once and in order; a stream whose queue would pass its bound is closed
    /// (its client reconnects and resumes, or gets a snapshot). A stream's first change of a loop turn is sent
    /// at once; its later ones are kept with the others of the turn and written with them when the turn ends.
    private func visit(_ subscriber: StreamSubscriber, with event: SharedBytes, sequence: UInt64) {
        guard !subscriber.isRemoved, sequence > subscriber.lastQueued else { return }
        switch subscriber.phase {
        case .awaitingCopy:
            return  // the snapshot will include it
        case .encoding(let at, var backlog, let backlogBytes):
            subscriber.lastQueued = sequence
            guard backlogBytes + event.count <= settings.maxQueuedBytes else { return drop(subscriber) }
            backlog.append(event)
            subscriber.phase = .encoding(sequence: at, backlog: backlog, backlogBytes: backlogBytes + event.count)
        case .live:
            subscriber.lastQueued = sequence
            let channel = subscriber.channel
            guard channel.queuedBytes + subscriber.turnBytes + event.count <= settings.maxQueuedBytes + subscriber.allowance else {
                return drop(subscriber)
            }
            subscriber.sentSinceTick = true
            eventsSent += 1
            guard subscriber.sentInTurn == turn else {
                subscriber.sentInTurn = turn
                return channel.send(shared: event)
            }
            if subscriber.turnEvents.isEmpty { collected.append(subscriber) }
            subscriber.turnEvents.append(event)
            subscriber.turnBytes += event.count
        }
    }

    /// The loop turn ends (a prepare handle: just before the loop polls): the rest of this turn's budget goes to
    /// the pending fan-outs, each stream gets the turn's later changes in one write, and the next turn starts with
    /// a full budget. A burst (pipelined writes, a batch of replicated changes) costs each stream two sends instead
    /// of one per change, and a send, not its bytes, is what the fan-out pays for (bench/RESULTS.md).
    private func endTurn() {
        drain()
        writeCollected()
        turn &+= 1
        turnBudget = settings.fanOutSliceStreams
        // Fan-outs still pending: a due timer keeps the poll from sleeping, and the next turn's end goes on.
        if fanOutHead < fanOuts.count { wakeTimer.start(afterMs: 0, repeatMs: 0) {} }
    }

    private func writeCollected() {
        guard !collected.isEmpty else { return }
        let streams = collected
        collected.removeAll(keepingCapacity: true)
        for subscriber in streams where !subscriber.turnEvents.isEmpty {
            subscriber.channel.send(shared: subscriber.turnEvents)
            subscriber.turnEvents.removeAll()  // an idle stream holds no array
            subscriber.turnBytes = 0
        }
    }

    private func drop(_ subscriber: StreamSubscriber) {
        subscribersDropped += 1
        remove(subscriber)
        subscriber.channel.close()
    }

    // MARK: keep-alive and stop

    /// A comment to every stream that sent nothing since the last tick, so proxies keep the connection.
    private func keepAlive() {
        for subscriber in subscribers.values {
            if !subscriber.sentSinceTick, subscriber.channel.queuedBytes == 0 {
                subscriber.channel.send(shared: Self.keepAliveBytes)
            }
            subscriber.sentSinceTick = false
        }
    }

    /// Node stop: streams end with the last chunk and close, held requests are answered, timers close.
    func stop() {
        guard !stopped else { return }
        stopped = true
        // Every pending fan-out and what this turn collected leave before the last chunk.
        turnBudget = Int.max
        drain()
        writeCollected()
        snapshots.stop()
        keepAliveTimer.close()
        wakeTimer.close()
        turnEnd.close()
        polls.stop()
        for subscriber in Array(subscribers.values) {
            remove(subscriber)
            subscriber.channel.send { $0.append(StreamFraming.end) }
            subscriber.channel.finish()
        }
    }
}
