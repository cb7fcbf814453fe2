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
    /// Writes each change to the streams it concerns, in slices over loop turns.
    private let fanOut: StreamFanOut

    init(loop: EventLoop, registry: InstanceRegistry, runner: OffLoopRunner, settings: Settings) throws(UVError) {
        self.settings = settings
        self.registry = registry
        self.runner = runner
        snapshots = StreamSnapshots(registry: registry, runner: runner, sliceRecords: settings.snapshotSliceRecords)
        keepAliveTimer = try LoopTimer(loop: loop)
        do throws(UVError) { fanOut = try StreamFanOut(loop: loop, settings: settings) } catch {
            keepAliveTimer.close()
            throw error
        }
        do throws(UVError) { polls = try HeldPolls(loop: loop) } catch {
            keepAliveTimer.close()
            fanOut.close()
            throw error
        }
        fanOut.onOverflow = { [unowned self] subscriber in drop(subscriber) }
        snapshots.onCopied = { [unowned self] sequence, waiting in copied(at: sequence, waiting) }
        snapshots.onEncoded = { [unowned self] sequence, document, waiting in sendSnapshot(document, at: sequence, to: waiting) }
        keepAliveTimer.start(afterMs: settings.keepAliveMs, repeatMs: settings.keepAliveMs) { [unowned self] in keepAlive() }
    }

    var metrics: Metrics {
        Metrics(subscribers: subscribers.count, heldPolls: polls.count, eventsSent: eventsSent + fanOut.eventsSent,
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
        fanOut.publish(event, sequence: sequence, to: streams)
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
        fanOut.writeEverything()
        snapshots.stop()
        keepAliveTimer.close()
        fanOut.close()
        polls.stop()
        for subscriber in Array(subscribers.values) {
            remove(subscriber)
            subscriber.channel.send { $0.append(StreamFraming.end) }
            subscriber.channel.finish()
        }
    }
}
