/// The two-level response cache of spec 6: a read-write level filled on demand, invalidated by
/// registry changes and expiring `autoExpirationMs` after generation, and (optionally) a read-only
/// level in front of it that only the refresh tick updates. Loop thread only.
public final class ResponseCache {
    public struct Settings: Sendable {
        public var useReadOnlyLevel = true
        public var autoExpirationMs: Int64 = 180_000
        /// Beyond Netflix (spec 10): regenerate invalidated read-only entries on the next loop turn.
        public var immediatePropagation = false
        public init() {}
    }

    public struct Metrics: Sendable {
        public var hits = 0
        public var misses = 0
        public var generations = 0
        public var generatedBytes = 0
        public var generationMicros = 0
    }

    private let settings: Settings
    private let time: TimeSource
    private let generate: (CacheKey) -> [UInt8]?
    private var readWrite: [CacheKey: Payload] = [:]
    private var readOnly: [CacheKey: Payload] = [:]
    public private(set) var metrics = Metrics()

    /// `generate` encodes the document of a key from the registry as it is now; nil means "empty" (404).
    public init(settings: Settings, time: TimeSource, generate: @escaping (CacheKey) -> [UInt8]?) {
        self.settings = settings
        self.time = time
        self.generate = generate
    }

    /// The value a reader of `key` gets now (spec 6.5, 6.6).
    public func read(_ key: CacheKey) -> Payload {
        guard settings.useReadOnlyLevel else { return readWriteValue(key) }
        if let value = readOnly[key] {
            metrics.hits += 1
            return value
        }
        let value = readWriteValue(key)
        readOnly[key] = value
        return value
    }

    /// Deletes the read-write entries a change touches (spec 6.4); readers of the read-only level see
    /// the change at the next refresh tick, or at once with immediate propagation.
    public func invalidate(app: String, vips: [Substring], svips: [Substring]) {
        for key in CacheKey.invalidated(app: app, vips: vips, svips: svips) {
            readWrite[key] = nil
            if settings.immediatePropagation, readOnly[key] != nil { readOnly[key] = nil }
        }
    }

    /// The refresh tick (spec 6.5): every read-only key takes the current read-write value.
    public func refreshReadOnly() {
        guard settings.useReadOnlyLevel else { return }
        for key in Array(readOnly.keys) {
            readOnly[key] = readWriteValue(key)
        }
    }

    private func readWriteValue(_ key: CacheKey) -> Payload {
        let now = time.nowMillis()
        if let value = readWrite[key], now - value.generatedAt < settings.autoExpirationMs {
            metrics.hits += 1
            return value
        }
        metrics.misses += 1
        let started = Monotonic.micros()
        let body = generate(key)
        let value = Payload(body: body, compress: key.isCompressible, generatedAt: now)
        metrics.generations += 1
        metrics.generatedBytes += body?.count ?? 0
        metrics.generationMicros += Monotonic.micros() - started
        readWrite[key] = value
        return value
    }
}
