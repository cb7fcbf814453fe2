/// One peer's batching dispatcher (spec 7.6): accepts tasks, forms batches of up to 250 once the head task has
/// waited 500 ms (or the pool is full), keeps `maxBatchesInFlight` batches outstanding, and takes retryable
/// failures back under the traffic shaper's pauses.
///
/// No timers and no clock of its own: the owner (the peer node, on the loop) passes `now` (epoch or monotonic
/// milliseconds, one clock for every call and for the tasks' times) and drives it:
///
///     after submit, complete, or its timer firing:
///         while let batch = dispatcher.nextBatch(now: now) { send(batch) }
///         if let at = dispatcher.nextWakeUp(now: now) { timer.start(afterMs: at - now) } else { timer.stop() }
///
/// Loop-confined, like every owner of mutable replication state: not Sendable on purpose.
final class BatchDispatcher {
    struct Settings: Sendable, Equatable {
        /// `max-elements-in-peer-replication-pool`.
        var maxPendingTasks = 10_000
        /// `max-threads-for-peer-replication` in OUR meaning: batches in flight to this peer. 1 keeps them in
        /// order, so a cancel never overtakes its register. Values below 1 count as 1.
        var maxBatchesInFlight = 1
        /// `max-time-for-replication`: the lifetime of cancel and status tasks.
        var maxTimeForReplicationMs: Int64 = 30_000
        var maxBatchSize = 250
        /// Netflix's max batching delay: how long the head task waits for company.
        var maxBatchingDelayMs: Int64 = 500
        var congestionRetryDelayMs: Int64 = 1_000
        var transientRetryDelayMs: Int64 = 100

        init() {}
    }

    let settings: Settings
    private(set) var counters = ReplicationCounters()
    private(set) var batchesInFlight = 0
    private var acceptor: TaskAcceptor
    private var shaper: TrafficShaper

    init(settings: Settings = Settings()) {
        self.settings = settings
        acceptor = TaskAcceptor(capacity: settings.maxPendingTasks)
        shaper = TrafficShaper(congestionDelayMs: settings.congestionRetryDelayMs, transientDelayMs: settings.transientRetryDelayMs)
    }

    /// Tasks waiting to be sent.
    var queueDepth: Int { acceptor.count }

    /// How long the longest-waiting pending task has waited; nil when none. O(pending): for metrics scrapes.
    func oldestPendingAge(now: Int64) -> Int64? {
        acceptor.oldestSubmission.map { now - $0 }
    }

    // MARK: accepting

    /// A task built with this dispatcher's `maxTimeForReplicationMs`, submitted at `now`. `leaseInfo` is the
    /// instance record's; it sets the expiry of register and heartbeat tasks (`ReplicationTask.lifetime`).
    func submit(app: String, instanceId: String, action: ReplicationAction, leaseInfo: LeaseInfo?, now: Int64) {
        submit(ReplicationTask(app: app, instanceId: instanceId, action: action, leaseInfo: leaseInfo, submittedAt: now,
                               maxTimeForReplication: settings.maxTimeForReplicationMs), now: now)
    }

    /// A task expired already (a zero `max-time-for-replication`) is counted and dropped rather than held.
    func submit(_ task: ReplicationTask, now: Int64) {
        counters.submitted += 1
        guard !task.isExpired(at: now) else {
            counters.droppedExpired += 1
            return
        }
        let accepted = acceptor.accept(task)
        if accepted.droppedHead { counters.droppedOverflow += 1 }
        if accepted.replaced { counters.merged += 1 }
    }

    // MARK: sending

    /// The next batch to send, in processing order, or nil when none may go now: no free slot, the shaper's pause,
    /// or a head that has not waited `maxBatchingDelayMs` in a pool that is not full. Expired tasks met on the way
    /// are dropped and do not count toward the batch size. The batch holds a slot until `complete`.
    func nextBatch(now: Int64) -> [ReplicationTask]? {
        guard let readyAt = formableAt(now: now), readyAt <= now else { return nil }
        var batch: [ReplicationTask] = []
        batch.reserveCapacity(min(settings.maxBatchSize, acceptor.count))
        while batch.count < max(1, settings.maxBatchSize), let task = acceptor.popHead() {
            if task.isExpired(at: now) {
                counters.droppedExpired += 1
            } else {
                batch.append(task)
            }
        }
        guard !batch.isEmpty else { return nil }  // everything pending had expired: the queue is empty now
        batchesInFlight += 1
        counters.batchesSent += 1
        counters.itemsSent += batch.count
        return batch
    }

    /// When the owner's timer should fire to call `nextBatch` again (never before `now`); nil when nothing is
    /// pending or every slot is taken (then `submit` or `complete` is the next event).
    func nextWakeUp(now: Int64) -> Int64? {
        formableAt(now: now).map { max(now, $0) }
    }

    /// The time the head can leave given the slot, the batching delay, the pool and the shaper.
    private func formableAt(now: Int64) -> Int64? {
        guard batchesInFlight < max(1, settings.maxBatchesInFlight), let head = acceptor.head else { return nil }
        // Measured on the task now pending under the head id (as Netflix does): a replacement restarts the wait.
        let waited = acceptor.isFull ? now : head.submittedAt + settings.maxBatchingDelayMs
        return max(waited, shaper.allowedAt(now: now))
    }

    // MARK: outcomes

    /// Frees the batch's slot. Congestion and transient errors put its tasks back at the front (newest-first, so
    /// in batch order) and pause sending (7.6); success and permanent errors leave them done. For a success, hand
    /// the per-item results to `BatchResults.handle`, then `record` the report.
    func complete(_ batch: [ReplicationTask], outcome: BatchOutcome, now: Int64) {
        precondition(batchesInFlight > 0, "complete(_:outcome:now:) without a batch in flight")
        batchesInFlight -= 1
        counters.count(outcome)
        guard outcome == .congestion || outcome == .transient else { return }
        shaper.record(outcome, now: now)
        let retried = acceptor.takeBack(batch, now: now)
        counters.retried += retried.requeued
        counters.droppedExpired += retried.expired
        counters.droppedSuperseded += retried.superseded
        counters.droppedOverflow += retried.overflow
    }

    /// Adds a successful batch's item results to the counters.
    func record(_ report: BatchResults.Report) {
        counters.count(report)
    }
}
