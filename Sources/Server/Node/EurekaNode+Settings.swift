/// ServerConfig translated into the settings structs of the components that take one, so that those components
/// stay free of ServerConfig and their tests can build settings directly.
extension EurekaNode {
    static func registrySettings(_ config: ServerConfig, ownId: String) -> RegistrySettings {
        var settings = RegistrySettings()
        settings.renewalPercentThreshold = config.renewalPercentThreshold
        settings.expectedClientRenewalIntervalSeconds = config.expectedClientRenewalIntervalSeconds
        settings.enableSelfPreservation = config.enableSelfPreservation
        settings.retentionTimeInMSInDeltaQueue = config.retentionTimeInMSInDeltaQueue
        settings.evictionIntervalMs = config.evictionIntervalTimerInMs
        settings.exactLeaseExpiry = config.exactLeaseExpiry
        settings.syncWhenTimestampDiffers = config.syncWhenTimestampDiffers
        settings.expectedNumberOfClientsSendingRenews = config.expectedNumberOfClientsSendingRenews
        settings.serverInstanceId = ownId
        // Tombstones serve only anti-entropy: none are kept while it is off.
        settings.tombstoneRetentionMs = config.antiEntropyIntervalMs > 0 ? config.antiEntropyTombstoneMs : 0
        settings.limits.maxInstances = config.maxInstances
        settings.limits.maxMetadataEntries = config.maxMetadataEntries
        settings.limits.maxMetadataKeyBytes = config.maxMetadataKeyBytes
        settings.limits.maxMetadataValueBytes = config.maxMetadataValueBytes
        return settings
    }

    static func apiSettings(_ config: ServerConfig) -> EurekaAPI.Settings {
        var settings = EurekaAPI.Settings()
        settings.syncWhenTimestampDiffers = config.syncWhenTimestampDiffers
        settings.disableDelta = config.disableDelta
        settings.maxBodyBytes = config.maxRequestBodyBytes
        settings.rateLimiter.enabled = config.rateLimiterEnabled
        settings.rateLimiter.throttleStandardClients = config.rateLimiterThrottleStandardClients
        settings.rateLimiter.privilegedClients = config.rateLimiterPrivilegedClients
        settings.rateLimiter.burstSize = config.rateLimiterBurstSize
        settings.rateLimiter.registryFetchAverageRate = config.rateLimiterRegistryFetchAverageRate
        settings.rateLimiter.fullFetchAverageRate = config.rateLimiterFullFetchAverageRate
        settings.overloadRetryAfterSeconds = config.overloadRetryAfterSeconds
        return settings
    }

    static func overloadSettings(_ config: ServerConfig) -> OverloadGuard.Settings {
        OverloadGuard.Settings(enabled: config.overloadGuardEnabled, maxLoopLagMs: config.overloadMaxLoopLagMs,
                               maxBulkBacklogBytes: config.overloadMaxBulkBacklogBytes,
                               retryAfterSeconds: config.overloadRetryAfterSeconds, refusalDelayMs: config.overloadRefusalDelayMs)
    }

    static func streamSettings(_ config: ServerConfig) -> StreamHub.Settings {
        var settings = StreamHub.Settings()
        settings.maxQueuedBytes = config.changeStreamMaxQueuedBytes
        settings.maxSubscribers = config.changeStreamMaxSubscribers
        return settings
    }

    static func cacheSettings(_ config: ServerConfig) -> ResponseCache.Settings {
        var settings = ResponseCache.Settings()
        settings.useReadOnlyLevel = config.useReadOnlyResponseCache
        settings.autoExpirationMs = config.responseCacheAutoExpirationInSeconds * 1_000
        settings.immediatePropagation = config.immediateCachePropagation
        settings.maxNamedEntries = config.responseCacheMaxEntries
        return settings
    }

    static func httpSettings(_ config: ServerConfig) -> HTTPServerSettings {
        var settings = HTTPServerSettings()
        settings.host = config.address
        settings.port = config.port
        settings.maxConnections = config.maxConnections
        settings.maxHeaderBytes = config.maxHeaderBytes
        settings.maxBodyBytes = config.maxRequestBodyBytes
        settings.idleTimeoutMs = UInt64(config.idleTimeoutMs)
        settings.requestTimeoutMs = UInt64(config.requestTimeoutMs)
        settings.writeTimeoutMs = UInt64(config.writeTimeoutMs)
        settings.maxSupersededPayloadBytes = config.maxSupersededPayloadBytes
        return settings
    }

    /// The short text of the errors the HTTP layer answers by itself, before any route.
    static func message(for status: Int) -> String {
        switch status {
        case 413: "request body too large"
        case 431: "request header fields too large"
        case 408: "request timeout"
        default: "malformed request"
        }
    }
}
