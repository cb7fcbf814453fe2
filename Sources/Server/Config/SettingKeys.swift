/// One known setting: its Spring name (as Spring users write it), how a text value lands in the config, and how the
/// effective value reads back for `--print-config`.
struct SettingKey: Sendable {
    enum Kind: Sendable, Equatable {
        /// Drives this node.
        case applied
        /// Accepted (and its value checked) so that Netflix and Spring configurations start; does nothing here.
        case noEffect(String)
        /// Read by the loader itself to find files and profiles (`spring.config.location`, `spring.profiles.active`).
        case loader
    }

    let name: String
    let help: String
    let kind: Kind
    /// A list setting: a YAML list, indexed keys (`name[0]`) and a comma string all give it.
    let isList: Bool
    let apply: @Sendable (inout ServerConfig, String) throws(ConfigError) -> Void
    /// The effective value as text; nil for settings without a field of their own.
    let read: (@Sendable (ServerConfig) -> String)?

    init(_ name: String, _ help: String, kind: Kind = .applied, isList: Bool = false,
         read: (@Sendable (ServerConfig) -> String)?,
         apply: @escaping @Sendable (inout ServerConfig, String) throws(ConfigError) -> Void) {
        self.name = name
        self.help = help
        self.kind = kind
        self.isList = isList
        self.apply = apply
        self.read = read
    }
}

/// The table of every accepted name (spec 9). Names marked "no effect" are accepted and validated so that
/// configurations written for Netflix or Spring start unchanged; `--help` and README say so.
enum SettingKeys {
    static let all: [SettingKey] = server + eurekaServer + noEffectServer + other + node + security + loader

    private static let server: [SettingKey] = [
        int("server.port", "listen port; 0 picks a free one", 0...65535, \.port),
        string("server.address", "bind address (IPv4 or IPv6 literal)", \.address),
    ]

    private static let eurekaServer: [SettingKey] = [
        ms("eureka.server.eviction-interval-timer-in-ms", "eviction period", min: 1, \.evictionIntervalTimerInMs),
        bool("eureka.server.enable-self-preservation", "stop expiring leases when renewals fall below the threshold", \.enableSelfPreservation),
        SettingKey("eureka.server.renewal-percent-threshold", "renewal threshold factor, 0 < x <= 1",
                   read: { String($0.renewalPercentThreshold) }) { config, text throws(ConfigError) in
            guard let value = Double(text.trimmingSpaces), value > 0, value <= 1 else {
                throw ConfigError.badValue(name: "eureka.server.renewal-percent-threshold", value: text)
            }
            config.renewalPercentThreshold = value
        },
        ms("eureka.server.renewal-threshold-update-interval-ms", "threshold update period", min: 1, \.renewalThresholdUpdateIntervalMs),
        int("eureka.server.expected-client-renewal-interval-seconds", "client renewal interval (<= 0 means 30)", Int.min...Int.max, \.expectedClientRenewalIntervalSeconds),
        ms("eureka.server.delta-retention-timer-interval-in-ms", "delta retention task period", min: 1, \.deltaRetentionTimerIntervalInMs),
        ms("eureka.server.retention-time-in-m-s-in-delta-queue", "how long a change stays in deltas", min: 0, \.retentionTimeInMSInDeltaQueue),
        ms("eureka.server.response-cache-update-interval-ms", "read-only cache refresh period", min: 1, \.responseCacheUpdateIntervalMs),
        ms("eureka.server.response-cache-auto-expiration-in-seconds", "read-write cache entry lifetime (s)", min: 0, \.responseCacheAutoExpirationInSeconds),
        bool("eureka.server.use-read-only-response-cache", "serve through the read-only cache level", \.useReadOnlyResponseCache),
        bool("eureka.server.disable-delta", "answer 403 to delta fetches", \.disableDelta),
        ms("eureka.server.wait-time-in-ms-when-sync-empty", "empty-sync 403 window", min: 0, \.waitTimeInMsWhenSyncEmpty),
        int("eureka.server.registry-sync-retries", "start-up sync attempts", 0...Int.max, \.registrySyncRetries),
        ms("eureka.server.registry-sync-retry-wait-ms", "pause between sync attempts", min: 0, \.registrySyncRetryWaitMs),
        ms("eureka.server.peer-eureka-nodes-update-interval-ms", "peer list re-evaluation period", min: 1, \.peerEurekaNodesUpdateIntervalMs),
        ms("eureka.server.peer-node-connect-timeout-ms", "peer connect timeout", min: 0, \.peerNodeConnectTimeoutMs),
        ms("eureka.server.peer-node-read-timeout-ms", "peer read timeout", min: 0, \.peerNodeReadTimeoutMs),
        ms("eureka.server.peer-node-connection-idle-timeout-seconds", "idle peer connections closed after (s)", min: 0, \.peerNodeConnectionIdleTimeoutSeconds),
        int("eureka.server.max-elements-in-peer-replication-pool", "per-peer pending pool", 0...Int.max, \.maxElementsInPeerReplicationPool),
        int("eureka.server.max-threads-for-peer-replication", "batches in flight per peer", 0...Int.max, \.maxThreadsForPeerReplication),
        ms("eureka.server.max-time-for-replication", "expiry of replication tasks", min: 0, \.maxTimeForReplication),
        bool("eureka.server.sync-when-timestamp-differs", "dirty-timestamp checks on heartbeats", \.syncWhenTimestampDiffers),
        bool("eureka.server.enable-replicated-request-compression", "gzip outgoing batches", \.enableReplicatedRequestCompression),
        optionalString("eureka.server.my-url", "this node's own service URL", \.myUrl),
        int("eureka.server.min-available-instances-for-peer-replication", "/status healthy threshold", -1...Int.max, \.minAvailableInstancesForPeerReplication),
        bool("eureka.server.rate-limiter-enabled", "answer 503 over the fetch rate limit", \.rateLimiterEnabled),
        bool("eureka.server.rate-limiter-throttle-standard-clients", "limit DefaultClient/DefaultServer too", \.rateLimiterThrottleStandardClients),
        list("eureka.server.rate-limiter-privileged-clients", "extra privileged client names, a list", \.rateLimiterPrivilegedClients),
        int("eureka.server.rate-limiter-burst-size", "bucket capacity", Int.min...Int.max, \.rateLimiterBurstSize),
        int("eureka.server.rate-limiter-registry-fetch-average-rate", "fetches per second", Int.min...Int.max, \.rateLimiterRegistryFetchAverageRate),
        int("eureka.server.rate-limiter-full-fetch-average-rate", "full fetches per second", Int.min...Int.max, \.rateLimiterFullFetchAverageRate),
    ]

