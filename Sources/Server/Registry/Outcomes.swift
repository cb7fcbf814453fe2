/// What each registry operation did (spec 4.4-4.9, with the heartbeat's dirty-timestamp table of 2.2). The registry
/// never picks a status code: `CommandReply` in API/ maps these for the direct endpoints and the batch alike, and
/// replication reads the same values for its per-item results (7.7).

/// renew (4.5) followed by the dirty-timestamp comparison of 2.2 step 3. The lease is renewed (and the heartbeat
/// event sent) in every case but `unknownInstance`.
enum RenewOutcome: Sendable, Equatable {
    /// Renewed; the sender's timestamp was absent, equal, the check is off, or it is older on a client request.
    case renewed
    /// No lease, or the status rules computed UNKNOWN: the client must re-register (nothing renewed).
    case unknownInstance
    /// Renewed, but the sender's lastDirtyTimestamp is newer than the stored one: the stored copy is stale and the
    /// sender must (re-)register it. A replicated heartbeat's override was stored (4.10).
    case senderNewer
    /// Renewed, but a replicated heartbeat carried an older lastDirtyTimestamp: the peer must adopt this record.
    /// Indirect: an inline record would make every outcome ~300 bytes, copied and destroyed on each heartbeat.
    indirect case registryNewer(InstanceInfo)
}

/// cancel (4.6).
enum CancelOutcome: Sendable, Equatable {
    case cancelled
    /// No lease existed (unknown app or id, or cancelled already).
    case unknownInstance
}

/// statusUpdate (4.7). `unchanged` still renewed the lease and is still replicated (4.12).
enum StatusUpdateOutcome: Sendable, Equatable {
    case updated
    case unchanged
    /// Not visible (2.7 rules): no lease, or expired while expiry is enabled.
    case unknownInstance
}

/// deleteStatusOverride (4.8). `noOverride` still renewed the lease and is still replicated (4.12).
enum OverrideRemovalOutcome: Sendable, Equatable {
    case removed
    case noOverride
    case unknownInstance
}

/// Metadata update (4.9): merged and re-registered, or the instance is not visible.
enum MetadataOutcome: Sendable, Equatable {
    case updated
    case unknownInstance
    /// The merged metadata would break a bound of `RegistryLimits` (the message says which): nothing changed.
    case tooLarge(String)
}

/// A record's status and dirty timestamp, read without copying the record (replication items, 7.4).
struct RecordState: Sendable, Equatable {
    var status: InstanceStatus
    var lastDirtyTimestamp: Int64
}
