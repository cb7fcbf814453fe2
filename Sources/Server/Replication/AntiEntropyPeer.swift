/// Anti-entropy rounds with one peer (docs/anti-entropy.md): every interval (jittered by up to 10%) this node sends
/// its application hashes, compares the peer's answer with its own registry, and hands what it knows better to the
/// peer's batch queue as ordinary replication tasks. One round at a time; a peer that answers 404 (a Netflix node,
/// or ours with anti-entropy off) is asked again only every 10 intervals. Loop-confined.
final class AntiEntropyPeer {
    struct Settings: Sendable {
        var intervalMs: Int64
        /// This node's address, the request's `node` (for the peer's logs).
        var node: String
        /// Intervals between two attempts with a peer that does not speak anti-entropy.
        var notSpeakingEvery = 10
        /// After a truncated answer the next round starts this soon instead of a full interval, so a large divergence
        /// converges in (differing states / reply cap) seconds rather than as many intervals.
        var truncatedFollowUpMs: Int64 = 1_000
    }

    enum Outcome: String, CaseIterable, Sendable {
        /// Nothing differed.
        case inSync = "in_sync"
        /// Something differed and this node pushed at least one repair.
        case repaired
        /// Something differed, but only the peer knew better: its own round repairs it.
        case differs
        /// The peer answered 404: it does not speak anti-entropy.
        case notSpeaking = "not_speaking"
        /// No answer, another status, or an answer that could not be read.
        case failed
        /// The previous round was still waiting for its answer at this tick.
        case skipped
    }

    let url: PeerURL
    private let settings: Settings
    private let transport: PeerTransport
    private let registry: InstanceRegistry
    private let wakeup: Wakeup
    /// Hands a repair to the peer's batch queue (PeerNode.submit).
    private let submit: (String, String, ReplicationAction, LeaseInfo?) -> Void
    /// Where an answer is decoded (the node's thread pool); nil decodes on the loop (tests).
    private let runner: OffLoopRunner?
    private(set) var rounds: [Outcome: Int] = [:]
    /// Repairs pushed, by `Repair.actionName`.
    private(set) var repairs: [String: Int] = [:]
    /// Loop time spent on rounds on this side (building the digest, reading and comparing the answer, pushing
    /// repairs), and the body bytes each way: what a round costs (bench/RESULTS.md).
    private(set) var cost = AntiEntropyCost()
    /// Told of every round that pushed repairs: the peer and the counts by action (the node's log line).
    var onRepaired: ((String, [String: Int]) -> Void)?
    private var inFlight = false
    private var speaks = true
    private var ticksSinceRefusal = 0
    private var isClosed = false

    init(url: PeerURL, settings: Settings, transport: PeerTransport, registry: InstanceRegistry, wakeup: Wakeup,
         runner: OffLoopRunner? = nil, submit: @escaping (String, String, ReplicationAction, LeaseInfo?) -> Void) {
        self.runner = runner
        self.url = url
        self.settings = settings
        self.transport = transport
        self.registry = registry
        self.wakeup = wakeup
        self.submit = submit
    }

    /// Arms the first tick.
    func start() { armNextTick() }

    /// Whether the last answer said the peer speaks anti-entropy (true until a 404).
    var speaksAntiEntropy: Bool { speaks }

    /// One interval passed: start a round unless one is still out, or the peer is in its not-speaking pause.
    func tick() {
        guard !isClosed else { return }
        armNextTick()
        if inFlight {
            rounds[.skipped, default: 0] += 1
            return
        }
        if !speaks {
            ticksSinceRefusal += 1
            guard ticksSinceRefusal >= settings.notSpeakingEvery else { return }
            ticksSinceRefusal = 0
        }
        inFlight = true
        let started = Monotonic.micros()
        let body = DigestCodec.encodeRequest(.init(node: settings.node, hashes: registry.applicationHashes))
        cost.bytesSent += body.count
        cost.loopMicros += Monotonic.micros() - started
        transport.sendDigest(body) { [weak self] reply in self?.answered(reply) }
    }