    /// Accepted so Netflix/Spring configurations start, with no effect here (spec 9.1): JVM pool and thread tuning
    /// (one loop here), status replication (one replication path here), remote regions.
    private static let noEffectServer: [SettingKey] = [
        ignoredInt("eureka.server.peer-node-total-connections", "JVM connection pool size"),
        ignoredInt("eureka.server.peer-node-total-connections-per-host", "JVM connection pool size"),
        ignoredInt("eureka.server.min-threads-for-peer-replication", "no replication threads here"),
        ignoredInt("eureka.server.max-idle-thread-age-in-minutes-for-peer-replication", "no replication threads here"),
        ignoredInt("eureka.server.max-elements-in-status-replication-pool", "status changes replicate with the rest"),
        ignoredInt("eureka.server.max-threads-for-status-replication", "status changes replicate with the rest"),
        ignoredInt("eureka.server.min-threads-for-status-replication", "status changes replicate with the rest"),
        ignoredInt("eureka.server.max-idle-thread-in-minutes-age-for-status-replication", "status changes replicate with the rest"),
        ignoredBool("eureka.server.batch-replication", "batching is always on"),
        ignoredInt("eureka.server.number-of-replication-retries", "unused upstream too"),
        ignoredInt("eureka.server.peer-eureka-status-refresh-time-interval-ms", "unused upstream too"),
        ignoredInt("eureka.server.initial-capacity-of-response-cache", "a sizing hint"),
        ignoredText("eureka.server.json-codec-name", "one JSON codec here"),
        ignoredText("eureka.server.xml-codec-name", "one XML codec here"),
        ignoredBool("eureka.server.log-identity-headers", "not logged"),
        ignoredBool("eureka.server.disable-delta-for-remote-regions", "no remote regions"),
        ignoredBool("eureka.server.disable-transparent-fallback-to-other-region", "no remote regions"),
        ignoredBool("eureka.server.g-zip-content-from-remote-region", "no remote regions"),
        ignoredBool("eureka.client.register-with-eureka", "this node never registers with its peers as a client"),
        ignoredBool("eureka.client.fetch-registry", "this node never fetches from its peers as a client"),
    ]

