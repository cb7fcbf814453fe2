/// One known setting: its Spring name (kebab-case, as documented) and how a text value lands in the config.
struct SettingKey: Sendable {
    let name: String
    let help: String
    let apply: @Sendable (inout ServerConfig, String) throws(ConfigError) -> Void
}

/// The table of every accepted name (spec 9). Names marked "ignored" are accepted and validated so that
/// configurations written for Netflix or Spring start unchanged.
enum SettingKeys {
    static let all: [SettingKey] = server + eurekaServer + ignoredServer + other + node

    private static let server: [SettingKey] = [
        int("server.port", "listen port; 0 picks a free one", 0...65535) { $0.port = $1 },
        string("server.address", "bind address (IPv4 or IPv6 literal)") { $0.address = $1 },
    ]

    private static let eurekaServer: [SettingKey] = [
        ms("eureka.server.eviction-interval-timer-in-ms", "eviction period", min: 1) { $0.evictionIntervalTimerInMs = $1 },
        bool("eureka.server.enable-self-preservation", "self-preservation") { $0.enableSelfPreservation = $1 },
        SettingKey(name: "eureka.server.renewal-percent-threshold", help: "renewal threshold factor, 0 < x <= 1") { config, text throws(ConfigError) in
            guard let value = Double(text), value > 0, value <= 1 else { throw ConfigError.badValue(name: "eureka.server.renewal-percent-threshold", value: text) }
            config.renewalPercentThreshold = value
        },
        ms("eureka.server.renewal-threshold-update-interval-ms", "threshold update period", min: 1) { $0.renewalThresholdUpdateIntervalMs = $1 },
        int("eureka.server.expected-client-renewal-interval-seconds", "client renewal interval (<= 0 means 30)", Int.min...Int.max) { $0.expectedClientRenewalIntervalSeconds = $1 },
        ms("eureka.server.delta-retention-timer-interval-in-ms", "delta retention task period", min: 1) { $0.deltaRetentionTimerIntervalInMs = $1 },
        ms("eureka.server.retention-time-in-m-s-in-delta-queue", "how long a change stays in deltas", min: 0) { $0.retentionTimeInMSInDeltaQueue = $1 },
        ms("eureka.server.response-cache-update-interval-ms", "read-only cache refresh period", min: 1) { $0.responseCacheUpdateIntervalMs = $1 },
        ms("eureka.server.response-cache-auto-expiration-in-seconds", "read-write cache entry lifetime (s)", min: 0) { $0.responseCacheAutoExpirationInSeconds = $1 },
        bool("eureka.server.use-read-only-response-cache", "serve through the read-only cache level") { $0.useReadOnlyResponseCache = $1 },
        bool("eureka.server.disable-delta", "answer 403 to delta fetches") { $0.disableDelta = $1 },
        ms("eureka.server.wait-time-in-ms-when-sync-empty", "empty-sync 403 window", min: 0) { $0.waitTimeInMsWhenSyncEmpty = $1 },
        int("eureka.server.registry-sync-retries", "start-up sync attempts", 0...Int.max) { $0.registrySyncRetries = $1 },
        ms("eureka.server.registry-sync-retry-wait-ms", "pause between sync attempts", min: 0) { $0.registrySyncRetryWaitMs = $1 },
        ms("eureka.server.peer-eureka-nodes-update-interval-ms", "peer list re-evaluation period", min: 1) { $0.peerEurekaNodesUpdateIntervalMs = $1 },
        ms("eureka.server.peer-node-connect-timeout-ms", "peer connect timeout", min: 0) { $0.peerNodeConnectTimeoutMs = $1 },
        ms("eureka.server.peer-node-read-timeout-ms", "peer read timeout", min: 0) { $0.peerNodeReadTimeoutMs = $1 },
        ms("eureka.server.peer-node-connection-idle-timeout-seconds", "idle peer connections closed after (s)", min: 0) { $0.peerNodeConnectionIdleTimeoutSeconds = $1 },
        int("eureka.server.max-elements-in-peer-replication-pool", "per-peer pending pool", 0...Int.max) { $0.maxElementsInPeerReplicationPool = $1 },
        int("eureka.server.max-threads-for-peer-replication", "batches in flight per peer", 0...Int.max) { $0.maxThreadsForPeerReplication = $1 },
        ms("eureka.server.max-time-for-replication", "expiry of replication tasks", min: 0) { $0.maxTimeForReplication = $1 },
        bool("eureka.server.sync-when-timestamp-differs", "dirty-timestamp checks on heartbeats") { $0.syncWhenTimestampDiffers = $1 },
        bool("eureka.server.enable-replicated-request-compression", "gzip outgoing batches") { $0.enableReplicatedRequestCompression = $1 },
        string("eureka.server.my-url", "this node's own service URL") { $0.myUrl = $1 },
        int("eureka.server.min-available-instances-for-peer-replication", "/status healthy threshold", -1...Int.max) { $0.minAvailableInstancesForPeerReplication = $1 },
        bool("eureka.server.rate-limiter-enabled", "answer 503 over the fetch rate limit") { $0.rateLimiterEnabled = $1 },
        bool("eureka.server.rate-limiter-throttle-standard-clients", "limit DefaultClient/DefaultServer too") { $0.rateLimiterThrottleStandardClients = $1 },
        string("eureka.server.rate-limiter-privileged-clients", "extra privileged client names, comma list") {
            $0.rateLimiterPrivilegedClients = $1.split(separator: ",").map { String($0) }
        },
        int("eureka.server.rate-limiter-burst-size", "bucket capacity", Int.min...Int.max) { $0.rateLimiterBurstSize = $1 },
        int("eureka.server.rate-limiter-registry-fetch-average-rate", "fetches per second", Int.min...Int.max) { $0.rateLimiterRegistryFetchAverageRate = $1 },
        int("eureka.server.rate-limiter-full-fetch-average-rate", "full fetches per second", Int.min...Int.max) { $0.rateLimiterFullFetchAverageRate = $1 },
    ]