    private func armNextTick() {
        let interval = max(1, settings.intervalMs)
        let jitter = interval / 10
        let delay = interval - jitter + Int64(registry.random.nextIndex(below: Int(2 * jitter + 1)))
        wakeup.arm(afterMs: delay) { [weak self] in self?.tick() }
    }

    private func answered(_ reply: PeerReply) {
        guard !isClosed else {
            inFlight = false
            return
        }
        switch reply {
        case .response(status: 404, _):
            inFlight = false
            speaks = false
            ticksSinceRefusal = 0
            rounds[.notSpeaking, default: 0] += 1
        case .response(status: 200, let body):
            speaks = true
            cost.bytesReceived += body.count
            // The round stays in flight while the pool parses the answer: its JSON is the round's largest work.
            let decode: @Sendable () -> DigestReply? = { try? DigestCodec.decodeReply(body) }
            guard let runner else { return decoded(decode()) }
            runner.run(decode) { [weak self] reply in self?.decoded(reply) }
        case .response, .failure:
            inFlight = false
            rounds[.failed, default: 0] += 1
        }
    }

    /// Back on the loop with the parsed answer: compare, push, and after a truncated answer ask again soon.
    private func decoded(_ reply: DigestReply?) {
        inFlight = false
        guard !isClosed else { return }
        let started = Monotonic.micros()
        defer { cost.loopMicros += Monotonic.micros() - started }
        guard let reply else {
            rounds[.failed, default: 0] += 1
            return
        }
        rounds[compare(reply), default: 0] += 1
        if reply.truncated {
            wakeup.arm(afterMs: min(settings.truncatedFollowUpMs, settings.intervalMs)) { [weak self] in self?.tick() }
        }
    }

    /// Compares and pushes; the outcome of the round.
    private func compare(_ reply: DigestReply) -> Outcome {
        guard !reply.apps.isEmpty else { return .inSync }
        let found = AntiEntropyCompare.repairs(for: reply) { app in
            AntiEntropyCompare.Local(states: registry.digestStates(of: app), tombstones: registry.tombstoneStates(of: app))
        }
        var counts: [String: Int] = [:]
        for repair in found where push(repair) { counts[repair.actionName, default: 0] += 1 }
        guard !counts.isEmpty else { return .differs }
        for (action, count) in counts { repairs[action, default: 0] += count }
        onRepaired?(url.description, counts)
        return .repaired
    }

    /// The repair as the replication task of the same change: built from this node's current record, so the
    /// receiver applies its dirty-timestamp rules to it as to any replicated change. False when the record is gone.
    private func push(_ repair: AntiEntropyCompare.Repair) -> Bool {
        switch repair {
        case .register(let app, let id):
            guard let record = registry.storedInstance(app: app, id: id) else { return false }
            submit(app, id, .register(record), record.leaseInfo)
        case .statusUpdate(let app, let id):
            guard let state = registry.recordState(app: app, id: id) else { return false }
            submit(app, id, .statusUpdate(status: state.status, lastDirtyTimestamp: state.lastDirtyTimestamp), nil)
        case .deleteStatusOverride(let app, let id):
            guard let state = registry.recordState(app: app, id: id) else { return false }
            submit(app, id, .deleteStatusOverride(status: state.status, lastDirtyTimestamp: state.lastDirtyTimestamp), nil)
        case .cancel(let app, let id):
            guard registry.storedInstance(app: app, id: id) == nil else { return false }
            submit(app, id, .cancel, nil)
        }
        return true
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        wakeup.close()
    }
}

/// What anti-entropy rounds with one peer cost this node.
struct AntiEntropyCost: Sendable, Equatable {
    var loopMicros = 0
    /// Request bodies as built (before any gzip).
    var bytesSent = 0
    /// Answer bodies as read (after the client inflated a gzipped one).
    var bytesReceived = 0
}