    /// Whole families under `eureka.server.` accepted with no effect (spec 9.1: AWS, remote regions,
    /// experimental), by relaxed prefix; their values are not checked.
    static let noEffectFamilies: [(relaxedPrefix: String, shown: String, reason: String)] = [
        ("eureka.server.remoteregion", "eureka.server.remote-region-*", "no remote regions"),
        ("eureka.server.asg", "eureka.server.a-s-g-*", "no AWS integration"),
        ("eureka.server.eip", "eureka.server.e-i-p-*", "no AWS integration"),
        ("eureka.server.route53", "eureka.server.route53-*", "no AWS integration"),
        ("eureka.server.aws", "eureka.server.aws-*", "no AWS integration"),
        ("eureka.server.bindingstrategy", "eureka.server.binding-strategy", "no AWS integration"),
        ("eureka.server.primeawsreplicaconnections", "eureka.server.prime-aws-replica-connections", "no AWS integration"),
        ("eureka.server.useawsasgapi", "eureka.server.use-aws-asg-api", "no AWS integration"),
        ("eureka.server.listautoscalinggroupsrolename", "eureka.server.list-auto-scaling-groups-role-name", "no AWS integration"),
        ("eureka.server.experimental.", "eureka.server.experimental.*", "not supported (spec 2.1, 7.4)"),
    ]

    private static let other: [SettingKey] = [
        list("eureka.client.service-url.defaultZone", "peer service URLs (http://), a list; the fallback of every zone", \.serviceUrlDefaultZone),
        string("eureka.client.region", "region whose availability zones list the peers' zones", \.region),
        optionalString("eureka.instance.hostname", "this node's host name (default: the machine's)", \.instanceHostname),
        SettingKey("spring.application.name", "this node's application name", read: { $0.applicationName }) { config, text throws(ConfigError) in
            config.applicationName = text.uppercased()
        },
        string("eureka.environment", "environment shown by /status", \.environment),
        int("eureka.instance.registry.default-open-for-traffic-count", "expected clients when the sync copied nothing", 0...Int.max, \.defaultOpenForTrafficCount),
        int("eureka.instance.registry.expected-number-of-clients-sending-renews", "expected clients before opening", 0...Int.max, \.expectedNumberOfClientsSendingRenews),
    ] + logging

    private static let logging: [SettingKey] = [
        SettingKey("logging.format", "log line format on stderr: logfmt or json", read: { $0.logging.format.rawValue }) { config, text throws(ConfigError) in
            guard let format = LogSettings.Format(rawValue: text.trimmingSpaces.lowercased()) else {
                throw ConfigError.badValue(name: "logging.format", value: text)
            }
            config.logging.format = format
        },
        SettingKey("logging.level.root", "threshold of start/shutdown lines and default of the others: trace, debug, info, warn, error, off",
                   read: { $0.logging.rootLevel.name }) { config, text throws(ConfigError) in
            config.logging.rootLevel = try level("logging.level.root", text)
        },
        SettingKey("logging.level.eureka", "threshold of registry, replication and sync lines (default: the root level)",
                   read: { $0.logging.eurekaLevel?.name ?? "" }) { config, text throws(ConfigError) in
            config.logging.eurekaLevel = text.trimmingSpaces.isEmpty ? nil : try level("logging.level.eureka", text)
        },
    ]

    private static func level(_ name: String, _ text: String) throws(ConfigError) -> LogLevel {
        guard let level = LogLevel(name: String(text.trimmingSpaces)) else { throw ConfigError.badValue(name: name, value: text) }
        return level
    }

