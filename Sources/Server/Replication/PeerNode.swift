/// One peer (spec 7.6, 7.7): the batcher of its tasks, the transport to it, and its health. Tasks come from the
/// registry's events; a batch is built from the registry's current records at send time, sent, and its results
/// reconciled: a Heartbeat answered 404 becomes a Register task, a 409's newer record is adopted locally without
/// being replicated. Loop-confined.
final class PeerNode {
    let url: PeerURL
    private let dispatcher: BatchDispatcher
    private let transport: PeerTransport
    private let registry: InstanceRegistry
    private let time: TimeSource
    private let wakeup: Wakeup
    private let settings: ReplicationSettings
    private(set) var health = PeerHealth() {
        didSet {
            // The URL goes to the log: its password masked.
            if health.state != oldValue.state || health.failures != oldValue.failures { onHealthChange?(url.description, oldValue.state, health) }
        }
    }
    /// Told of every state change and every failure (the node's log); the previous state comes first.
    var onHealthChange: ((String, PeerHealth.State, PeerHealth) -> Void)?
    private var isClosed = false

    init(url: PeerURL, settings: ReplicationSettings, transport: PeerTransport, registry: InstanceRegistry,
         time: TimeSource, wakeup: Wakeup) {
        self.url = url
        self.settings = settings
        self.transport = transport
        self.registry = registry
        self.time = time
        self.wakeup = wakeup
        dispatcher = BatchDispatcher(settings: settings.dispatcher)
    }

    /// A change to hand to this peer (4.12); `record` carries the lease's renewal interval for the expiry.
    func submit(app: String, id: String, action: ReplicationAction, leaseInfo: LeaseInfo?) {
        guard !isClosed else { return }
        let now = time.nowMillis()
        dispatcher.submit(app: app, instanceId: id, action: action, leaseInfo: leaseInfo, now: now)
        scheduleIfEarlier(now: now)
    }

    /// The start-up sync's answer from this peer (7.9) counts for its health like a batch's.
    func recordFetch(_ reply: PeerReply) {
        health.fetched(reply, now: time.nowMillis())
    }

    /// Sends every batch the dispatcher allows now, then sleeps until it next needs to run.
    private func pump() {
        guard !isClosed else { return }
        let now = time.nowMillis()
        while let batch = dispatcher.nextBatch(now: now) { send(batch) }
        schedule(now: now)
    }

    /// When the timer is armed for: a submitted heartbeat re-arms no uv_timer while an earlier wake-up is set.
    private var armedAt: Int64?

    private func schedule(now: Int64) {
        guard let at = dispatcher.nextWakeUp(now: now) else {
            armedAt = nil
            wakeup.disarm()
            return
        }
        armedAt = at
        wakeup.arm(afterMs: max(0, at - now)) { [weak self] in
            self?.armedAt = nil
            self?.pump()
        }
    }

    /// After a submit: re-arm only when the next due time moved earlier (a first task, or the pool filled up).
    /// A new task is due no sooner than one batching delay from now unless the pool is full, so while a wake-up
    /// at or before that is armed (the common case: a stream of heartbeats) there is nothing to look at.
    private func scheduleIfEarlier(now: Int64) {
        if let armedAt, armedAt <= now + dispatcher.settings.maxBatchingDelayMs,
           dispatcher.queueDepth < dispatcher.settings.maxPendingTasks { return }
        guard let at = dispatcher.nextWakeUp(now: now) else { return }
        if let armedAt, armedAt <= at { return }
        schedule(now: now)
    }

    private func send(_ batch: [ReplicationTask]) {
        let items = batch.map { task in
            task.kind == .register
                ? task.item(current: registry.storedInstance(app: task.app, id: task.instanceId))
                : task.item(currentState: registry.recordState(app: task.app, id: task.instanceId))
        }
        let body = ReplicationListCodec.encodeRequest(items)
        transport.sendBatch(body) { [weak self] reply in self?.finished(batch, reply) }
    }

    private func finished(_ batch: [ReplicationTask], _ reply: PeerReply) {
        let now = time.nowMillis()
        let outcome: BatchOutcome
        var results: [ReplicationResult]?
        switch reply {
        case .failure(let failure):
            outcome = BatchOutcome(failure)
            health.failed(outcome, reason: "\(failure)", now: now)
        case .response(let status, let body):
            outcome = BatchOutcome(statusCode: status)
            health.batchAnswered(status)
            if outcome == .success {
                if let decoded = try? ReplicationListCodec.decodeReply(body, now: now) {
                    results = decoded
                    health.succeeded(now: now)
                } else {
                    health.failed(.permanent, reason: "undecodable batch reply", now: now)
                }
            } else {
                health.failed(outcome, reason: "HTTP \(status)", now: now)
            }
        }
        dispatcher.complete(batch, outcome: results == nil && outcome == .success ? .permanent : outcome, now: now)
        if let results, !isClosed { reconcile(batch, results) }
        pump()
    }

    /// Per-item results of a successful batch (spec 7.7).
    private func reconcile(_ batch: [ReplicationTask], _ results: [ReplicationResult]) {
        let report = BatchResults.handle(batch, results, syncWhenTimestampDiffers: settings.syncWhenTimestampDiffers)
        dispatcher.record(report)
        for followUp in report.followUps {
            switch followUp {
            case .reRegister(let app, let id):
                // The peer lacks the instance or holds an older copy: send it our current record, if we still have it.
                guard let record = registry.storedInstance(app: app, id: id) else { continue }
                submit(app: app, id: id, action: .register(record), leaseInfo: record.leaseInfo)
            case .adopt(let adoption):
                adoption.apply(to: registry)
            }
        }
    }

    /// The dispatcher's counters and the health record, for /status, /metrics and the dashboard.
    func report(now: Int64) -> PeerReport {
        PeerReport(url: url.description, health: health, counters: dispatcher.counters, queueDepth: dispatcher.queueDepth,
                   oldestPendingAgeMs: dispatcher.oldestPendingAge(now: now))
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        wakeup.close()
        transport.close()
    }
}
