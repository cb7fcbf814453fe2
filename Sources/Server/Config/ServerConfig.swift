/// Every setting as a typed field with its default (spec 9: Netflix's default unless OUR column says
/// otherwise). Components never see this whole struct: the node hands each its own small settings.
public struct ServerConfig: Sendable, Equatable {
    // server.* (9.2)
    public var port = 8761
    public var address = "0.0.0.0"

    // eureka.server.* (9.1)
    public var evictionIntervalTimerInMs: Int64 = 60_000
    public var enableSelfPreservation = true
    public var renewalPercentThreshold = 0.85
    public var renewalThresholdUpdateIntervalMs: Int64 = 900_000
    public var expectedClientRenewalIntervalSeconds = 30
    public var deltaRetentionTimerIntervalInMs: Int64 = 30_000
    public var retentionTimeInMSInDeltaQueue: Int64 = 180_000
    public var responseCacheUpdateIntervalMs: Int64 = 30_000
    public var responseCacheAutoExpirationInSeconds: Int64 = 180
    public var useReadOnlyResponseCache = true
    public var disableDelta = false
    public var waitTimeInMsWhenSyncEmpty: Int64 = 300_000
    public var registrySyncRetries = 5
    public var registrySyncRetryWaitMs: Int64 = 30_000
    public var peerEurekaNodesUpdateIntervalMs: Int64 = 600_000
    public var peerNodeConnectTimeoutMs: Int64 = 1_000
    public var peerNodeReadTimeoutMs: Int64 = 5_000
    public var peerNodeConnectionIdleTimeoutSeconds: Int64 = 30
    public var maxElementsInPeerReplicationPool = 10_000
    public var maxThreadsForPeerReplication = 1
    public var maxTimeForReplication: Int64 = 30_000
    public var syncWhenTimestampDiffers = true
    public var enableReplicatedRequestCompression = false
    public var myUrl: String?
    public var minAvailableInstancesForPeerReplication = -1
    public var rateLimiterEnabled = false
    public var rateLimiterThrottleStandardClients = false
    public var rateLimiterPrivilegedClients: [String] = []
    public var rateLimiterBurstSize = 10
    public var rateLimiterRegistryFetchAverageRate = 500
    public var rateLimiterFullFetchAverageRate = 100

    // other (9.2)
    public var serviceUrlDefaultZone: [String] = []
    /// `eureka.client.service-url.<zone>` for zones other than defaultZone, by zone name as written (ZoneSettings).
    public var serviceUrlsByZone: [String: [String]] = [:]
    public var region = ZoneSettings.defaultRegion
    /// `eureka.client.availability-zones.<region>`, by region name as written.
    public var availabilityZones: [String: [String]] = [:]
    public var instanceHostname: String?
    public var applicationName = "EUREKA"
    public var environment = "test"
    public var defaultOpenForTrafficCount = 1
    public var expectedNumberOfClientsSendingRenews = 1

    // eureka.node.* (9.3) and the dashboard
    public var exactLeaseExpiry = false
    public var maxRequestBodyBytes = 1_048_576
    public var maxHeaderBytes = 16_384
    public var idleTimeoutMs: Int64 = 90_000
    public var requestTimeoutMs: Int64 = 30_000
    public var maxConnections = 19_000
    public var writeTimeoutMs: Int64 = 60_000
    public var maxSupersededPayloadBytes = 256 * 1024 * 1024
    public var overloadGuardEnabled = false
    public var overloadMaxLoopLagMs = 50
    public var overloadMaxBulkBacklogBytes = 512 * 1024 * 1024
    public var overloadRetryAfterSeconds = 1
    public var overloadRefusalDelayMs = 1_000
    public var immediateCachePropagation = false
    /// docs/change-stream.md: off by default.
    public var changeStreamEnabled = false
    public var changeStreamMaxQueuedBytes = 1 << 20
    public var changeStreamMaxSubscribers = 10_000
    /// Anti-entropy (docs/anti-entropy.md): 0 is off.
    public var antiEntropyIntervalMs: Int64 = 0
    public var antiEntropyTombstoneMs: Int64 = 600_000
    /// Warm restart (docs/warm-restart.md): empty is off.
    public var snapshotPath = ""
    public var snapshotIntervalMs: Int64 = 30_000
    public var metricsEnabled = true
    public var dashboardEnabled = true
    public var dashboardPath = "/"

    // bounds against hostile input (issue #18)
    public var maxInstances = 0
    public var maxMetadataEntries = 256
    public var maxMetadataKeyBytes = 256
    public var maxMetadataValueBytes = 4_096
    public var responseCacheMaxEntries = 10_000
    public var loopProbeIntervalMs: Int64 = 5
    /// Bench/debug only (issue 19): where a stopping node writes the loop thread's CPU per callback kind; empty: off.
    public var loopProfilePath = ""
    /// The loop thread's scheduler time slice in microseconds (issue 19, Loop/LoopThreadSlice.swift); 0: the
    /// kernel's default. Applied by the eureka-server executable only.
    public var loopSliceMicros = 0

    // logging.* (issue 17)
    public var logging = LogSettings()

    // spring.security.user.* and eureka.node.security.* (issue 18)
    public var security = SecuritySettings()

    public init() {}
}