    private static let node: [SettingKey] = [
        bool("eureka.node.exact-lease-expiry", "renewed leases expire one duration after the renewal", \.exactLeaseExpiry),
        int("eureka.node.max-request-body-bytes", "request body limit (413 beyond)", 0...Int.max, \.maxRequestBodyBytes),
        int("eureka.node.max-header-bytes", "request line + headers limit (431 beyond)", 256...Int.max, \.maxHeaderBytes),
        ms("eureka.node.idle-timeout-ms", "idle keep-alive connections closed after", min: 1, \.idleTimeoutMs),
        ms("eureka.node.request-timeout-ms", "a request must arrive within this time of its first byte", min: 1, \.requestTimeoutMs),
        int("eureka.node.max-connections", "connections beyond this are closed at once", 1...Int.max, \.maxConnections),
        ms("eureka.node.write-timeout-ms", "a connection whose output does not move for this long is closed", min: 1, \.writeTimeoutMs),
        int("eureka.node.max-superseded-payload-bytes", "old cached-document versions kept alive by writing connections; past it their holders are closed",
            0...Int.max, \.maxSupersededPayloadBytes),
        bool("eureka.node.overload-guard-enabled", "answer full and delta fetches 503 + Retry-After while the loop lags or bulk writes back up",
             \.overloadGuardEnabled),
        int("eureka.node.overload-max-loop-lag-ms", "overload guard: loop lag threshold", 1...Int.max, \.overloadMaxLoopLagMs),
        int("eureka.node.overload-max-bulk-backlog-bytes", "overload guard: unwritten large-body bytes threshold", 0...Int.max,
            \.overloadMaxBulkBacklogBytes),
        int("eureka.node.overload-retry-after-seconds", "overload guard: Retry-After of its 503", 0...86_400, \.overloadRetryAfterSeconds),
        int("eureka.node.overload-refusal-delay-ms", "overload guard: its 503 leaves this long after the request (0: at once)",
            0...60_000, \.overloadRefusalDelayMs),
        bool("eureka.node.immediate-cache-propagation", "regenerate cached payloads on every change", \.immediateCachePropagation),
        bool("eureka.node.change-stream-enabled", "serve GET /eureka/stream (server-sent events) and the long-poll delta (waitVersion)",
             \.changeStreamEnabled),
        int("eureka.node.change-stream-max-queued-bytes", "change stream: unsent bytes per stream; past it the stream is closed",
            1_024...Int.max, \.changeStreamMaxQueuedBytes),
        int("eureka.node.change-stream-max-subscribers", "change stream: open streams plus held long polls (503 + Retry-After beyond)",
            1...Int.max, \.changeStreamMaxSubscribers),
        SettingKey("eureka.node.anti-entropy-interval-ms",
                   "anti-entropy (docs/anti-entropy.md): period of the digest round with each peer, jittered by up to 10% (0: off; else >= 5000)",
                   read: { String($0.antiEntropyIntervalMs) }) { config, text throws(ConfigError) in
            guard let value = Int64(text.trimmingSpaces), value == 0 || value >= 5_000 else {
                throw ConfigError.badValue(name: "eureka.node.anti-entropy-interval-ms", value: text)
            }
            config.antiEntropyIntervalMs = value
        },
        ms("eureka.node.anti-entropy-tombstone-ms",
           "anti-entropy: how long a cancelled or evicted id is remembered (at least 2x the interval; no effect while anti-entropy is off)",
           min: 1, \.antiEntropyTombstoneMs),
        string("eureka.node.snapshot-path", "warm restart: the registry snapshot file (empty: off)", \.snapshotPath),
        SettingKey("eureka.node.snapshot-interval-ms", "warm restart: snapshot period while the registry changes (0: only at shutdown; else >= 1000)",
                   read: { String($0.snapshotIntervalMs) }) { config, text throws(ConfigError) in
            guard let value = Int64(text.trimmingSpaces), value == 0 || value >= 1_000 else {
                throw ConfigError.badValue(name: "eureka.node.snapshot-interval-ms", value: text)
            }
            config.snapshotIntervalMs = value
        },
        bool("eureka.node.metrics-enabled", "serve /metrics and /actuator/prometheus", \.metricsEnabled),
        bool("eureka.dashboard.enabled", "serve the HTML dashboard", \.dashboardEnabled),
        string("eureka.dashboard.path", "dashboard path", \.dashboardPath),
    ] + bounds