    /// Accepted so Netflix/Spring configurations start, with no effect here (spec 9.1).
    private static let ignoredServer: [SettingKey] = [
        ignoredInt("eureka.server.peer-node-total-connections"), ignoredInt("eureka.server.peer-node-total-connections-per-host"),
        ignoredInt("eureka.server.min-threads-for-peer-replication"),
        ignoredInt("eureka.server.max-idle-thread-age-in-minutes-for-peer-replication"),
        ignoredBool("eureka.server.batch-replication"), ignoredInt("eureka.server.number-of-replication-retries"),
        ignoredInt("eureka.server.peer-eureka-status-refresh-time-interval-ms"),
        ignoredInt("eureka.server.initial-capacity-of-response-cache"),
        ignoredText("eureka.server.json-codec-name"), ignoredText("eureka.server.xml-codec-name"),
        ignoredBool("eureka.client.register-with-eureka"), ignoredBool("eureka.client.fetch-registry"),
    ]

    private static let other: [SettingKey] = [
        string("eureka.client.service-url.default-zone", "peer service URLs, comma-separated") {
            $0.serviceUrlDefaultZone = $1.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
        },
        string("eureka.instance.hostname", "this node's host name") { $0.instanceHostname = $1 },
        string("spring.application.name", "this node's application name") { $0.applicationName = $1.uppercased() },
        string("eureka.environment", "environment shown by /status") { $0.environment = $1 },
        int("eureka.instance.registry.default-open-for-traffic-count", "expected clients when the sync copied nothing", 0...Int.max) { $0.defaultOpenForTrafficCount = $1 },
        int("eureka.instance.registry.expected-number-of-clients-sending-renews", "expected clients before opening", 0...Int.max) { $0.expectedNumberOfClientsSendingRenews = $1 },
    ]

