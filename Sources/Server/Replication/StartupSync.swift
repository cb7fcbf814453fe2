/// The start-up sync (spec 5.6 step 3, 7.9): every peer is asked for its registry concurrently; the instances of
/// every 200 answer are registered as replications (never sent on); the sync ends at the first attempt in which
/// at least one peer gave an HTTP answer, or after `retries` attempts `retryWaitMs` apart in which none did.
/// Decoding a large document runs off the loop; registrations go in slices so heartbeats keep being served.
/// It owns the transports and the wake-up it is given and closes them when it ends.
final class StartupSync {
    struct Settings {
        var retries = 5
        var retryWaitMs: Int64 = 30_000
        /// Registrations per loop turn while copying (a 100,000-instance copy must not stall the loop).
        var registrationsPerSlice = 2_000
    }

    /// How the sync ended: `copied` registrations performed (copies of provisional leases left out,
    /// docs/warm-restart.md); `anyPeerAnswered` false opens the empty-sync window.
    struct Result: Equatable {
        var copied: Int
        var anyPeerAnswered: Bool
        var attempts: Int
    }

    private let settings: Settings
    private let peers: [PeerTransport]
    private let registry: InstanceRegistry
    private let time: TimeSource
    private let runner: OffLoopRunner
    private let wakeup: Wakeup
    private var done: ((Result) -> Void)?
    private var attempt = 0
    private var outstanding = 0
    private var answered = false
    private var copied = 0
    /// Decoded documents waiting to be registered, in arrival order.
    private var toRegister: [InstanceInfo] = []
    private var registerCursor = 0
    private var decoding = 0
    /// Told of every peer's answer (by the peer's index in `peers`), so replica health counts the fetch.
    var onReply: ((Int, PeerReply) -> Void)?

    init(settings: Settings, peers: [PeerTransport], registry: InstanceRegistry, time: TimeSource,
         runner: OffLoopRunner, wakeup: Wakeup) {
        self.settings = settings
        self.peers = peers
        self.registry = registry
        self.time = time
        self.runner = runner
        self.wakeup = wakeup
    }

    /// Runs the sync; `done` is called once, on the loop, after every copy was registered.
    func start(_ done: @escaping (Result) -> Void) {
        self.done = done
        guard !peers.isEmpty, settings.retries > 0 else {
            finish()
            return
        }
        runAttempt()
    }

    private func runAttempt() {
        attempt += 1
        outstanding = peers.count
        for (index, peer) in peers.enumerated() {
            peer.fetchRegistry { [weak self] reply in
                self?.onReply?(index, reply)
                self?.received(reply)
            }
        }
    }

    private func received(_ reply: PeerReply) {
        if case .response(let status, let body) = reply {
            answered = true
            if status == 200 { decode(body) }
        }
        outstanding -= 1
        attemptMayBeOver()
    }

    /// The peer's document is decoded on the pool: a 100,000-instance registry is ~100 MB of JSON.
    private func decode(_ body: [UInt8]) {
        decoding += 1
        let now = time.nowMillis()
        runner.run({ () -> [InstanceInfo] in
            guard let document = try? ApplicationsCodec.decode(body, format: .json, now: now) else { return [] }
            return document.applications.flatMap(\.instances)
        }, then: { [weak self] instances in
            guard let self else { return }
            decoding -= 1
            toRegister.append(contentsOf: instances)
            attemptMayBeOver()
        })
    }

    private func attemptMayBeOver() {
        guard outstanding == 0, decoding == 0 else { return }
        if answered || attempt >= settings.retries {
            registerSlice()
        } else {
            wakeup.arm(afterMs: settings.retryWaitMs) { [weak self] in self?.runAttempt() }
        }
    }

    /// Registers up to one slice, then yields the loop until the next turn.
    private func registerSlice() {
        let end = min(toRegister.count, registerCursor + settings.registrationsPerSlice)
        while registerCursor < end {
            let instance = toRegister[registerCursor]
            registerCursor += 1
            // Whatever its status, with its own lease duration (<= 0 means 90); its override enters the map
            // through register's intake (4.4 step 6), so an OUT_OF_SERVICE survives a restart.
            let duration = instance.leaseInfo.map { $0.durationInSecs > 0 ? $0.durationInSecs : 90 } ?? 90
            // A copy of a lease restored here from a snapshot stays provisional and is not expected to renew.
            if registry.registerSyncedCopy(instance, leaseDurationSecs: duration) { copied += 1 }
        }
        if registerCursor < toRegister.count {
            // 1 ms, not 0: libuv runs a zero-delay timer re-armed from its own callback again in the same timer
            // pass, before any I/O, so a chain of 0 ms slices would hold the loop for the whole copy.
            wakeup.arm(afterMs: 1) { [weak self] in self?.registerSlice() }
        } else {
            finish()
        }
    }

    private func finish() {
        toRegister = []
        release()
        guard let done else { return }
        self.done = nil
        done(Result(copied: copied, anyPeerAnswered: answered, attempts: attempt))
    }

    /// Node stop: no further attempt; what is in flight completes into nothing.
    func cancel() {
        done = nil
        release()
    }

    /// The sync's own connections and timer are needed no more.
    private func release() {
        wakeup.close()
        peers.forEach { $0.close() }
    }
}
