/// A peer's health from real results (spec 7.6 outcomes), not from host-name matching: what `/status`,
/// `/metrics` and the dashboard report for each replica.
struct PeerHealth: Sendable {
    enum State: String, Sendable {
        /// Nothing sent or fetched yet.
        case unknown
        /// The last batch (or start-up fetch) succeeded.
        case up
        /// The peer answers, but not with success: 503 (congestion), another status, or an undecodable reply.
        case degraded
        /// The last attempt failed at the network level: refused, reset, timed out, unresolvable.
        case down
    }

    private(set) var state = State.unknown
    private(set) var lastSuccessAt: Int64?
    private(set) var lastError: (at: Int64, reason: String)?
    /// Failed attempts so far: a change tells the node's log of a failure even when the state stays the same.
    private(set) var failures = 0
    /// Replies refusing this node's credentials (the user info of the peer's URL): 401 to a batch or the start-up
    /// fetch, 403 to a batch (the user lacks the peer role). Counted apart so a wrong password shows on /metrics.
    private(set) var credentialRefusals = 0

    /// Spec 2.15 (OUR choice): available when the last exchange got an HTTP response; not before any exchange.
    var isAvailable: Bool { state == .up || state == .degraded }

    /// A start-up fetch (7.9) counts as an exchange too.
    mutating func fetched(_ reply: PeerReply, now: Int64) {
        switch reply {
        case .response(let status, _):
            // 403 is what a peer answers while it is itself starting (5.6): a healthy answer at start-up.
            if status == 401 { credentialRefusals += 1 }
            if status == 200 || status == 403 {
                succeeded(now: now)
            } else {
                failed(.permanent, reason: "HTTP \(status) to the registry fetch", now: now)
            }
        case .failure(let failure):
            failed(BatchOutcome(failure), reason: "\(failure)", now: now)
        }
    }

    /// A batch answered `status`.
    mutating func batchAnswered(_ status: Int) {
        if status == 401 || status == 403 { credentialRefusals += 1 }
    }

    mutating func succeeded(now: Int64) {
        state = .up
        lastSuccessAt = now
    }

    mutating func failed(_ outcome: BatchOutcome, reason: String, now: Int64) {
        lastError = (now, reason)
        failures += 1
        switch outcome {
        case .transient: state = .down
        case .congestion: state = reason == "\(TransportFailure.readTimeout)" ? .down : .degraded
        case .permanent, .success: state = .degraded
        }
    }
}

/// One peer as the operational pages show it.
struct PeerReport: Sendable {
    /// The service URL with any password masked.
    var url: String
    var health: PeerHealth
    var counters: ReplicationCounters
    var queueDepth: Int
    var oldestPendingAgeMs: Int64?
    /// Anti-entropy rounds and repairs with this peer (docs/anti-entropy.md); nil while anti-entropy is off.
    var antiEntropy: AntiEntropyReport?
}

/// One peer's anti-entropy counters, for /metrics.
struct AntiEntropyReport: Sendable {
    var rounds: [AntiEntropyPeer.Outcome: Int]
    var repairs: [String: Int]
    var cost: AntiEntropyCost
}
