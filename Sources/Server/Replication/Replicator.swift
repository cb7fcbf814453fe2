/// The sending side of peer replication (spec 7): every change a client made on this node becomes one task per
/// peer (4.12); replicated changes, evictions, start-up copies and 409 adoptions never do. Owns the peers and
/// re-evaluates the peer list on the node's timer. Loop-confined.
final class Replicator {
    private let settings: ReplicationSettings
    private let registry: InstanceRegistry
    private let time: TimeSource
    private let makeTransport: (PeerURL) -> PeerTransport
    private let makeWakeup: () -> Wakeup
    /// Where anti-entropy answers are parsed (the node's thread pool); nil parses on the loop (tests).
    private let runner: OffLoopRunner?
    private(set) var peers: [PeerNode] = []
    /// Anti-entropy rounds, by peer URL; empty while it is off.
    private var antiEntropy: [String: AntiEntropyPeer] = [:]
    /// Told of every anti-entropy round that pushed repairs (the node's log).
    var onAntiEntropyRepairs: ((String, [String: Int]) -> Void)? {
        didSet { antiEntropy.values.forEach { $0.onRepaired = onAntiEntropyRepairs } }
    }
    /// Handed to every peer, present and future (PeerNode.onHealthChange).
    var onPeerHealthChange: ((String, PeerHealth.State, PeerHealth) -> Void)? {
        didSet { peers.forEach { $0.onHealthChange = onPeerHealthChange } }
    }

    init(peers urls: [PeerURL], settings: ReplicationSettings, registry: InstanceRegistry, time: TimeSource,
         makeTransport: @escaping (PeerURL) -> PeerTransport, makeWakeup: @escaping () -> Wakeup, runner: OffLoopRunner? = nil) {
        self.runner = runner
        self.settings = settings
        self.registry = registry
        self.time = time
        self.makeTransport = makeTransport
        self.makeWakeup = makeWakeup
        updatePeers(urls)
    }

    /// Called for every registry event (the node fans events out to the cache and here).
    func handle(_ event: RegistryEvent) {
        guard !peers.isEmpty, let action = event.replication else { return }
        let leaseInfo: LeaseInfo?
        switch (event, action) {
        case (.heartbeat(let beat), _): leaseInfo = beat.leaseInfo
        case (_, .register(let record)): leaseInfo = record.leaseInfo  // the copy the action took: not another one
        default: leaseInfo = event.record?.leaseInfo
        }
        let app = event.app
        let id = event.id
        for peer in peers { peer.submit(app: app, id: id, action: action, leaseInfo: leaseInfo) }
    }

    /// Spec 7.1 refresh: peers no longer listed are closed with their queues, new ones created; an empty new list
    /// is ignored (the old one stays), as in Netflix.
    func updatePeers(_ urls: [PeerURL]) {
        guard !urls.isEmpty || peers.isEmpty else { return }
        let wanted = Set(urls.map(\.url))
        for peer in peers where !wanted.contains(peer.url.url) {
            peer.close()
            antiEntropy.removeValue(forKey: peer.url.url)?.close()
        }
        peers.removeAll { !wanted.contains($0.url.url) }
        let present = Set(peers.map(\.url.url))
        for url in urls where !present.contains(url.url) {
            let transport = makeTransport(url)
            let peer = PeerNode(url: url, settings: settings, transport: transport, registry: registry,
                                time: time, wakeup: makeWakeup())
            peer.onHealthChange = onPeerHealthChange
            peers.append(peer)
            if let roundSettings = settings.antiEntropy {
                // The peer's own transport and batch queue: repairs travel as that peer's ordinary tasks.
                let rounds = AntiEntropyPeer(url: url, settings: roundSettings, transport: transport, registry: registry,
                                             wakeup: makeWakeup(), runner: runner) { [weak peer] app, id, action, leaseInfo in
                    peer?.submit(app: app, id: id, action: action, leaseInfo: leaseInfo)
                }
                rounds.onRepaired = onAntiEntropyRepairs
                antiEntropy[url.url] = rounds
                rounds.start()
            }
        }
    }

    func reports() -> [PeerReport] {
        let now = time.nowMillis()
        return peers.map { peer in
            var report = peer.report(now: now)
            report.antiEntropy = antiEntropy[peer.url.url].map { AntiEntropyReport(rounds: $0.rounds, repairs: $0.repairs, cost: $0.cost) }
            return report
        }
    }

    func close() {
        antiEntropy.values.forEach { $0.close() }
        antiEntropy.removeAll()
        peers.forEach { $0.close() }
        peers.removeAll()
    }
}