    /// Issue #18: what one client or peer can make the node hold. Defaults far above real clients' needs.
    private static let bounds: [SettingKey] = [
        int("eureka.node.max-instances", "new instances beyond this are refused with 503 (re-registrations and heartbeats of existing ones still work); 0 = no limit", 0...Int.max, \.maxInstances),
        int("eureka.node.max-metadata-entries", "metadata entries per instance (400 beyond)", 0...Int.max, \.maxMetadataEntries),
        int("eureka.node.max-metadata-key-bytes", "bytes of one metadata key (400 beyond)", 1...Int.max, \.maxMetadataKeyBytes),
        int("eureka.node.max-metadata-value-bytes", "bytes of one metadata value (400 beyond)", 0...Int.max, \.maxMetadataValueBytes),
        ms("eureka.node.loop-probe-interval-ms", "period of the loop lag probe (eureka_loop_lag_seconds)", min: 1, \.loopProbeIntervalMs),
        string("eureka.node.loop-profile-path", "bench/debug only: at stop, write the loop thread's CPU time per callback kind to this file (empty: off; on, every callback reads the thread's CPU clock twice)", \.loopProfilePath),
        int("eureka.node.loop-slice-us", "the loop thread's scheduler time slice (Linux 6.12+, sched_setattr), so it runs as soon as it wakes instead of after the rest of another thread's slice; 0 (default): the kernel's default (payload builds run under SCHED_IDLE, which a woken loop preempts anyway); the kernel keeps it within 100-100,000; set by the eureka-server executable only (an embedding host's threads are its own)", 0...100_000, \.loopSliceMicros),
        int("eureka.node.response-cache-max-entries", "cached per-application and VIP documents kept, least recently read evicted first", 1...Int.max, \.responseCacheMaxEntries),
    ]

    /// Read by ConfigLoader before anything else: where the files are and which profiles are active.
    private static let loader: [SettingKey] = [
        loaderKey("spring.config.location", "config files or directories (comma list; optional: allows a missing one)"),
        loaderKey("spring.config.name", "config file base name (default application)"),
        loaderKey("spring.config.import", "more config files, each overriding the file that imports it (optional:file:a.yml)"),
        loaderKey("spring.application.json", "a JSON object of settings (or SPRING_APPLICATION_JSON), above the environment"),
        loaderKey("spring.profiles.active", "active profiles (comma list)"),
        loaderKey("spring.profiles.include", "profiles active in addition (comma list)"),
        loaderKey("spring.config.activate.on-profile", "in a document: the profile expression selecting it"),
        loaderKey("spring.profiles", "in a document: the older name of on-profile"),
        loaderKey("spring.config.activate.on-cloud-platform", "in a document: kubernetes or none"),
    ]

    // MARK: names