    private static let node: [SettingKey] = [
        bool("eureka.node.exact-lease-expiry", "renewed leases expire one duration after the renewal") { $0.exactLeaseExpiry = $1 },
        int("eureka.node.max-request-body-bytes", "request body limit (413 beyond)", 0...Int.max) { $0.maxRequestBodyBytes = $1 },
        int("eureka.node.max-header-bytes", "request line + headers limit (431 beyond)", 256...Int.max) { $0.maxHeaderBytes = $1 },
        ms("eureka.node.idle-timeout-ms", "idle keep-alive connections closed after", min: 1) { $0.idleTimeoutMs = $1 },
        ms("eureka.node.request-timeout-ms", "a request must arrive within this time of its first byte", min: 1) { $0.requestTimeoutMs = $1 },
        int("eureka.node.max-connections", "connections beyond this are closed at once", 1...Int.max) { $0.maxConnections = $1 },
        bool("eureka.node.immediate-cache-propagation", "regenerate cached payloads on every change") { $0.immediateCachePropagation = $1 },
        ms("eureka.node.anti-entropy-interval-ms", "anti-entropy period (planned; 0 = off)", min: 0) { $0.antiEntropyIntervalMs = $1 },
        bool("eureka.node.metrics-enabled", "serve /metrics and /actuator/prometheus") { $0.metricsEnabled = $1 },
        bool("eureka.dashboard.enabled", "serve the HTML dashboard") { $0.dashboardEnabled = $1 },
        string("eureka.dashboard.path", "dashboard path") { $0.dashboardPath = $1 },
    ]

    // MARK: typed builders

    private static func int(_ name: String, _ help: String, _ range: ClosedRange<Int>,
                            _ set: @escaping @Sendable (inout ServerConfig, Int) -> Void) -> SettingKey {
        SettingKey(name: name, help: help) { config, text throws(ConfigError) in
            guard let value = Int(text.trimmingSpaces), range.contains(value) else { throw ConfigError.badValue(name: name, value: text) }
            set(&config, value)
        }
    }

    private static func ms(_ name: String, _ help: String, min: Int64,
                           _ set: @escaping @Sendable (inout ServerConfig, Int64) -> Void) -> SettingKey {
        SettingKey(name: name, help: help) { config, text throws(ConfigError) in
            guard let value = Int64(text.trimmingSpaces), value >= min else { throw ConfigError.badValue(name: name, value: text) }
            set(&config, value)
        }
    }

    private static func bool(_ name: String, _ help: String,
                             _ set: @escaping @Sendable (inout ServerConfig, Bool) -> Void) -> SettingKey {
        SettingKey(name: name, help: help) { config, text throws(ConfigError) in
            switch text.trimmingSpaces.lowercased() {
            case "true": set(&config, true)
            case "false": set(&config, false)
            default: throw ConfigError.badValue(name: name, value: text)
            }
        }
    }

    private static func string(_ name: String, _ help: String,
                               _ set: @escaping @Sendable (inout ServerConfig, String) -> Void) -> SettingKey {
        SettingKey(name: name, help: help) { config, text throws(ConfigError) in set(&config, text) }
    }

    private static func ignoredInt(_ name: String) -> SettingKey { int(name, "accepted, no effect", Int.min...Int.max) { _, _ in } }
    private static func ignoredBool(_ name: String) -> SettingKey { bool(name, "accepted, no effect") { _, _ in } }
    private static func ignoredText(_ name: String) -> SettingKey { string(name, "accepted, no effect") { _, _ in } }
}

extension StringProtocol {
    /// Without surrounding blanks and line breaks: a value from a file or environment variable may end in one,
    /// and a wrapped `defaultZone` list has them around its commas.
    var trimmingSpaces: Substring {
        let text = Substring(self)
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = text.lastIndex(where: { !isBlank($0) })!
        return text[first...last]
    }
}
