/// Writes each published change to the streams it concerned, in slices over loop turns (`fanOutSliceStreams` stream
/// visits a turn), so that a heartbeat or fetch arriving during a fan-out to 10,000 streams waits for one slice, not
/// for all of it. A stream's first change of a turn is sent at once, its later ones together when the turn ends.
/// Which streams a change concerns, and dropping a stream, are the hub's (StreamHub). Loop thread only.
final class StreamFanOut {
    private let settings: StreamHub.Settings
    /// The fan-outs not yet written to every stream they concern, oldest first (`head` is the oldest): each stream
    /// receives events only in this order, so per stream they stay in sequence order.
    private var pending: [Pending] = []
    private var head = 0
    /// Stream visits still to make in `pending`, bounded by `maxPendingFanOutVisits`.
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
    /// Change events sent (or collected for the turn's end) to live streams.
    private(set) var eventsSent = 0
    /// A stream whose queue would pass its bound: the hub closes it (its client reconnects and resumes, or gets a
    /// snapshot). Set once by the hub.
    var onOverflow: (StreamSubscriber) -> Void = { _ in }

    /// One change on its way to the streams it concerned when it was published.
    private struct Pending {
        var event: SharedBytes
        var sequence: UInt64
        var streams: [StreamSubscriber]
        var next = 0
    }

    /// Both handles or none: a failure after the first closes it.
    init(loop: EventLoop, settings: StreamHub.Settings) throws(UVError) {
        self.settings = settings
        turnBudget = settings.fanOutSliceStreams
        wakeTimer = try LoopTimer(loop: loop)
        weak var endsTurns: StreamFanOut?
        do throws(UVError) { turnEnd = try LoopTurnEnd(loop: loop) { endsTurns?.endTurn() } } catch {
            wakeTimer.close()
            throw error
        }
        endsTurns = self
    }

    /// `event` (change `sequence`) to each of `streams`: what this turn's budget allows leaves at once, so a change
    /// to a few streams waits for nothing.
    func publish(_ event: SharedBytes, sequence: UInt64, to streams: [StreamSubscriber]) {
        pending.append(Pending(event: event, sequence: sequence, streams: streams))
        pendingVisits += streams.count
        drain()
        if pendingVisits > settings.maxPendingFanOutVisits { drain(unbounded: true) }
    }

    /// Visits the pending fan-outs' streams, oldest fan-out first, while this turn's budget lasts (`unbounded`: all
    /// of them, the backlog's bound was passed).
    private func drain(unbounded: Bool = false) {
        guard !draining else { return }  // a send that closed a stream does not start another pass
        draining = true
        defer { draining = false }
        var budgetLeft = true
        while budgetLeft, head < pending.count {
            let streams = pending[head].streams
            let event = pending[head].event, sequence = pending[head].sequence
            var next = pending[head].next
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
                pending[head].streams = []  // its streams and event are let go now
                head += 1
            } else {
                pending[head].next = next
            }
        }
        if head == pending.count {
            pending.removeAll(keepingCapacity: true)
            head = 0
            pendingVisits = 0
        }
    }

    /// A visit costs 1; one that starts a stream's collected batch costs 1 more, the batch's send at the end of
    /// the turn, so that a turn's sends never exceed its budget.
    private func visitCost(_ subscriber: StreamSubscriber) -> Int {
        subscriber.sentInTurn == turn && subscriber.turnEvents.isEmpty ? 2 : 1
    }

    /// Queues one change for one stream, once and in order; a stream whose queue would pass its bound goes to
    /// `onOverflow`. A stream's first change of a loop turn is sent at once; its later ones are kept with the
    /// others of the turn and written with them when the turn ends.
    private func visit(_ subscriber: StreamSubscriber, with event: SharedBytes, sequence: UInt64) {
        guard !subscriber.isRemoved, sequence > subscriber.lastQueued else { return }
        switch subscriber.phase {
        case .awaitingCopy:
            return  // the snapshot will include it
        case .encoding(let at, var backlog, let backlogBytes):
            subscriber.lastQueued = sequence
            guard backlogBytes + event.count <= settings.maxQueuedBytes else { return onOverflow(subscriber) }
            backlog.append(event)
            subscriber.phase = .encoding(sequence: at, backlog: backlog, backlogBytes: backlogBytes + event.count)
        case .live:
            subscriber.lastQueued = sequence
            let channel = subscriber.channel
            guard channel.queuedBytes + subscriber.turnBytes + event.count <= settings.maxQueuedBytes + subscriber.allowance else {
                return onOverflow(subscriber)
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
        if head < pending.count { wakeTimer.start(afterMs: 0, repeatMs: 0) {} }
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

    /// Node stop: every pending fan-out and what this turn collected leave now, before the streams' last chunk.
    func writeEverything() {
        turnBudget = Int.max
        drain()
        writeCollected()
    }

    func close() {
        wakeTimer.close()
        turnEnd.close()
    }
}
