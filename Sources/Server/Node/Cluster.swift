/// The node's cluster side (spec 5.6, 7): the peer list and its periodic re-evaluation, the replicator that sends
/// this node's changes to every peer, the start-up sync, and the gate that keeps reads closed until the node
/// opened. With no peer configured it only holds an open gate.
final class Cluster {
    let gate: TrafficGate
    private(set) var replicator: Replicator?
    private var sync: StartupSync?
    private var refreshTimer: LoopTimer?
    private let config: ServerConfig
    private let thisNode: ThisNode
    /// The start-up sync's result, when there was a sync (the node's log).
    var onSyncResult: ((StartupSync.Result) -> Void)?

    /// `port` is the bound port (the configured one may be 0). Throws only if a timer cannot be created.
    init(loop: EventLoop, config: ServerConfig, identity: NodeIdentity, port: Int, registry: InstanceRegistry,
         time: TimeSource, runner: OffLoopRunner) throws(UVError) {
        self.config = config
        thisNode = ThisNode(myUrl: config.myUrl, port: port,
                            names: NodeNames.local(hostName: identity.hostName, serverAddress: config.address))
        // Validated at start-up (EurekaNode.validate), so a failure here cannot happen; no peer then.
        let peers = (try? PeerURLs.peers(config.peerServiceURLs, excluding: thisNode)) ?? []
        gate = TrafficGate(syncing: !peers.isEmpty && config.registrySyncRetries > 0, time: time)
        guard !config.peerServiceURLs.isEmpty else { return }

        let transportSettings = HTTPPeerTransport.Settings(config: config, ownAddress: identity.address)
        var replication = Self.replicationSettings(config)
        if config.antiEntropyIntervalMs > 0 {
            replication.antiEntropy = AntiEntropyPeer.Settings(intervalMs: config.antiEntropyIntervalMs,
                                                               node: "\(identity.address):\(port)")
        }
        var wakeupFailure: UVError?
        let makeWakeup: () -> Wakeup = {
            do throws(UVError) { return try LoopWakeup(loop: loop) } catch {
                wakeupFailure = error
                return InertWakeup()
            }
        }
        replicator = Replicator(
            peers: peers, settings: replication, registry: registry, time: time,
            makeTransport: { HTTPPeerTransport(loop: loop, peer: $0, settings: transportSettings) }, makeWakeup: makeWakeup,
            runner: runner)
        if let wakeupFailure { throw wakeupFailure }
        registry.wantsHeartbeatEvents = true  // heartbeats are replicated (4.12)

        if gate.phase == .syncing {
            sync = StartupSync(
                settings: .init(retries: config.registrySyncRetries, retryWaitMs: config.registrySyncRetryWaitMs),
                peers: peers.map { HTTPPeerTransport(loop: loop, peer: $0, settings: transportSettings) },
                registry: registry, time: time, runner: runner, wakeup: try LoopWakeup(loop: loop))
            let urls = peers.map(\.url)
            sync?.onReply = { [unowned self] index, reply in
                replicator?.peers.first { $0.url.url == urls[index] }?.recordFetch(reply)
            }
        }
        let refresh = try LoopTimer(loop: loop)
        let interval = UInt64(max(1_000, config.peerEurekaNodesUpdateIntervalMs))
        refresh.start(afterMs: interval, repeatMs: interval) { [unowned self] in refreshPeers() }
        refreshTimer = refresh
    }

    static func replicationSettings(_ config: ServerConfig) -> ReplicationSettings {
        var settings = ReplicationSettings()
        settings.dispatcher.maxPendingTasks = config.maxElementsInPeerReplicationPool
        settings.dispatcher.maxBatchesInFlight = config.maxThreadsForPeerReplication
        settings.dispatcher.maxTimeForReplicationMs = config.maxTimeForReplication
        settings.syncWhenTimestampDiffers = config.syncWhenTimestampDiffers
        return settings
    }

    /// Starts the sync when there is one; `open(count)` is called once when the node may open for traffic, with
    /// the number of instances copied (0 when nothing was, or without peers).
    func start(open: @escaping (Int) -> Void) {
        guard let sync else {
            open(0)
            return
        }
        sync.start { [unowned self] result in
            self.sync = nil
            onSyncResult?(result)
            gate.syncFinished(anyPeerAnswered: result.anyPeerAnswered, emptyWindowMs: config.waitTimeInMsWhenSyncEmpty)
            open(result.copied)
        }
    }

    /// Spec 7.1: the list is re-evaluated with the same rules (names and addresses may have changed).
    private func refreshPeers() {
        guard let peers = try? PeerURLs.peers(config.peerServiceURLs, excluding: thisNode) else { return }
        replicator?.updatePeers(peers)
    }

    /// The current peers' URLs (none without replication).
    var peerURLs: [String] { replicator?.peers.map(\.url.url) ?? [] }

    func reports() -> [PeerReport] { replicator?.reports() ?? [] }

    func close() {
        sync?.cancel()
        sync = nil
        refreshTimer?.close()
        refreshTimer = nil
        replicator?.close()
    }
}

/// Stands in when a timer could not be created; the error is thrown from Cluster.init right after.
private final class InertWakeup: Wakeup {
    func arm(afterMs: Int64, _ action: @escaping () -> Void) {}
    func disarm() {}
    func close() {}
}
