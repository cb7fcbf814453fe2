/// Anti-entropy's view of the registry (docs/anti-entropy.md): the per-application hashes kept on every change,
/// the instance states and tombstones a peer's digest asks for, and the answer to a digest. Reads only: a round
/// changes nothing here, its repairs travel as ordinary replication items.
extension InstanceRegistry {
    // MARK: keeping the digest (called where leases change: register, recordChange, restore, stored overrides)

    /// The lease's state changed (or it replaced `replacing`): its application's hash follows.
    func digestChanged(_ lease: Lease, app: String, replacing previous: Lease? = nil) {
        if lease.metadataHash == 0 { lease.metadataHash = metadataHashes.hash(lease.instance.metadata) }
        let hash = digestState(of: lease).hash
        var old = lease.digestHash
        if let previous, previous !== lease {
            old = previous.digestHash
            previous.digestHash = nil
        }
        digests.replace(app: app, old: old, new: hash)
        lease.digestHash = hash
    }

    /// The lease left the registry (cancel or eviction): out of its application's hash, and a tombstone.
    func digestRemoved(_ lease: Lease, now: Int64) {
        let app = lease.instance.app
        if let old = lease.digestHash {
            digests.replace(app: app, old: old, new: nil)
            lease.digestHash = nil
        }
        tombstones.record(app: app, id: lease.id, lastDirtyTimestamp: lease.instance.lastDirtyTimestamp, now: now)
    }

    func digestState(of lease: Lease) -> InstanceDigestState {
        InstanceDigestState(id: lease.id, lastDirtyTimestamp: lease.instance.lastDirtyTimestamp, status: lease.instance.status,
                            overriddenStatus: lease.instance.overriddenStatus, overrideChangedAt: lease.overrideChangedAt,
                            metadataHash: lease.metadataHash != 0 ? lease.metadataHash : AntiEntropyHash.metadata(lease.instance.metadata),
                            metadataChangedAt: lease.metadataChangedAt)
    }

    /// A registration made `lease`: its metadata hash, and the time its metadata last changed on this node (the
    /// previous lease's time when it did not). A metadata update (4.9) or a peer's Register carrying one keeps the
    /// dirty timestamp, so this time decides whose metadata is newer when two nodes hold the same dirty timestamp.
    func noteMetadataChange(_ lease: Lease, replacing existing: Lease?, now: Int64) {
        let hash = metadataHashes.hash(lease.instance.metadata)
        lease.metadataHash = hash
        guard let existing else { return }
        let previous = existing.metadataHash != 0 ? existing.metadataHash : AntiEntropyHash.metadata(existing.instance.metadata)
        lease.metadataChangedAt = previous != hash ? now : existing.metadataChangedAt
    }

    // MARK: reading it

    /// Application name -> hash, for every application with a lease: O(applications).
    var applicationHashes: [String: UInt64] { digests.sums.mapValues(\.sum) }

    /// The same hashes computed from every lease: what the kept ones must always equal (tests, diagnostics).
    func recomputedApplicationHashes() -> [String: UInt64] {
        apps.compactMapValues { leases in
            leases.isEmpty ? nil : leases.values.reduce(UInt64(0)) { sum, lease in
                var state = digestState(of: lease)
                state.metadataHash = AntiEntropyHash.metadata(lease.instance.metadata)  // not the lease's kept one
                return sum &+ state.hash
            }
        }
    }

    /// Every instance state of an application (empty when it has no lease).
    func digestStates(of app: String) -> [String: InstanceDigestState] {
        (apps[app] ?? [:]).mapValues(digestState(of:))
    }

    /// The application's live tombstones, id -> dirty timestamp at removal (expired ones are dropped first).
    func tombstoneStates(of app: String) -> [String: Int64] {
        tombstones.expire(now: time.nowMillis())
        return tombstones.entries(of: app).mapValues(\.lastDirtyTimestamp)
    }

    /// Tombstones held, for /metrics and tests.
    var tombstoneCount: Int {
        tombstones.expire(now: time.nowMillis())
        return tombstones.count
    }

    // MARK: answering a peer's digest (the B side)

    /// For each application whose hash differs from `peerHashes` or that only one side has: this node's states and
    /// tombstones. Whole applications until `limit` states; what does not fit waits for a later round
    /// (`truncated`). The differing applications are taken from a random starting point, so applications that
    /// keep differing cannot starve the others. An application larger than `limit` on its own is sent whole.
    func digestReply(to peerHashes: [String: UInt64], limit: Int) -> DigestReply {
        tombstones.expire(now: time.nowMillis())
        var differing: [String] = []
        for (app, entry) in digests.sums where peerHashes[app] != entry.sum { differing.append(app) }
        for app in peerHashes.keys where digests.sums[app] == nil { differing.append(app) }
        differing.sort(by: bytewiseLess)
        var reply = DigestReply()
        guard !differing.isEmpty else { return reply }
        let start = differing.count > 1 ? random.nextIndex(below: differing.count) : 0
        var sent = 0
        for offset in 0..<differing.count {
            let app = differing[(start + offset) % differing.count]
            let leases = apps[app] ?? [:]
            if sent > 0, sent + leases.count > limit {
                reply.truncated = true
                break
            }
            sent += leases.count
            reply.apps.append(DigestReply.Application(
                name: app, states: leases.values.map(digestState(of:)),
                tombstones: tombstones.entries(of: app).map { TombstoneState(id: $0.key, lastDirtyTimestamp: $0.value.lastDirtyTimestamp) }))
        }
        return reply
    }
}

/// A node's answer to a peer's digest (docs/anti-entropy.md, step 2).
struct DigestReply: Sendable, Equatable {
    struct Application: Sendable, Equatable {
        var name: String
        var states: [InstanceDigestState]
        var tombstones: [TombstoneState]
    }

    var apps: [Application] = []
    /// More applications differ than one reply carries: the rest come in a later round.
    var truncated = false

    var stateCount: Int { apps.reduce(0) { $0 + $1.states.count } }
}
