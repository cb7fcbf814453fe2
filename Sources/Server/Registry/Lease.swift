/// One instance's lease (spec 4.1, 4.2; Netflix `core/lease/Lease`). A class because the recently-changed list
/// points at it: a delta shows the lease's record in its current state, and a cancelled lease keeps its
/// eviction timestamp for the DELETED entry after it left the registry map.
final class Lease {
    // Loop-confined like the registry: the fields a heartbeat touches skip the dynamic exclusivity checks.
    /// The key under which the registry stores it (the record's effective id), kept to avoid recomputing it.
    let id: String
    @exclusivity(unchecked) var instance: InstanceInfo
    let registrationTimestamp: Int64
    /// Netflix's "last update": after a renew it is renew time + duration (a time in the future), see `renew`.
    @exclusivity(unchecked) private(set) var lastUpdateTimestamp: Int64
    let durationMs: Int64
    private(set) var evictionTimestamp: Int64 = 0
    /// Carried over re-registrations by the registry (4.4 step 4).
    var serviceUpTimestamp: Int64 = 0
    /// What this lease adds to its application's anti-entropy hash (docs/anti-entropy.md); nil while not counted.
    var digestHash: UInt64?
    // Declared after the optional above, this flag fills the byte after its tag: with `metadataHash` kept without an
    // optional, a lease is 488 bytes, one malloc size class (16 bytes) below the 504 of the other orders.
    /// Restored from a snapshot and not yet renewed or re-registered (docs/warm-restart.md): not expected to
    /// renew by self-preservation, and evicted at expiry even while self-preservation holds. Read on every renew.
    @exclusivity(unchecked) var isProvisional = false
    /// When this node last set or removed the instance's override (ms, 0: never); carried over re-registrations.
    var overrideChangedAt: Int64 = 0
    /// The absolute position of this lease's entry in the recently-changed list, -1 when it has none (kept by
    /// `RecentChanges`, so the list needs no table of every changed instance).
    var changePosition = -1
    /// The record's metadata hash (AntiEntropyHash.metadata), computed when the lease is first counted: a lease's
    /// metadata never changes, a metadata update makes a new lease (4.9). 0: not computed yet (or metadata whose
    /// hash is 0, such as none: recomputed, which costs nothing for an empty map).
    var metadataHash: UInt64 = 0
    /// When this node last saw the metadata change without a newer dirty timestamp (ms, 0: never).
    var metadataChangedAt: Int64 = 0

    static let defaultDurationSecs = 90

    convenience init(instance: InstanceInfo, id: String, durationSecs: Int, now: Int64) {
        var record = instance
        self.init(taking: &record, id: id, durationSecs: durationSecs, now: now)
    }

    /// The lease of a record moved in, not copied (`instance` is left a default record): a copy retains and later
    /// releases the record's ~20 strings and buffers, ~850 instructions of a registration.
    init(taking instance: inout InstanceInfo, id: String, durationSecs: Int, now: Int64) {
        self.instance = InstanceInfo()
        swap(&self.instance, &instance)
        self.id = id
        self.registrationTimestamp = now
        self.lastUpdateTimestamp = now
        // Clamped to Java's int range (what Netflix reads these as), so the ms arithmetic below cannot
        // overflow whatever a peer or a synced document carries.
        let seconds = durationSecs > 0 ? min(durationSecs, Int(Int32.max)) : Self.defaultDurationSecs
        self.durationMs = Int64(seconds) * 1000
    }

    /// Netflix sets `lastUpdateTimestamp = now + duration` and then tests `now > lastUpdate + duration`, so a
    /// renewed lease lives 2 x duration. Upstream documents this as a bug kept for compatibility; we keep it by
    /// default so mixed clusters agree on expiry. `exact` (eureka.node.exact-lease-expiry) is the fixed arithmetic.
    func renew(now: Int64, exact: Bool) {
        lastUpdateTimestamp = exact ? now : now + durationMs
    }

    /// Only the first cancel counts: the DELETED entry must show when the lease actually ended.
    func cancel(now: Int64) {
        if evictionTimestamp <= 0 { evictionTimestamp = now }
    }

    /// Cancelled or evicted: out of the registry, kept only by the recently-changed list.
    var isCancelled: Bool { evictionTimestamp > 0 }

    /// The first UP of this registration chain; later ones do not move it.
    func serviceUp(now: Int64) {
        if serviceUpTimestamp == 0 { serviceUpTimestamp = now }
    }

    /// `extraMs` is eviction's late-run compensation (5.1); reads pass 0.
    func isExpired(now: Int64, extraMs: Int64 = 0) -> Bool {
        evictionTimestamp > 0 || now > lastUpdateTimestamp + durationMs + extraMs
    }

    /// The moment `isExpired` turns true without a renewal (reads pass no extra grace).
    var expiryDueAt: Int64 { lastUpdateTimestamp + durationMs }

    /// The record as every read writes it (4.11): leaseInfo rebuilt from this lease (3.5), and the coordinating
    /// flag recomputed (3.2).
    func decoratedInstance(serverInstanceId: String?) -> InstanceInfo {
        var record = instance
        var lease = LeaseInfo(
            renewalIntervalInSecs: positive(instance.leaseInfo?.renewalIntervalInSecs, else: 30),
            durationInSecs: positive(instance.leaseInfo?.durationInSecs, else: Self.defaultDurationSecs))
        lease.registrationTimestamp = registrationTimestamp
        lease.lastRenewalTimestamp = lastUpdateTimestamp
        lease.evictionTimestamp = evictionTimestamp
        lease.serviceUpTimestamp = serviceUpTimestamp
        record.leaseInfo = lease
        record.isCoordinatingDiscoveryServer = serverInstanceId == id
        return record
    }
}

private func positive(_ value: Int?, else fallback: Int) -> Int {
    guard let value, value > 0 else { return fallback }
    return value
}