    /// `eureka.server.evictionIntervalTimerInMs` and `eureka.server.eviction-interval-timer-in-ms` are one name:
    /// each dot-separated part compares with `-` and `_` removed and case ignored (Spring's relaxed binding).
    static func relaxed(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false)
            .map { segment in String(segment.filter { $0 != "-" && $0 != "_" }).lowercased() }
            .joined(separator: ".")
    }

    /// The environment-variable form, lower-cased: dots become `_`, dashes go (`SERVER_PORT`,
    /// `EUREKA_SERVER_ENABLESELFPRESERVATION`, `EUREKA_CLIENT_SERVICEURL_DEFAULTZONE`).
    static func environmentForm(_ name: String) -> String {
        relaxed(name).replacing(".", with: "_")
    }

    static let byRelaxedName: [String: SettingKey] = {
        var table: [String: SettingKey] = [:]
        for key in all { table[relaxed(key.name)] = key }
        return table
    }()

    static let byEnvironmentName: [String: SettingKey] = {
        var table: [String: SettingKey] = [:]
        for key in all { table[environmentForm(key.name)] = key }
        return table
    }()

    /// Our own namespaces: an unknown key under them is an error, not a warning (spec 9, OUR choice).
    static func isStrict(relaxedName: String) -> Bool {
        relaxedName.hasPrefix("eureka.server.") || relaxedName.hasPrefix("eureka.node.")
    }

    static func family(relaxedName: String) -> (shown: String, reason: String)? {
        noEffectFamilies.first { relaxedName.hasPrefix($0.relaxedPrefix) }.map { ($0.shown, $0.reason) }
    }

    /// Why a key outside our namespaces is ignored, for its warning line.
    static func foreignReason(relaxedName: String) -> String {
        let reasons: [(String, String)] = [
            ("spring.config.additionallocation", "not supported here; list every place in spring.config.location"),
            ("spring.profiles.group.", "not supported here; list the profiles in spring.profiles.active"),
            ("spring.security.", "of spring.security.* only user.name and user.password are read"),
            ("security.", "Spring Boot 1 names; use spring.security.user.name and .password"),
            ("server.ssl.", "plain HTTP only"),
            ("server.servlet.", "the paths are fixed (/eureka/, /eureka/v2/)"),
            ("eureka.client.", "this node is no Eureka client of its peers"),
            ("eureka.instance.", "this node does not register itself; of eureka.instance.* only hostname is read"),
            ("management.", "the actuator endpoints here are fixed"),
            ("logging.", "of logging.* only format, level.root and level.eureka are read"),
        ]
        return reasons.first { relaxedName.hasPrefix($0.0) }?.1 ?? "no such setting here"
    }

    // MARK: typed builders

    private static func int(_ name: String, _ help: String, _ range: ClosedRange<Int>,
                            _ field: WritableKeyPath<ServerConfig, Int> & Sendable) -> SettingKey {
        SettingKey(name, help, read: { String($0[keyPath: field]) }) { config, text throws(ConfigError) in
            guard let value = Int(text.trimmingSpaces), range.contains(value) else { throw ConfigError.badValue(name: name, value: text) }
            config[keyPath: field] = value
        }
    }

    private static func ms(_ name: String, _ help: String, min: Int64, _ field: WritableKeyPath<ServerConfig, Int64> & Sendable,
                           noEffect: String? = nil) -> SettingKey {
        SettingKey(name, help, kind: noEffect.map { .noEffect($0) } ?? .applied, read: { String($0[keyPath: field]) }) { config, text throws(ConfigError) in
            guard let value = Int64(text.trimmingSpaces), value >= min else { throw ConfigError.badValue(name: name, value: text) }
            config[keyPath: field] = value
        }
    }

    private static func bool(_ name: String, _ help: String, _ field: WritableKeyPath<ServerConfig, Bool> & Sendable) -> SettingKey {
        SettingKey(name, help, read: { String($0[keyPath: field]) }) { config, text throws(ConfigError) in
            config[keyPath: field] = try parseBool(name, text)
        }
    }

    private static func string(_ name: String, _ help: String, _ field: WritableKeyPath<ServerConfig, String> & Sendable) -> SettingKey {
        SettingKey(name, help, read: { $0[keyPath: field] }) { config, text throws(ConfigError) in config[keyPath: field] = text }
    }

    private static func optionalString(_ name: String, _ help: String, _ field: WritableKeyPath<ServerConfig, String?> & Sendable) -> SettingKey {
        SettingKey(name, help, read: { $0[keyPath: field] ?? "" }) { config, text throws(ConfigError) in config[keyPath: field] = text }
    }

    /// A comma string; blanks around items and empty items are dropped.
    private static func list(_ name: String, _ help: String, _ field: WritableKeyPath<ServerConfig, [String]> & Sendable) -> SettingKey {
        SettingKey(name, help, isList: true, read: { $0[keyPath: field].joined(separator: ",") }) { config, text throws(ConfigError) in
            config[keyPath: field] = text.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
        }
    }

    private static func parseBool(_ name: String, _ text: String) throws(ConfigError) -> Bool {
        switch text.trimmingSpaces.lowercased() {
        case "true": true
        case "false": false
        default: throw ConfigError.badValue(name: name, value: text)
        }
    }

    private static func ignoredInt(_ name: String, _ reason: String) -> SettingKey {
        SettingKey(name, "no effect: \(reason)", kind: .noEffect(reason), read: nil) { _, text throws(ConfigError) in
            guard Int(text.trimmingSpaces) != nil else { throw ConfigError.badValue(name: name, value: text) }
        }
    }

    private static func ignoredBool(_ name: String, _ reason: String) -> SettingKey {
        SettingKey(name, "no effect: \(reason)", kind: .noEffect(reason), read: nil) { _, text throws(ConfigError) in
            _ = try parseBool(name, text)
        }
    }

    private static func ignoredText(_ name: String, _ reason: String) -> SettingKey {
        SettingKey(name, "no effect: \(reason)", kind: .noEffect(reason), read: nil) { _, _ throws(ConfigError) in }
    }

    private static func loaderKey(_ name: String, _ help: String) -> SettingKey {
        SettingKey(name, help, kind: .loader, read: nil) { _, _ throws(ConfigError) in }
    }
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
