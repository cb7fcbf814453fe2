/// What the registry needs from the configuration (spec 9.1, 9.2, 9.3), with Netflix's defaults, so a registry built
/// with `RegistrySettings()` behaves as Netflix's does. Node builds it from `ServerConfig`.
struct RegistrySettings: Sendable, Equatable {
    /// Threshold factor of self-preservation (5.2) and of the eviction limit (5.1).
    var renewalPercentThreshold: Double = 0.85
    /// Renewals per client per minute = 60 / this; <= 0 counts as 30 (5.2).
    var expectedClientRenewalIntervalSeconds: Int = 30
    var enableSelfPreservation: Bool = true
    /// How long a change stays in the recently-changed list (5.4).
    var retentionTimeInMSInDeltaQueue: Int64 = 180_000
    /// The eviction period; the late-run compensation of 5.1 is measured against it.
    var evictionIntervalMs: Int64 = 60_000
    /// `eureka.node.exact-lease-expiry` (4.2): renew sets lastUpdateTimestamp = now instead of now + duration.
    var exactLeaseExpiry: Bool = false
    /// The heartbeat's dirty-timestamp check (2.2 step 3); off, every successful renew is `renewed`.
    var syncWhenTimestampDiffers: Bool = true
    /// `E` before the node opens for traffic (9.2, Spring's 1).
    var expectedNumberOfClientsSendingRenews: Int = 1
    /// This server's own instance id: the one record written with isCoordinatingDiscoveryServer = true (3.2).
    var serverInstanceId: String?
    /// What one record and the whole registry may hold (issue #18); checked for every client and peer command.
    var limits = RegistryLimits()
    /// `eureka.node.anti-entropy-tombstone-ms` while anti-entropy is on; 0 keeps no tombstones (docs/anti-entropy.md).
    var tombstoneRetentionMs: Int64 = 0
    /// Tombstones kept at most; past it the oldest removal is forgotten first.
    var tombstoneCapacity = 100_000

    init() {}
}
